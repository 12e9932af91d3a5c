package hostfacts

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNameLen is the longest interface name or description kept, in
// characters: Windows allows 256 for an alias and a description, Linux 15
// for a name. A longer one is no interface's: it is cut, with a note, so
// that what is printed stays proportional to what was understood.
const MaxNameLen = 256

// boundNames cuts every interface name and description longer than
// MaxNameLen, and says so in f.Unread.
func boundNames(f *Facts) {
	cut := 0
	for i := range f.Interfaces {
		ifc := &f.Interfaces[i]
		for _, s := range []*string{&ifc.Name, &ifc.Description} {
			if utf8.RuneCountInString(*s) > MaxNameLen {
				*s = cutRunes(*s, MaxNameLen) + "…"
				cut++
			}
		}
	}
	if cut > 0 {
		f.Unread = append(f.Unread, fmt.Sprintf("%d interface names or descriptions longer than %d characters, more than Windows or Linux allows: cut to their first %d", cut, MaxNameLen, MaxNameLen))
	}
}

// cutRunes is s's first n characters.
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// lineEnds makes a lone CR end a line, as LF and CRLF do: saved outputs
// from old Mac editors and some copy-paste tools end lines so, which would
// otherwise read as one line. CRLF stays as it is.
func lineEnds(text string) string {
	if !strings.Contains(text, "\r") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			c = '\n'
		}
		b.WriteByte(c)
	}
	return b.String()
}
