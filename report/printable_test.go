package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"www.example.com", "www.example.com"},
		{"以太网 2", "以太网 2"},
		{"eth0\x1b]0;pwned\x07", `eth0\x1b]0;pwned\x07`},
		{"a\nb\tc\rd", `a\x0ab\x09c\x0dd`},
		{"\u202egnp.exe", `\u202egnp.exe`},
		{"\u009b2J", `\u009b2J`},
		{"bad\xffutf8", `bad\xffutf8`},
	} {
		if got := printable(tc.in); got != tc.want {
			t.Errorf("printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSafeWriter escapes whatever reaches it, keeping lines and tabs,
// also when a character is split between writes.
func TestSafeWriter(t *testing.T) {
	in := "ok\tline\n\x1b[2Jclear \u009b2J \u202eevil 以太网\a\n"
	want := "ok\tline\n\\x1b[2Jclear \\u009b2J \\u202eevil 以太网\\x07\n"
	for split := 0; split <= len(in); split++ {
		var b bytes.Buffer
		w := newSafeWriter(&b)
		w.Write([]byte(in[:split]))
		w.Write([]byte(in[split:]))
		w.Close()
		if b.String() != want {
			t.Fatalf("split at %d: %q, want %q", split, b.String(), want)
		}
	}
	var b bytes.Buffer
	w := newSafeWriter(&b)
	w.Write([]byte("cut \xe4\xbb"))
	w.Close()
	if got := b.String(); !strings.HasPrefix(got, "cut ") || strings.ContainsRune(got, 0xe4) {
		t.Errorf("a character cut at the end: %q", got)
	}
}

// TestWarningDetailsEscaped: a warning's detail comes from the input (an
// .etl's component and drop-reason names, a reader's error), so it reaches
// the terminal escaped in every format.
func TestWarningDetailsEscaped(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	r.Warnings = append(r.Warnings, analyze.Warning{Kind: analyze.WarnOSDrops, File: 0, Count: 3, Attempts: 1, Detail: "tcpip.sys\x1b[2J\u202ereason 7"})
	for _, format := range []string{"text", "markdown", "html", "json"} {
		render, _ := Lookup(format)
		var b bytes.Buffer
		if err := render(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(b.String(), "\x1b\u202e") {
			t.Errorf("%s writes the detail raw", format)
		}
	}
}
