package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/capture"
)

// The hint for a filter that does not compile is a command an engineer
// pastes, often as root: whatever the filter holds, the command must run
// nothing but tcpdump on one word, and the hint must be one line without
// characters that act on the terminal.
func TestFilterHintQuoted(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "X")
	for _, filter := range []string{
		"tcp port 443 and host 10.0.0.1' ; touch " + marker + " ; echo '",
		"host 10.0.0.1 $(touch " + marker + ") `touch " + marker + "`",
		"tcp\x1b]0;owned\x07 port 443\u009b2J\u202e",
		"tcp port 443\ntouch " + marker,
	} {
		hs := captureHints(&capture.FilterError{Filter: filter, Err: errors.New("syntax error")}, "linux")
		if len(hs) == 0 {
			t.Fatalf("%q: no hint", filter)
		}
		h := hs[0]
		if strings.ContainsAny(h, "\x1b\x07\x9b\u202e\n\r") {
			t.Errorf("%q: raw control characters in the hint %q", filter, h)
		}
		cmd, ok := strings.CutPrefix(h, "check the filter with: tcpdump -d ")
		if !ok {
			t.Fatalf("hint %q does not give the tcpdump command", h)
		}
		// The shell must see exactly one word, the filter (its controls
		// escaped), and run nothing else.
		out, err := exec.Command("sh", "-c", "printf '%s|' "+cmd).Output()
		if err != nil {
			t.Fatalf("%q: sh: %v", cmd, err)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("pasting %q ran a command", h)
		}
		if got, want := string(out), strings.NewReplacer("\x1b", `\x1b`, "\x07", `\x07`, "\u009b", `\u009b`, "\u202e", `\u202e`, "\n", `\x0a`).Replace(filter)+"|"; got != want {
			t.Errorf("the shell saw %q, want the one word %q", got, want)
		}
	}
}

// The error line and its hints quote the filter and libpcap's message on
// it: on the terminal, each is one line with its controls escaped.
func TestFilterErrorPrintedSafely(t *testing.T) {
	var stderr bytes.Buffer
	printError(&stderr, &capture.FilterError{Filter: "tcp\x1b[2J port\x07 1\u0085", Err: errors.New("unknown host 'a\x1b]0;x\x07'\nsecond")})
	s := stderr.String()
	if strings.ContainsAny(s, "\x1b\x07\u0085") {
		t.Errorf("raw control characters on stderr:\n%q", s)
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if !strings.HasPrefix(line, "slbdiag: error: ") && !strings.HasPrefix(line, "hint: ") {
			t.Errorf("line %q is neither the error nor a hint:\n%s", line, s)
		}
	}
}

// End to end through the command line, where libpcap is there to refuse
// the filter.
func TestCaptureInjectedFilter(t *testing.T) {
	if !capture.LiveAvailable {
		t.Skip("built without libpcap")
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"capture", "-i", "lo", "-f", "host 10.0.0.1' ; touch X ; echo '\x1b[31m"}, nil, &stdout, &stderr)
	if exitCode(err, &stderr) != exitError {
		t.Fatalf("error %v, want exit code 2", err)
	}
	if want := `hint: check the filter with: tcpdump -d 'host 10.0.0.1'\'' ; touch X ; echo '\''\x1b[31m'` + "\n"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant the line %q", stderr.String(), want)
	}
}
