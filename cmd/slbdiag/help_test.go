package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// helpGolden is the golden file of a command's help ("slbdiag": the list
// of commands).
func helpGolden(name string) string {
	return filepath.Join("testdata", "golden", "help", name+".txt")
}

// TestHelpGolden keeps each command's help, and the list of commands, as
// golden files: -h, --help and 'slbdiag help CMD' print it to stdout and
// succeed, and every line but an example's command fits 100 columns.
func TestHelpGolden(t *testing.T) {
	repoRoot(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(helpGolden("x")), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	type asking struct {
		golden string
		args   [][]string
	}
	askings := []asking{{"slbdiag", [][]string{{"help"}, {"--help"}, {"-h"}, {"help", "help"}}}}
	for _, c := range commands() {
		askings = append(askings, asking{c.name, [][]string{{c.name, "-h"}, {c.name, "--help"}, {"help", c.name}, {c.name, "-help"}}})
	}
	for _, a := range askings {
		t.Run(a.golden, func(t *testing.T) {
			var first string
			for i, args := range a.args {
				var stdout, stderr bytes.Buffer
				if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil || stderr.Len() > 0 {
					t.Fatalf("slbdiag %q: err %v, stderr %q; want the help on stdout and no error", args, err, stderr.String())
				}
				if i == 0 {
					first = stdout.String()
					checkGolden(t, helpGolden(a.golden), stdout.Bytes())
				} else if stdout.String() != first {
					t.Errorf("slbdiag %q differs from slbdiag %q:\n%s", args, a.args[0], cmp.Diff(first, stdout.String()))
				}
			}
			for _, line := range strings.Split(first, "\n") {
				if len([]rune(line)) > helpWidth && !isExample(line) {
					t.Errorf("line over %d columns: %q", helpWidth, line)
				}
			}
		})
	}
}

// TestHelpOrder: a command's help shows its examples before its flags, and
// the flags by purpose: input, diagnosis, output, sharing, in that order.
func TestHelpOrder(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"analyze", "-h"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	var at []int
	for _, s := range []string{"\nExamples:\n", "\nInput:\n  FILE...\n", "  -r FILE\n", "\nDiagnosis:\n", "  --host-facts FILE\n",
		"\nOutput:\n", "  --format FORMAT\n", "  --evidence FILE\n", "\nSharing:\n", "  --redact\n", "  --redact-sni\n"} {
		i := strings.Index(help, s)
		if i < 0 {
			t.Fatalf("analyze -h lacks %q:\n%s", s, help)
		}
		at = append(at, i)
	}
	if !slices.IsSorted(at) {
		t.Errorf("analyze -h is not in the order examples, input, diagnosis, output, sharing (offsets %v):\n%s", at, help)
	}
}

// TestHelpListsEveryCommand: 'slbdiag help' and 'slbdiag' alone name
// each command the dispatcher knows.
func TestHelpListsEveryCommand(t *testing.T) {
	var help, alone bytes.Buffer
	if err := run(context.Background(), []string{"help"}, nil, &help, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), nil, nil, io.Discard, &alone)
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Fatalf("slbdiag alone: %v, want a usage error", err)
	}
	if alone.String() != help.String() {
		t.Errorf("slbdiag alone wrote:\n%s\nwant what slbdiag help writes:\n%s", alone.String(), help.String())
	}
	for _, c := range append(commands(), command{name: "collect"}) {
		if !strings.Contains(help.String(), "\n  slbdiag "+c.name+" ") {
			t.Errorf("slbdiag help does not list %s:\n%s", c.name, help.String())
		}
	}
}

