package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/capture"
)

func TestVersion(t *testing.T) {
	note := liveCaptureNote(runtime.GOOS, capture.LiveAvailable)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "slbdiag v0.0.0-test\ncommit:       0123456789abcdef0123456789abcdef01234567\ncommit time:  2026-01-02T03:04:05Z\n" +
			"modified:     no\ngo:           go1.26.0 linux/amd64\nlive capture: " + note + "\n"},
		{[]string{"--version"}, "slbdiag v0.0.0-test\ncommit:       0123456789abcdef0123456789abcdef01234567\ncommit time:  2026-01-02T03:04:05Z\n" +
			"modified:     no\ngo:           go1.26.0 linux/amd64\nlive capture: " + note + "\n"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), tc.args, nil, &stdout, &stderr); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if d := cmp.Diff(tc.want, stdout.String()); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.args, d)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"version", "--format", "json"}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "slbdiag", "version": "v0.0.0-test", "commit": "0123456789abcdef0123456789abcdef01234567",
		"date": "2026-01-02T03:04:05Z", "dirty": false, "go": "go1.26.0", "platform": "linux/amd64",
		"live_capture": capture.LiveAvailable, "live_capture_note": liveCaptureNote(runtime.GOOS, capture.LiveAvailable)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("version --format json (-want +got):\n%s", d)
	}
}

func TestVersionUsage(t *testing.T) {
	for _, args := range [][]string{{"version", "--format", "yaml"}, {"version", "extra"}} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, nil, &stdout, &stderr)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

func TestLiveCaptureNote(t *testing.T) {
	for _, tc := range []struct {
		goos      string
		available bool
		want      string
	}{
		{"windows", true, "yes, with Npcap (https://npcap.com, installed in WinPcap API-compatible mode); file analysis needs nothing"},
		{"linux", true, "yes, with libpcap (built with cgo); run as root or with the cap_net_raw capability"},
		{"linux", false, "no: this build has no libpcap (built without cgo); analyze capture files instead (tcpdump -w FILE, then slbdiag analyze FILE)"},
		{"darwin", false, "no: this build has no libpcap (built without cgo); analyze capture files instead (tcpdump -w FILE, then slbdiag analyze FILE)"},
	} {
		if got := liveCaptureNote(tc.goos, tc.available); got != tc.want {
			t.Errorf("liveCaptureNote(%s, %v) = %q, want %q", tc.goos, tc.available, got, tc.want)
		}
	}
}

// TestEvidenceNamesBuild checks the evidence pcapng's section header names
// the build, as Wireshark's Capture File Properties show it.
func TestEvidenceNamesBuild(t *testing.T) {
	repoRoot(t)
	out := filepath.Join(t.TempDir(), "evidence.pcapng")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"analyze", "--evidence", out, "testdata/pcaps/seed-strong-host.pcapng"}, nil, &stdout, &stderr)
	if !errors.Is(err, errProblems) {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.NgReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.SectionInfo().Application, "slbdiag v0.0.0-test (commit 0123456789ab)"; got != want {
		t.Errorf("shb_userappl = %q, want %q", got, want)
	}
}
