package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedETL is a real pktmon trace beside the repository; the tests that
// need it skip without it. From the repository root, where the binary runs.
const sharedETL = "../shared/etl/Dookisan--stmcast_server_client--PktMon.etl"

func needSharedETL(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", sharedETL))
	if err != nil {
		t.Skipf("no shared trace: %v", err)
	}
	return b
}

// etlSummary is what the tests read of a JSON report.
type etlSummary struct {
	Inputs []struct {
		Format string `json:"format"`
		Frames int    `json:"frames"`
	} `json:"inputs"`
	Summary struct {
		Attempts   int            `json:"attempts"`
		SynPackets int            `json:"syn_packets"`
		Outcomes   map[string]int `json:"outcomes"`
	} `json:"summary"`
	Warnings []struct {
		Kind string `json:"kind"`
	} `json:"warnings"`
}

func parseSummary(t *testing.T, out string) etlSummary {
	t.Helper()
	var s etlSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v in %.300q", err, out)
	}
	return s
}

// TestBinaryETL analyzes a real pktmon trace from a file, from stdin, gzip'd,
// and merged with a pcap: the handshakes to port 443 are those an
// independent decoder found in it (12 attempts, 44 SYN transmissions, 4
// completed, 8 unanswered), and the OS's drops are named on stderr.
func TestBinaryETL(t *testing.T) {
	raw := needSharedETL(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	tests := []struct {
		name   string
		stdin  []byte
		args   []string
		inputs int
	}{
		{"file", nil, []string{sharedETL}, 1},
		{"stdin", raw, []string{"-"}, 1},
		{"gzip on stdin", gz.Bytes(), []string{"-"}, 1},
		{"merged with a pcap", nil, []string{sharedETL, "testdata/pcaps/merge-a.pcap"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := slbdiag(t, tt.stdin, append([]string{"analyze", "--format", "json", "--port", "443", "--vip", "52.35.150.14"}, tt.args...)...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1 (problems found); stderr:\n%s", r.code, r.stderr)
			}
			s := parseSummary(t, r.stdout)
			if len(s.Inputs) != tt.inputs || s.Inputs[0].Format != "etl" || s.Inputs[0].Frames != 5888 {
				t.Errorf("inputs %+v", s.Inputs)
			}
			if tt.inputs == 1 && (s.Summary.Attempts != 12 || s.Summary.SynPackets != 44 || s.Summary.Outcomes["completed"] != 4 || s.Summary.Outcomes["unanswered"] != 8) {
				t.Errorf("summary %+v", s.Summary)
			}
			if !strings.Contains(r.stderr, "slbdiag: note: ") || !strings.Contains(r.stderr, "tcpip.sys: reason 1206 (INET: session state error), location 0xe0004602") {
				t.Errorf("stderr does not name the OS's drops:\n%s", r.stderr)
			}
		})
	}
}

// TestBinaryETLDamaged cuts a real trace in the middle of a buffer: the
// frames before the damage are analyzed and the damage is said, with the
// buffer's offset.
func TestBinaryETLDamaged(t *testing.T) {
	raw := needSharedETL(t)
	cut := filepath.Join(t.TempDir(), "cut.etl")
	if err := os.WriteFile(cut, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	r := slbdiag(t, nil, "analyze", "--format", "json", "--port", "443", cut)
	s := parseSummary(t, r.stdout)
	if len(s.Inputs) != 1 || s.Inputs[0].Frames == 0 || s.Inputs[0].Frames >= 5888 {
		t.Errorf("inputs %+v: want some frames, not all", s.Inputs)
	}
	if !strings.Contains(r.stderr, "the result is partial") || !strings.Contains(r.stderr, "truncated after frame") || !strings.Contains(r.stderr, "buffer at byte") {
		t.Errorf("stderr does not say where the file was cut:\n%s", r.stderr)
	}
}
