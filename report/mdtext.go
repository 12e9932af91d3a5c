package report

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markdown is read twice: raw, pasted into a ticket, and rendered. md
// escapes only what would become markup, so the raw text reads as the
// text report does ("Device Manager > Action", "<本机地址>", "pcapng#1"),
// and it sets commands, flags and placeholders in code spans, where a
// renderer can neither turn "--" into a dash nor take "<NIC-IDX>" for an
// HTML tag.

// mdCode finds where code begins: an slbdiag or curl command, a flag
// (after a space, a bracket or the start), or a placeholder such as
// <NIC-IDX>.
var mdCode = regexp.MustCompile(`\bslbdiag (?:analyze|capture|watch|doctor|interfaces|explain|version)\b|\bcurl\b|(?:^|[\s(（：，、"])(--?[a-z][a-z0-9-]*)|(?:^|[\s(（：，、"])(` + proseCommandRE + `)|<[A-Z][A-Z0-9-]*>`)

// isFlagValue reports whether a word that follows a flag is its value:
// a format's or a language's name, or any (--port any).
func isFlagValue(w string) bool {
	return w == "any" || slices.Contains(FormatNames(), w) || slices.Contains(langNames, w)
}

// md renders prose for Markdown: code in code spans, the rest escaped
// where it would be markup.
func md(s string) string {
	var b strings.Builder
	last := 0
	for last < len(s) {
		m := mdCode.FindStringSubmatchIndex(s[last:])
		if m == nil {
			break
		}
		start, end := last+m[0], last+m[1]
		switch {
		case m[2] >= 0: // a flag, and its value if one follows
			start = last + m[2]
			end = argsEnd(s, end, true)
		case m[4] >= 0: // another program's command line, quoted in prose
			start = last + m[4]
			end = clauseEnd(s, start)
		case s[start] != '<': // a command and its arguments
			end = argsEnd(s, end, false)
		}
		b.WriteString(mdEscape(s[last:start], last == 0))
		b.WriteString(codeSpan(strings.TrimSpace(s[start:end])))
		last = end
	}
	b.WriteString(mdEscape(s[last:], last == 0))
	return b.String()
}

// clauseEnd is where a command line quoted in prose from i ends: before
// the punctuation that ends its clause, or before a word of the sentence
// around it (endsCommand), so that
// "(ip -br addr, or Get-NetIPAddress -IPAddress 192.0.2.10)" gives two
// whole code spans and not a code span per flag.
func clauseEnd(s string, i int) int {
	end := i
	for first := true; end < len(s); first = false {
		rest := s[end:]
		if !first {
			if !strings.HasPrefix(rest, " ") {
				return end
			}
			rest = rest[1:]
		}
		n := argLen(rest)
		word := rest[:n]
		bare := strings.TrimRight(word, ".,;:)")
		if !first && (bare == "" || endsCommand(bare)) {
			return end
		}
		if first {
			end += len(bare)
		} else {
			end += 1 + len(bare)
		}
		if len(bare) < len(word) || n < len(rest) && rest[n] != ' ' {
			return end
		}
	}
	return end
}

// argsEnd is where the arguments that follow s[:i] end: words separated
// by single spaces that look like arguments (flags, addresses, names with
// a dot, placeholders), up to the end of the sentence. With one, only a
// single value is taken, and only one that is a number or a known word.
func argsEnd(s string, i int, one bool) int {
	for i < len(s) {
		rest := strings.TrimPrefix(s[i:], " ")
		if len(rest) == len(s[i:]) || rest == "" {
			return i
		}
		n := argLen(rest)
		word := strings.TrimRight(rest[:n], ".,;:)")
		if word == "" || !isArg(word, one) {
			return i
		}
		i += 1 + len(word)
		if one || len(word) < n {
			return i
		}
	}
	return i
}

// argLen is the length of the argument rest starts with: up to a space
// (one inside <...> belongs to the placeholder) or Chinese punctuation.
func argLen(rest string) int {
	inside := false
	for i, r := range rest {
		switch {
		case r == '<':
			inside = true
		case r == '>':
			inside = false
		case !inside && (r == ' ' || r > unicode.MaxASCII):
			return i
		}
	}
	return len(rest)
}

// isArg tells a command's argument from the prose after it.
func isArg(word string, value bool) bool {
	if isFlagValue(word) {
		return true
	}
	if value {
		return word[0] >= '0' && word[0] <= '9'
	}
	return strings.ContainsAny(word, "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ./:<=_")
}

// mdEntity is what a renderer would read as a character reference.
var mdEntity = regexp.MustCompile(`^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// mdLink is brackets a renderer would make a link or an image of:
// [text](url) or [text][ref]. Brackets alone ("[2001:db8::10]:443") stay
// as they are, except at the start of a block, where "[x]: y" would
// define a link.
var mdLink = regexp.MustCompile(`^\[[^\]]*\][(\[]`)

// mdEscape backslash-escapes what would start markup in s, which begins
// a block when atStart.
func mdEscape(s string, atStart bool) string {
	var b strings.Builder
	for i, r := range s {
		if (r == '&' && mdEntity.MatchString(s[i:])) || (r == '[' && (atStart && i == 0 || mdLink.MatchString(s[i:]))) {
			b.WriteByte('\\')
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		if markup(r, prev, next, atStart && i == 0) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// markup reports whether r, between prev and next, would be read as
// Markdown (CommonMark with GitHub's tables) rather than as text.
func markup(r, prev, next rune, first bool) bool {
	word := func(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }
	switch r {
	case '`', '*', '|':
		return true
	case '\\':
		return unicode.IsPunct(next) || unicode.IsSymbol(next)
	case '_': // inside a word (arp_ignore) it never emphasises
		return !word(prev) || !word(next)
	case '<': // a tag, an autolink or a comment
		return next < utf8.RuneSelf && (unicode.IsLetter(next) || next == '/' || next == '!' || next == '?')
	case '#', '>', '-', '+', '=':
		return first // a heading, a quote, a list item or an underline
	}
	return false
}

// codeSpan sets s in a code span whose backtick fence is longer than any
// run of backticks in s.
func codeSpan(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// codeFence is a fence for a code block of lines: at least three
// backticks, more than any run in them.
func codeFence(lines []string) string {
	n := 2
	for _, l := range lines {
		n = max(n, longestRun(l, '`'))
	}
	return strings.Repeat("`", n+1)
}

func longestRun(s string, c rune) int {
	most, run := 0, 0
	for _, r := range s {
		if r == c {
			run++
			most = max(most, run)
		} else {
			run = 0
		}
	}
	return most
}