// TestHelpExamplesParse: every example in a help is a command line its
// command accepts.
func TestHelpExamplesParse(t *testing.T) {
	parse := map[string]func([]string) error{
		"analyze": func(a []string) error { _, err := parseAnalyze(a, io.Discard); return err },
		"capture": func(a []string) error { _, err := parseCapture(a, io.Discard); return err },
		"watch":   func(a []string) error { _, err := parseWatch(a, io.Discard); return err },
		"doctor":  func(a []string) error { _, err := parseDoctor(a, io.Discard); return err },
		"collect": func(a []string) error { _, err := parseCollect(a, io.Discard); return err },
		"convert": func(a []string) error { _, err := parseConvert(a, io.Discard); return err },
		// These only print, so they are run.
		"explain":    func(a []string) error { return runExplain(a, io.Discard, io.Discard) },
		"interfaces": func(a []string) error { return runInterfaces(a, io.Discard, io.Discard) },
		"version":    func(a []string) error { return runVersion(a, io.Discard, io.Discard) },
	}
	for _, c := range commands() {
		var out bytes.Buffer
		if err := run(context.Background(), []string{c.name, "-h"}, nil, &out, io.Discard); err != nil {
			t.Fatalf("%s -h: %v", c.name, err)
		}
		n := 0
		for _, line := range strings.Split(out.String(), "\n") {
			if !isExample(line) {
				continue
			}
			n++
			args := shellWords(t, line)
			if args[0] == "sudo" {
				args = args[1:]
			}
			if args[0] != "slbdiag" || args[1] != c.name {
				t.Errorf("%s -h: example %q is not a %s command", c.name, line, c.name)
				continue
			}
			p, ok := parse[c.name]
			if !ok {
				t.Fatalf("no parser for %s", c.name)
			}
			if err := p(args[2:]); err != nil {
				t.Errorf("%s -h: example %q: %v", c.name, line, err)
			}
		}
		if n < 2 || n > 3 {
			t.Errorf("%s -h has %d examples, want two or three", c.name, n)
		}
	}
}

// isExample reports whether a help line is an example's command line.
func isExample(line string) bool {
	return strings.HasPrefix(line, "  slbdiag ") && !strings.HasPrefix(line, "  slbdiag help") ||
		strings.HasPrefix(line, "  sudo slbdiag ")
}

// shellWords splits a command line as a POSIX shell would, for the
// quoting the examples use: '…', "…" and bare words.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestHelpEveryFlagGrouped: a flag defined past the grouping helpers
// makes the help fail, rather than be left out of it.
func TestHelpEveryFlagGrouped(t *testing.T) {
	c := newCmdFlags("analyze", cmdHelp{})
	c.String("vip", "", "the VIPs")
	c.FlagSet.String("stray", "", "defined without a group")
	err := parseFlags(c, []string{"-h"}, io.Discard)
	if err == nil || errors.Is(err, flag.ErrHelp) || !strings.Contains(err.Error(), "--stray has no group") {
		t.Errorf("help with an ungrouped flag: %v, want an error naming --stray", err)
	}
}

func TestNearest(t *testing.T) {
	known := []string{"vip", "port", "grace", "horizon", "probe-net", "format", "o", "lang", "evidence", "host-facts", "redact", "redact-sni", "r", "n"}
	for _, tt := range []struct {
		typed string
		want  []string
	}{
		{"vpi", []string{"vip"}},
		{"VIP", []string{"vip"}},
		{"prot", []string{"port"}},
		{"ports", []string{"port"}},
		{"formt", []string{"format"}},
		{"horizn", []string{"horizon"}},
		{"hostfacts", []string{"host-facts"}},
		{"redact-nsi", []string{"redact-sni"}},
		{"probe", []string{"probe-net"}},
		{"red", []string{"redact", "redact-sni"}},
		{"x", nil},
		{"rr", nil},
		{"bogus", nil},
		{"verbose", nil},
	} {
		if got := nearest(tt.typed, known); !slices.Equal(got, tt.want) {
			t.Errorf("nearest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

// TestNoResolveAccepted: -n, tcpdump's "no names", is accepted by the
// commands that read packets, and by no other.
func TestNoResolveAccepted(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		cmd   string
		parse func([]string) error
		args  []string
	}{
		{"analyze", func(a []string) error { _, err := parseAnalyze(a, io.Discard); return err }, []string{"-n", "x.pcap"}},
		{"capture", func(a []string) error { _, err := parseCapture(a, io.Discard); return err }, []string{"-n", "-i", "eth0"}},
		{"watch", func(a []string) error { _, err := parseWatch(a, io.Discard); return err }, []string{"-i", "eth0", "-n", "--out", dir}},
	} {
		if err := tc.parse(tc.args); err != nil {
			t.Errorf("%s %q: %v", tc.cmd, tc.args, err)
		}
	}
	if _, err := parseDoctor([]string{"-n", "--vip", "192.0.2.10"}, io.Discard); err == nil || err.Error() != "unknown flag -n" {
		t.Errorf("doctor -n: %v, want unknown flag -n", err)
	}
}
