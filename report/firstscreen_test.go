package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
)

// screen is what a terminal shows before it scrolls: 24 lines.
const screen = 24

// TestFirstScreen: on the seed capture, the first 24 lines of the text
// report say what is wrong, how sure the tool is, and every command of the
// fix, each whole on its own line.
func TestFirstScreen(t *testing.T) {
	for _, l := range []Lang{English, Chinese} {
		r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
		var b bytes.Buffer
		if err := Text(&b, r, Options{Lang: l}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		top := strings.Join(lines[:screen], "\n")
		if want := l.tr("PROBLEM: strong-host-receive (confidence medium): ", "问题：strong-host-receive（置信度：中）："); !strings.HasPrefix(top, want) {
			t.Errorf("--lang %s: the report does not start with %q:\n%s", l, want, top)
		}
		for _, c := range topCommands(fixes(&r.Findings[0], l), l) {
			if !strings.Contains(top+"\n", "\n    "+c+"\n") {
				t.Errorf("--lang %s: command %q is not on a line of its own in the first %d lines:\n%s", l, c, screen, top)
			}
		}
		if !strings.Contains(top, "netsh interface ipv4 set interface <NIC-IDX> weakhostreceive=enabled") {
			t.Errorf("--lang %s: the first screen lacks the weak host command:\n%s", l, top)
		}
	}
}

// TestFirstScreenFindings: with several findings, the first screen has
// one line for each.
func TestFirstScreenFindings(t *testing.T) {
	f, err := os.Open("../testdata/pcaps/gzip-outcomes.cap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cf, err := capture.NewFile("gzip-outcomes.cap", f)
	if err != nil {
		t.Fatal(err)
	}
	ports, _ := analyze.ParsePorts("443")
	vips, _ := analyze.ParsePrefixes("192.0.2.10")
	r, _ := analyze.Run(context.Background(), analyze.Config{Ports: ports, VIPs: vips}, []analyze.Input{{Name: "gzip-outcomes.cap", Format: cf.Format, Source: cf}})
	if len(r.Findings) < 2 {
		t.Fatalf("%d findings, want several", len(r.Findings))
	}
	var b bytes.Buffer
	if err := Text(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	top := strings.Join(strings.Split(b.String(), "\n")[:screen], "\n")
	for i, fd := range r.Findings {
		want := "\n  " + findingLine(&r.Findings[i], viewFinding{N: i + 1, Cause: string(fd.Cause), Confidence: string(fd.Confidence)}, English) + "\n"
		if !strings.Contains(top, want) {
			t.Errorf("finding %d has no line %q in the first screen:\n%s", i+1, strings.TrimSpace(want), top)
		}
	}
}

// TestProseWidth: in every bundled capture's text report, in every
// language, no line is wider than 100 columns but for a command or a
// display filter, which are pasted whole.
func TestProseWidth(t *testing.T) {
	files, _ := filepath.Glob("../testdata/pcaps/*.pcap*")
	caps, _ := filepath.Glob("../testdata/pcaps/*.cap")
	files = append(files, caps...)
	if len(files) < 10 {
		t.Fatalf("found %d bundled captures", len(files))
	}
	for _, path := range files {
		r := analyzeFile(t, path)
		if r == nil {
			continue
		}
		for _, l := range []Lang{English, Chinese} {
			whole := map[string]bool{}
			for i := range r.Findings {
				for _, e := range r.Findings[i].Evidence {
					whole[e.Filter] = true
				}
				for _, fx := range fixes(&r.Findings[i], l) {
					whole[fx.verifyCommand] = true
					for _, st := range fx.Steps {
						for _, c := range st.Commands {
							whole[c] = true
						}
					}
				}
			}
			var b bytes.Buffer
			if err := Text(&b, r, Options{Lang: l}); err != nil {
				t.Fatal(err)
			}
			for n, line := range strings.Split(b.String(), "\n") {
				if twwidth.Width(line) <= proseWidth || isWhole(line, whole, l) {
					continue
				}
				t.Errorf("%s --lang %s: line %d is %d columns wide:\n%s", filepath.Base(path), l, n+1, twwidth.Width(line), line)
			}
		}
	}
}

// isWhole: the line is a command or a filter, alone after its label.
func isWhole(line string, whole map[string]bool, l Lang) bool {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, l.tr("Wireshark: ", "Wireshark 过滤器："))
	return whole[s]
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text, first, indent string
		width               int
		want                []string
	}{
		{"one two three", "", "", 9, []string{"one two", "three"}},
		{"one two three", "- ", "  ", 9, []string{"- one two", "  three"}},
		{"a verylongword b", "", "", 5, []string{"a", "verylongword", "b"}},
		// A command quoted in prose moves to the next line whole.
		{"then run ip -br addr, and look", "", "", 14, []string{"then run", "ip -br addr,", "and look"}},
		{"Run slbdiag doctor --vip 192.0.2.10, then wait", "", "", 33, []string{"Run", "slbdiag doctor --vip 192.0.2.10,", "then wait"}},
		// SYN-ACK is no PowerShell cmdlet: prose breaks after it.
		{"1 SYN-ACK left the host", "", "", 12, []string{"1 SYN-ACK", "left the", "host"}},
		// Chinese breaks between characters, two columns each.
		{"中文报告换行", "", "", 6, []string{"中文报", "告换行"}},
		{"", "- ", "  ", 10, []string{"- "}},
	}
	for _, tt := range tests {
		got := wrap(tt.text, tt.first, tt.indent, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// TestRedactedSaysSoAtTheTop: a redacted report says, right under its
// verdict and before the fix, what was replaced; in every format.
func TestRedactedSaysSoAtTheTop(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	shown := NewRedactor(Redaction{Clients: true, Files: true}, nil).Result(r)
	var b bytes.Buffer
	if err := Text(&b, shown, Options{}); err != nil {
		t.Fatal(err)
	}
	top, _, _ := strings.Cut(b.String(), "Fix:")
	if !strings.Contains(top, "Redacted: 2 client addresses replaced") || !strings.Contains(top, "input file\n  names replaced") {
		t.Errorf("the first lines do not say what was redacted:\n%s", top)
	}
	for _, format := range []string{"markdown", "html", "json"} {
		render, _ := Lookup(format)
		var b bytes.Buffer
		if err := render(&b, shown, Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "client addresses replaced") && !strings.Contains(b.String(), `"clients": 2`) {
			t.Errorf("%s does not say what was redacted", format)
		}
	}
	b.Reset()
	if err := Text(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Redacted:") {
		t.Error("an unredacted report says it is redacted")
	}
}
