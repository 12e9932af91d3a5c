package analyze

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/internal/busygen"
)

// TestBusyBackendExact replays a busy backend (5,000 new attempts a
// second for 22 s, unanswered SYNs retransmitted at +1, +3 and +7 s,
// client ports reused with new ISNs) whose generator says what every
// attempt must come to: each attempt handed out, and every count, must
// equal that. Attempts overlap far beyond any fixed table.
func TestBusyBackendExact(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 110k attempts")
	}
	var buf bytes.Buffer
	want, err := busygen.Write(&buf, busygen.Config{Rate: 5000, Duration: 22 * time.Second, Clients: 3000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 100_000 {
		t.Fatalf("the generator wrote %d attempts, want at least 100,000", len(want))
	}
	src, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ports, _ := ParsePorts("443")
	r, got := runAll(Config{Ports: ports, ReadAhead: true}, []Input{{Name: "busy.pcap", Source: src}})
	if len(got) != len(want) {
		t.Errorf("%d attempts handed out, want %d", len(got), len(want))
	}
	var wantCounts Counts
	wantSyns := 0
	bad := 0
	for i, w := range want {
		o := outcomeNamed(t, w.Outcome)
		wantCounts[o]++
		wantSyns += w.Syns
		if i >= len(got) {
			continue
		}
		g := got[i]
		gs := fmt.Sprintf("%v→%v isn %d %s ×%d frame %d", g.Client, g.Server, g.ISN, g.Outcome, g.Syns, g.First.Frame)
		ws := fmt.Sprintf("%v→%v isn %d %s ×%d frame %d", w.Client, w.Server, w.ISN, w.Outcome, w.Syns, w.FirstFrame)
		if gs != ws {
			if bad++; bad <= 10 {
				t.Errorf("attempt %d: got %s, want %s", i+1, gs, ws)
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d attempts differ in all", bad)
	}
	if r.Summary.Counts != wantCounts {
		t.Errorf("counts %v, want %v", r.Summary.Counts, wantCounts)
	}
	var destCounts Counts
	syns := 0
	for _, d := range r.Destinations {
		destCounts.add(d.Counts)
		syns += d.Syns
	}
	if destCounts != wantCounts || syns != wantSyns || r.Summary.SynPackets != wantSyns {
		t.Errorf("destinations count %v and %d SYNs (summary %d), want %v and %d", destCounts, syns, r.Summary.SynPackets, wantCounts, wantSyns)
	}
	for _, w := range r.Warnings {
		switch w.Kind {
		case WarnEarly, WarnLate, WarnForgotten, WarnDestsCapped, WarnEstimated:
			t.Errorf("a bound was reached on a busy but ordinary capture: %+v", w)
		}
	}
	if r.Summary.MidstreamPackets != 0 {
		t.Errorf("%d packets counted as connections joined midstream; every connection starts in the capture", r.Summary.MidstreamPackets)
	}
}

func outcomeNamed(t *testing.T, name string) Outcome {
	for _, o := range Outcomes() {
		if o.String() == name {
			return o
		}
	}
	t.Fatalf("no outcome %q", name)
	return 0
}

// A run cancelled while its readers are busy stops, says so, and reads
// nothing the readers still write (go test -race checks that).
func TestCancelMidRunReadAhead(t *testing.T) {
	var buf bytes.Buffer
	if _, err := busygen.Write(&buf, busygen.Config{Rate: 2000, Duration: 5 * time.Second, Clients: 500, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	src, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ports, _ := ParsePorts("443")
	n := 0
	cfg := Config{Ports: ports, ReadAhead: true,
		Progress:  func(p Progress) { cancel() }, // after a second of capture time
		OnAttempt: func(*Attempt) error { n++; return nil }}
	r, err := Run(ctx, cfg, []Input{{Name: "busy.pcap", Source: src}})
	if err != nil {
		t.Fatal(err)
	}
	interrupted := false
	for _, w := range r.Warnings {
		interrupted = interrupted || w.Kind == WarnInterrupted
	}
	if !interrupted || r.Summary.Counts.Total() != n || n >= 10_000 {
		t.Errorf("interrupted %v, %d attempts counted, %d handed out of 10,000", interrupted, r.Summary.Counts.Total(), n)
	}
	if len(r.Findings) == 0 {
		t.Error("a run stopped early gives no findings; it must diagnose what was read")
	}
}
