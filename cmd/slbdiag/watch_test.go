package main

import (
	"bytes"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseWatchRefuses(t *testing.T) {
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--out", "d"}, "no interface given"},
		{[]string{"-i", "eth0"}, "no directory given"},
		{[]string{"-i", "eth0", "--out", "d", "-o", "r.txt"}, "-o does not apply"},
		{[]string{"-i", "eth0", "--out", "d", "--format", "text,pdf"}, `--format: unknown format "pdf"`},
		{[]string{"-i", "eth0", "--out", "d", "--max-disk", "10kB"}, "--max-disk"},
		{[]string{"-i", "eth0", "--out", "d", "--after", "1m", "--max-span", "30s"}, "--max-span (30s) must be at least --after (1m0s)"},
	} {
		_, err := parseWatch(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
}

// The systemd unit is valid for systemd, and its command line, with its
// default environment, is one watch accepts.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile(filepath.Join("..", "..", "packaging", "slbdiag-watch.service"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	var exec string
	for _, line := range strings.Split(string(unit), "\n") {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			for _, kv := range strings.Fields(v) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			exec = v
		}
	}
	args := strings.Fields(os.Expand(exec, func(k string) string { return env[k] }))
	if len(args) < 2 || args[0] != "/usr/local/bin/slbdiag" || args[1] != "watch" {
		t.Fatalf("ExecStart=%s", exec)
	}
	c, err := parseWatch(args[2:], io.Discard)
	if err != nil {
		t.Fatalf("ExecStart's flags %q: %v", args[2:], err)
	}
	if c.iface != "eth0" || c.cfg.Dir != "/var/lib/slbdiag-watch" || c.cfg.MaxDisk != 2<<30 {
		t.Errorf("ExecStart gives -i %s --out %s --max-disk %d", c.iface, c.cfg.Dir, c.cfg.MaxDisk)
	}
	verify, err := osexec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit's syntax is not checked")
	}
	// systemd-analyze checks that ExecStart's program exists: point it at
	// the binary built for the tests.
	tmp := filepath.Join(t.TempDir(), "slbdiag-watch.service")
	os.WriteFile(tmp, bytes.ReplaceAll(unit, []byte("/usr/local/bin/slbdiag"), []byte(binary)), 0o644)
	if out, err := osexec.Command(verify, "verify", tmp).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
