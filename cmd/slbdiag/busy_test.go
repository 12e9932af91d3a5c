package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/internal/busygen"
)

// The built binary writes one JSONL line per attempt of a busy backend's
// capture, in order of first SYN, each as the generator meant it; the
// text report's counts are the generator's too; and a port with no
// traffic exits 3, nothing judged.
func TestBinaryBusyBackendJSONL(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 110k attempts")
	}
	path := filepath.Join(t.TempDir(), "busy.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	want, err := busygen.Write(bw, busygen.Config{Rate: 5000, Duration: 22 * time.Second, Clients: 3000, Seed: 11})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	r := slbdiag(t, nil, "analyze", "--format", "jsonl", path)
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (problems found); stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d JSONL lines, want %d", len(lines), len(want))
	}
	bad := 0
	for i, line := range lines {
		var got struct {
			ClientIP   string `json:"client_ip"`
			ClientPort uint16 `json:"client_port"`
			ServerIP   string `json:"server_ip"`
			ServerPort uint16 `json:"server_port"`
			Outcome    string `json:"outcome"`
			Syns       int    `json:"syns"`
			FirstFrame int    `json:"first_frame"`
			FirstTS    string `json:"first_ts"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		w := want[i]
		if got.ClientIP != w.Client.Addr().String() || got.ClientPort != w.Client.Port() || got.ServerIP != w.Server.Addr().String() ||
			got.ServerPort != w.Server.Port() || got.Outcome != w.Outcome || got.Syns != w.Syns || got.FirstFrame != w.FirstFrame ||
			got.FirstTS != w.FirstTS.UTC().Format(time.RFC3339Nano) {
			if bad++; bad <= 5 {
				t.Errorf("line %d: %s\nwant %+v", i+1, line, w)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d lines differ", bad, len(lines))
	}
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("warnings on an ordinary busy capture:\n%s", r.stderr)
	}
	if r := slbdiag(t, nil, "analyze", "--port", "8443", path); r.code != 3 {
		t.Errorf("--port 8443 with no traffic to it: exit %d, want 3; stdout:\n%s", r.code, r.stdout)
	}
}
