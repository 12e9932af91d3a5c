package etl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir holds real traces with what an independent decoder found in
// them; the tests skip when it is absent.
var sharedDir = filepath.Join("..", "..", "shared", "etl")

// expectFile is the part of a NAME.expect.json the tests compare.
type expectFile struct {
	Buffers    int    `json:"buffers"`
	Components int    `json:"components"`
	Compressed bool   `json:"compressed"`
	OSBuild    uint32 `json:"os_build"`
	Records    int    `json:"records"`
	Packets    struct {
		Count         int            `json:"count"`
		FirstUS       *int64         `json:"first_ts_us"`
		LastUS        *int64         `json:"last_ts_us"`
		Truncated     int            `json:"truncated"`
		ContentFormat map[string]int `json:"content_format"`
		ByEvent       map[string]int `json:"by_event"`
	} `json:"packets"`
	Counters *struct {
		DropEvents   int    `json:"drop_events"`
		PacketEvents int    `json:"packet_events"`
		DropCounted  uint64 `json:"drop_counter_packets"`
		FlowCounted  int    `json:"flow_counter_packets"`
	} `json:"pktmon_counters"`
	SYNs       []expectSegment   `json:"tcp_syn_unique"`
	SYNACKs    []expectSegment   `json:"tcp_synack_unique"`
	Handshakes []expectHandshake `json:"tcp_handshakes"`
}

type expectSegment struct {
	Src     string `json:"src"`
	Dst     string `json:"dst"`
	Sport   uint16 `json:"sport"`
	Dport   uint16 `json:"dport"`
	Seq     uint32 `json:"seq"`
	FirstUS int64  `json:"first_ts_us"`
	Copies  int    `json:"copies"`
}

type expectHandshake struct {
	Client        string `json:"client"`
	Server        string `json:"server"`
	Cport         uint16 `json:"cport"`
	Sport         uint16 `json:"sport"`
	ISN           uint32 `json:"isn"`
	SynCopies     int    `json:"syn_copies"`
	Transmissions int    `json:"syn_transmissions"`
	SynAck        bool   `json:"synack"`
	RST           bool   `json:"rst_seen"`
}

// sharedTraces lists the shared traces, or skips the test.
func sharedTraces(t testing.TB) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(sharedDir, "*.etl"))
	if len(names) == 0 {
		t.Skipf("no shared traces in %s", sharedDir)
	}
	return names
}

func readExpect(t *testing.T, etl string) expectFile {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(etl, ".etl") + ".expect.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expectFile
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func readShared(t *testing.T, name string) *Trace {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Damage != nil || len(tr.Skipped) > 0 {
		t.Fatalf("damage %v, skipped %v", tr.Damage, tr.Skipped)
	}
	return tr
}

// TestSharedEvents compares the trace's facts and packet events with
// what the independent decoder found.
func TestSharedEvents(t *testing.T) {
	for _, name := range sharedTraces(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			e := readExpect(t, name)
			tr := readShared(t, name)
			if tr.Buffers != e.Buffers || tr.Records != e.Records || tr.Header.Compressed != e.Compressed || tr.Header.OSBuild != e.OSBuild {
				t.Errorf("buffers %d records %d compressed %v build %d, want %d %d %v %d", tr.Buffers, tr.Records, tr.Header.Compressed, tr.Header.OSBuild, e.Buffers, e.Records, e.Compressed, e.OSBuild)
			}
			if len(tr.Components) != e.Components {
				t.Errorf("%d components, want %d", len(tr.Components), e.Components)
			}
			if len(tr.Packets) != e.Packets.Count {
				t.Fatalf("%d packet events, want %d", len(tr.Packets), e.Packets.Count)
			}
			if c := e.Counters; c != nil {
				var drops uint64
				for _, k := range tr.Counters {
					if k.Drop {
						drops += k.PacketsIn + k.PacketsOut
					}
				}
				if tr.PacketEvents != c.PacketEvents || tr.DropEvents != c.DropEvents || drops != c.DropCounted || tr.Unlogged() != max(c.FlowCounted-c.PacketEvents, 0) {
					t.Errorf("events %d+%d drops, counted %d drops, %d unlogged; want %+v", tr.PacketEvents, tr.DropEvents, drops, tr.Unlogged(), *c)
				}
			}
			if len(tr.Unknown) > 0 {
				t.Errorf("events not understood: %v", tr.Unknown)
			}
			if n := len(tr.Packets); n > 0 {
				if got := tr.Packets[0].Time.UnixMicro(); got != *e.Packets.FirstUS {
					t.Errorf("first packet at %d µs, want %d", got, *e.Packets.FirstUS)
				}
				if got := tr.Packets[n-1].Time.UnixMicro(); got != *e.Packets.LastUS {
					t.Errorf("last packet at %d µs, want %d", got, *e.Packets.LastUS)
				}
			}
			formats, truncated := map[string]int{}, 0
			for i := range tr.Packets {
				formats[tr.Packets[i].Content.String()]++
				if tr.Packets[i].Truncated() {
					truncated++
				}
			}
			if !equalCounts(formats, e.Packets.ContentFormat) || truncated != e.Packets.Truncated {
				t.Errorf("contents %v, %d truncated; want %v, %d", formats, truncated, e.Packets.ContentFormat, e.Packets.Truncated)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
