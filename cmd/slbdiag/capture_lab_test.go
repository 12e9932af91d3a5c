package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/capture"
)

// labSkip says why the lab cannot run here, or "" when it can.
func labSkip() string {
	switch {
	case os.Geteuid() != 0:
		return "the lab creates network namespaces and captures live: run as root (CI does)"
	case !capture.LiveAvailable:
		return "this test binary was built without libpcap (CGO_ENABLED=0)"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "iproute2 is not installed (Debian package iproute2)"
	}
	ns := fmt.Sprintf("slbdprobe%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		return fmt.Sprintf("'ip netns add' does not work here (%v: %s)", err, bytes.TrimSpace(out))
	}
	exec.Command("ip", "netns", "del", ns).Run()
	return ""
}

// TestLiveCaptureInLab runs 'slbdiag capture' live on the backend of the
// lab (test/lab/lab.sh) while a scenario's connections run, stops it with
// SIGINT, and checks that its report equals the replay of its own evidence
// file, and that the attempts end as the scenario intends.
func TestLiveCaptureInLab(t *testing.T) {
	if why := labSkip(); why != "" {
		t.Skip(why)
	}
	tests := []struct {
		scenario string
		code     int
		want     map[string]string // outcome of every attempt, by server
	}{
		{"dsr-probes", exitProblems, map[string]string{"192.0.2.10:443": "unanswered", "10.2.0.2:443": "completed"}},
		{"dsr-fixed", exitOK, map[string]string{"192.0.2.10:443": "completed", "10.2.0.2:443": "completed"}},
	}
	for i, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			dir := t.TempDir()
			evidence := filepath.Join(dir, "live.pcapng")
			out := filepath.Join(dir, "live")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// -d bounds the capture if the lab's SIGINT never comes.
			lab := exec.CommandContext(ctx, filepath.Join("test", "lab", "lab.sh"), "run", fmt.Sprintf("%d%d", os.Getpid()%100000, i), tt.scenario, out,
				"--", binary, "capture", "-i", "b0", "-d", "60s", "-w", evidence, "--format", "json")
			lab.Dir = filepath.Join("..", "..")
			if b, err := lab.CombinedOutput(); err != nil {
				t.Fatalf("lab: %v\n%s", err, b)
			}
			code, stdout, stderr := readLabRun(t, out)
			if code != tt.code {
				t.Errorf("slbdiag capture exited %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			if strings.Contains(stderr, "\r") {
				t.Errorf("a status line went to stderr, which is not a terminal:\n%q", stderr)
			}
			replay := slbdiag(t, nil, "analyze", "--format", "json", evidence)
			if replay.code != tt.code {
				t.Errorf("the replay exited %d, want %d", replay.code, tt.code)
			}
			if stdout != replay.stdout {
				t.Errorf("the live report differs from the replay of its evidence file\nlive:\n%s\nreplay:\n%s", stdout, replay.stdout)
			}
			if strings.Contains(stdout, `"interrupted"`) {
				t.Errorf("a normal stop was reported as an interruption:\n%s", stdout)
			}
			checkOutcomes(t, evidence, tt.want)
		})
	}
}

// TestLiveCaptureRedacted captures with --redact: the -w file is put in
// place only once its packets carry the report's stand-ins, and holds the
// client's address nowhere, as text or in binary.
func TestLiveCaptureRedacted(t *testing.T) {
	if why := labSkip(); why != "" {
		t.Skip(why)
	}
	dir := t.TempDir()
	evidence := filepath.Join(dir, "live.pcapng")
	out := filepath.Join(dir, "live")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	lab := exec.CommandContext(ctx, filepath.Join("test", "lab", "lab.sh"), "run", fmt.Sprintf("%d9", os.Getpid()%100000), "dsr-probes", out,
		"--", binary, "capture", "-i", "b0", "-d", "60s", "-w", evidence, "--redact", "--format", "json")
	lab.Dir = filepath.Join("..", "..")
	if b, err := lab.CombinedOutput(); err != nil {
		t.Fatalf("lab: %v\n%s", err, b)
	}
	code, stdout, stderr := readLabRun(t, out)
	if code != exitProblems {
		t.Errorf("slbdiag capture exited %d, want %d\nstderr: %s", code, exitProblems, stderr)
	}
	client := netip.MustParseAddr("10.1.0.2")
	b, err := os.ReadFile(evidence)
	if err != nil {
		t.Fatal(err)
	}
	for what, data := range map[string][]byte{"report": []byte(stdout), "evidence": b} {
		if bytes.Contains(data, []byte(client.String())) || bytes.Contains(data, client.AsSlice()) {
			t.Errorf("the %s holds the client address %s", what, client)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 { // live.pcapng and the lab's .rc, .stdout, .stderr
		t.Errorf("files left in %s: %v", dir, entries)
	}
	replay := slbdiag(t, nil, "analyze", "--format", "jsonl", evidence)
	if replay.code != exitProblems || !strings.Contains(replay.stdout, `"client_ip":"198.18.0.1"`) {
		t.Errorf("the redacted evidence replays with exit %d:\n%s", replay.code, replay.stdout)
	}
}

func readLabRun(t *testing.T, out string) (code int, stdout, stderr string) {
	t.Helper()
	read := func(ext string) string {
		b, err := os.ReadFile(out + ext)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if _, err := fmt.Sscan(read(".rc"), &code); err != nil {
		t.Fatal(err)
	}
	return code, read(".stdout"), read(".stderr")
}

// checkOutcomes replays the evidence as JSONL: each scenario makes two
// connections to each destination, and every attempt ends as intended.
func checkOutcomes(t *testing.T, evidence string, want map[string]string) {
	t.Helper()
	r := slbdiag(t, nil, "analyze", "--format", "jsonl", evidence)
	perServer := map[string]int{}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	for dec.More() {
		var l jsonlLine
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		server := fmt.Sprintf("%s:%d", l.ServerIP, l.ServerPort)
		perServer[server]++
		if w, ok := want[server]; !ok || l.Outcome != w {
			t.Errorf("attempt from %s:%d to %s: %s, want %q", l.ClientIP, l.ClientPort, server, l.Outcome, w)
		}
	}
	for server := range want {
		if perServer[server] != 2 {
			t.Errorf("%d attempts to %s, want 2", perServer[server], server)
		}
	}
}
