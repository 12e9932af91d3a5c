package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
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
			drops := 0
			for _, w := range s.Warnings {
				if w.Kind == "os-drops" {
					drops++
				}
			}
			if drops != 6 || !strings.Contains(r.stdout, "Windows itself dropped 951 packets at component 98 tcpip.sys: reason 1206 (INET: session state error), location 0xe0004602") {
				t.Errorf("%d os-drops warnings; the report does not name the OS's drops:\n%s", drops, r.stdout)
			}
			if !strings.Contains(r.stderr, "slbdiag: note: ") || !strings.Contains(r.stderr, "counted 9599 more packets") {
				t.Errorf("stderr does not say the counters counted more than was logged:\n%s", r.stderr)
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

// expectTCP is the part of a shared trace's expect file that tshark can
// check in a converted pcapng: the distinct SYNs (with how many times each
// was sent) and SYN-ACKs.
type expectTCP struct {
	SYNs []struct {
		Src, Dst     string
		Sport, Dport int
		Seq          uint32
		FirstUS      int64 `json:"first_ts_us"`
	} `json:"tcp_syn_unique"`
	SYNACKs []struct {
		Src, Dst     string
		Sport, Dport int
		Seq          uint32
	} `json:"tcp_synack_unique"`
	Handshakes []struct {
		Cport         int    `json:"cport"`
		ISN           uint32 `json:"isn"`
		Transmissions int    `json:"syn_transmissions"`
	} `json:"tcp_handshakes"`
}

// TestBinaryConvertETL converts every shared trace to pcapng and has
// tshark read it: it sees every SYN as often as it was sent, at the time
// the independent decoder found, and every SYN-ACK.
func TestBinaryConvertETL(t *testing.T) {
	needSharedETL(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("no tshark")
	}
	names, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "etl", "*.etl"))
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			var e expectTCP
			b, err := os.ReadFile(strings.TrimSuffix(name, ".etl") + ".expect.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			in, _ := filepath.Abs(name)
			out := filepath.Join(t.TempDir(), "out.pcapng")
			if r := slbdiag(t, nil, "convert", in, out); r.code != 0 || !strings.Contains(r.stderr, "slbdiag: wrote ") {
				t.Fatalf("exit %d:\n%s", r.code, r.stderr)
			}
			cmd := exec.Command("tshark", "-r", out, "-o", "tcp.relative_sequence_numbers:FALSE", "-Y", "tcp.flags.syn==1 && !icmp",
				"-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq", "-e", "tcp.flags.ack")
			fields, err := cmd.Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			syns, synacks := map[string]int{}, map[string]int{}
			first := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(fields)), "\n") {
				f := strings.Split(line, "\t")
				if len(f) != 7 {
					continue
				}
				k := strings.Join(f[1:6], " ")
				if f[6] == "1" || f[6] == "True" {
					synacks[k]++
					continue
				}
				if syns[k] == 0 {
					first[k] = f[0][:17] // seconds and µs
				}
				syns[k]++
			}
			want := map[string]int{}
			wantFirst := map[string]string{}
			tx := map[uint32]int{}
			for _, h := range e.Handshakes {
				tx[h.ISN] = h.Transmissions
			}
			for _, s := range e.SYNs {
				k := fmt.Sprintf("%s %s %d %d %d", s.Src, s.Dst, s.Sport, s.Dport, s.Seq)
				want[k] = tx[s.Seq]
				wantFirst[k] = fmt.Sprintf("%d.%06d", s.FirstUS/1e6, s.FirstUS%1e6)
			}
			if !maps.Equal(syns, want) || !maps.Equal(first, wantFirst) {
				t.Errorf("SYNs tshark sees:\n%v %v\nwant\n%v %v", syns, first, want, wantFirst)
			}
			wantAcks := map[string]int{}
			for _, s := range e.SYNACKs {
				wantAcks[fmt.Sprintf("%s %s %d %d %d", s.Src, s.Dst, s.Sport, s.Dport, s.Seq)]++
			}
			for k := range synacks {
				synacks[k] = 1 // distinct SYN-ACKs: a resent one is the same
			}
			if !maps.Equal(synacks, wantAcks) {
				t.Errorf("SYN-ACKs tshark sees:\n%v\nwant\n%v", synacks, wantAcks)
			}
		})
	}
}
