package etl

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// frameSummary is what the round-trip tests compare of a frame.
type frameSummary struct {
	At      time.Duration
	Content string
	Len     int
	Length  int
	Path    []uint16
	Dir     Direction
	IfIndex uint32
	Drop    uint32
}

func summarize(frames []Frame) []frameSummary {
	var out []frameSummary
	for _, f := range frames {
		s := frameSummary{At: f.Time.Sub(synthStart), Content: f.Content.String(), Len: len(f.Data), Length: f.Length, Dir: f.Dir, IfIndex: f.IfIndex}
		for _, c := range f.Copies {
			s.Path = append(s.Path, c.Component)
		}
		if c, ok := f.Drop(); ok {
			s.Drop = c.DropReason
		}
		out = append(out, s)
	}
	return out
}

func TestReadPktMonStyle(t *testing.T) {
	tr, err := Read(bytes.NewReader(synthPktMon(t)))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Damage != nil || len(tr.Skipped) > 0 || len(tr.Unknown) > 0 || !tr.Header.Compressed {
		t.Fatalf("damage %v skipped %v unknown %v compressed %v", tr.Damage, tr.Skipped, tr.Unknown, tr.Header.Compressed)
	}
	ms := time.Millisecond
	want := []frameSummary{
		{At: 10 * ms, Content: "ethernet", Len: 60, Length: 60, Path: []uint16{1, 2, 3}, Dir: DirIn},
		{At: 1010 * ms, Content: "ethernet", Len: 60, Length: 60, Path: []uint16{1, 2, 3}, Dir: DirIn},
		{At: 1011 * ms, Content: "ethernet", Len: 60, Length: 60, Path: []uint16{1, 2, 3}, Dir: DirOut},
		{At: 1500 * ms, Content: "raw-ip", Len: 46, Length: 46, Path: []uint16{3}, Dir: DirIn, Drop: 902},
		{At: 2000 * ms, Content: "ethernet", Len: 128, Length: 460, Path: []uint16{2}, Dir: DirIn},
	}
	frames := tr.Frames()
	if diff := cmp.Diff(want, summarize(frames)); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
	if c := tr.Components[1]; c == nil || c.Name != "rtwlane.sys" || c.Description != "Realtek Wi-Fi" || c.IfIndex != 13 {
		t.Errorf("component 1: %+v", c)
	}
	if name, ok := tr.MapName("DropReason", 902); !ok || name != "Not locally destined" {
		t.Errorf("DropReason 902 is %q, %v", name, ok)
	}
	if !frames[0].SYN() || frames[2].SYN() {
		t.Errorf("SYN() wrong on frames 1 and 3")
	}
}

func TestReadNetshStyle(t *testing.T) {
	tr, err := Read(bytes.NewReader(synthNetsh(t)))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Damage != nil || len(tr.Skipped) > 0 || tr.Header.Compressed {
		t.Fatalf("damage %v skipped %v compressed %v", tr.Damage, tr.Skipped, tr.Header.Compressed)
	}
	ms := time.Millisecond
	want := []frameSummary{
		{At: 1 * ms, Content: "ethernet", Len: 60, Length: 60, Path: []uint16{0}, Dir: DirIn, IfIndex: 7},
		{At: 2 * ms, Content: "ethernet", Len: 60, Length: 60, Path: []uint16{0}, Dir: DirOut, IfIndex: 7},
		{At: 3 * ms, Content: "raw-ip", Len: 46, Length: 46, Path: []uint16{0}, Dir: DirIn, IfIndex: 9},
	}
	if diff := cmp.Diff(want, summarize(tr.Frames())); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
}

// TestFrameEthernet checks that an 802.11 data frame turns into the
// Ethernet frame it carries.
func TestFrameEthernet(t *testing.T) {
	eth := tcpFrame(t, clientIP, vip, 1, 2, 3, 4, true, false, 5)
	f := Frame{Content: Content80211, Data: toDot11(eth), Length: len(toDot11(eth))}
	c, data, length := f.Ethernet()
	if c != ContentEthernet || !bytes.Equal(data, eth) || length != len(eth) {
		t.Errorf("got %v % x (%d), want % x", c, data, length, eth)
	}
}
