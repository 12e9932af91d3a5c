package report

import (
	"github.com/slbdiag/slbdiag/analyze"

	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Strings that came from a capture or a host-facts file (server names,
// interface and site names, file names) may hold anything: ESC sequences
// that clear a terminal or set its title, BEL, carriage returns that
// overwrite a line, bidirectional overrides that reorder it. printable
// escapes them where such a string enters a sentence; safeWriter is the
// net under every text, Markdown and HTML report, for what a sentence
// did not catch.

// printable returns s with every character that is not printable (line
// breaks and tabs included) written as a Go escape: "\x1b", "\u202e".
// Invalid UTF-8 bytes are escaped too.
func printable(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r) || r == '\n' || r == '\t':
			writeEscape(&b, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Printable is s with every character that could act on a terminal
// escaped, as reports write strings from captures and hosts; for what the
// command line prints outside a report (interface names).
func Printable(s string) string { return printable(s) }

func isPrintable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) || r == '\n' || r == '\t' {
			return false
		}
	}
	return true
}

// unsafeRune reports whether r may act on a terminal or reorder text:
// controls other than line feed and tab, and the bidirectional formatting
// characters.
func unsafeRune(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

func writeEscape(b *strings.Builder, r rune) {
	if r < 0x80 {
		fmt.Fprintf(b, `\x%02x`, r)
	} else {
		fmt.Fprintf(b, `\u%04x`, r)
	}
}

// safeWriter escapes unsafe characters (see unsafeRune) in everything
// written through it, keeping line feeds and tabs. A character split
// between two writes is held back until it is whole.
type safeWriter struct {
	w    io.Writer
	held []byte
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

func (s *safeWriter) Write(p []byte) (int, error) {
	data := p
	if len(s.held) > 0 {
		data = append(s.held, p...)
		s.held = nil
	}
	var b strings.Builder
	clean := 0 // data[clean:i] needs no escaping yet
	flush := func(i int) { b.Write(data[clean:i]) }
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 && !utf8.FullRune(data[i:]) {
			flush(i)
			s.held = append([]byte(nil), data[i:]...)
			clean = len(data)
			break
		}
		if unsafeRune(r) {
			flush(i)
			writeEscape(&b, r)
			clean = i + n
		}
		i += n
	}
	if clean < len(data) {
		flush(len(data))
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes what is held back, escaped: the output ended inside a
// character.
func (s *safeWriter) Close() error {
	if len(s.held) == 0 {
		return nil
	}
	_, err := io.WriteString(s.w, printable(string(s.held)))
	s.held = nil
	return err
}

// Text writes the terminal report (see text), with unsafe characters
// escaped.
func Text(w io.Writer, r *analyze.Result, o Options) error { return safely(w, r, o, text) }

// Markdown writes the report for a ticket (see markdown), with unsafe
// characters escaped.
func Markdown(w io.Writer, r *analyze.Result, o Options) error { return safely(w, r, o, markdown) }

// HTML writes the report as one self-contained page (see htmlPage), with
// unsafe characters escaped.
func HTML(w io.Writer, r *analyze.Result, o Options) error { return safely(w, r, o, htmlPage) }

func safely(w io.Writer, r *analyze.Result, o Options, render Renderer) error {
	sw := newSafeWriter(w)
	err := render(sw, r, o)
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return err
}
