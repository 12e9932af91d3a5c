package report

import (
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// proseWidth is the column prose of the text report wraps at: what mail
// and tickets show unwrapped. Commands and display filters are printed on
// lines of their own and never wrapped, so that they paste whole.
const proseWidth = 100

// wrap cuts text into lines of at most width terminal columns, the first
// after first and the others after indent. Lines break at spaces and
// between two CJK characters (Chinese has no spaces), never inside a
// word, nor inside a command quoted in prose ("ip -br addr", "slbdiag
// doctor --vip 192.0.2.10"), which moves to the next line whole; a run
// wider than a line stands alone on it.
func wrap(text, first, indent string, width int) []string {
	var lines []string
	prefix := first
	var cur []piece // the tokens of the line being filled
	lineWidth := func(ts []piece) int {
		w := twwidth.Width(prefix)
		for i, t := range ts {
			if t.space && i > 0 {
				w++
			}
			w += twwidth.Width(t.s)
		}
		return w
	}
	flush := func(ts []piece) {
		var b strings.Builder
		b.WriteString(prefix)
		for i, t := range ts {
			if t.space && i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.s)
		}
		lines = append(lines, b.String())
		prefix = indent
	}
	for _, tok := range tokens(text) {
		cur = append(cur, tok)
		if len(cur) == 1 || lineWidth(cur) <= width {
			continue
		}
		// Over the width: end the line at the last place it may end,
		// carrying what is glued to the new token along with it.
		cut := len(cur) - 1
		for cut > 0 && !cur[cut].breakable {
			cut--
		}
		if cut == 0 {
			continue // nothing to break at: the run stands alone, whole
		}
		flush(cur[:cut])
		cur = append([]piece(nil), cur[cut:]...)
	}
	flush(cur)
	return lines
}

// piece is a piece of prose that is never cut: a word, or one CJK
// character.
type piece struct {
	s         string
	space     bool // a space came before it
	breakable bool // a line may end before it
}

// tokens splits prose into words and CJK characters, marking where a
// line may break: not inside a command quoted in prose, which runs from
// a command's name (or a flag) to the first word that ends a clause.
func tokens(text string) []piece {
	var out []piece
	inCommand := false
	words := strings.Fields(text)
	for i, word := range words {
		bare := strings.TrimLeft(word, "(\"'`")
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		if inCommand && endsCommand(word) {
			inCommand = false
		}
		starts := startsCommand(bare, next) || isFlag(bare)
		for j, s := range cjkPieces(word) {
			t := piece{s: s, space: i > 0 && j == 0, breakable: true}
			if t.space && (inCommand || isFlag(bare)) {
				t.breakable = false
			}
			out = append(out, t)
		}
		switch {
		case strings.ContainsAny(word[len(word)-1:], ",.;:)"):
			inCommand = false
		case starts:
			inCommand = true
		}
	}
	return out
}

// cjkPieces splits a word so that a line may break between two CJK
// characters; other runs stay whole.
func cjkPieces(word string) []string {
	var out []string
	start := 0
	for i, r := range word {
		if isCJK(r) {
			if i > start {
				out = append(out, word[start:i])
			}
			out = append(out, string(r))
			start = i + len(string(r))
		}
	}
	if start < len(word) {
		out = append(out, word[start:])
	}
	return out
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
