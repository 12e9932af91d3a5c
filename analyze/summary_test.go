package analyze

import (
	"net/netip"
	"testing"
	"time"
)

// Past the attempt table's cap, attempts are summarised: the counts per
// destination and outcome stay exact, Result.Attempts holds the first
// ones, and a warning says how many were summarised.
func TestSummarisedCountsStayExact(t *testing.T) {
	ports, _ := ParsePorts("443")
	a := newAnalyzer(Config{Ports: ports}, 1)
	a.infos[0] = InputInfo{Name: "flood"}
	const n = maxKeptAttempts + maxLiveAttempts + 70000
	var want Counts
	ts := t0
	frame := 0
	add := func(p packet) {
		frame++
		a.end = ts
		a.tr.add(&p, FrameRef{Frame: frame}, ts)
	}
	for i := range n {
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)}), 40000)
		isn := uint32(i) * 7
		switch i % 10 {
		case 0: // completed
			add(synP(c, vip, isn))
			add(synAckP(vip, c, isn, 1))
			add(ackP(c, vip, isn, 1))
			want[Completed]++
		case 1: // refused
			add(synP(c, vip, isn))
			add(rstP(vip, c, isn))
			want[Refused]++
		case 2: // unanswered, retransmitted a second later
			add(synP(c, vip, isn))
			retx := synP(c, vip, isn)
			retx.tsval = 1
			ts = ts.Add(time.Second)
			add(retx)
			ts = ts.Add(-time.Second)
			want[Unanswered]++
		default: // a single SYN: unanswered unless near the end
			add(synP(c, vip, isn))
			if i > n-50 { // within the grace time of the end
				want[Pending]++
			} else {
				want[Unanswered]++
			}
		}
		ts = ts.Add(10 * time.Microsecond)
	}
	a.end = ts.Add(time.Second - 500*time.Microsecond)
	r := a.finish(nil)
	if r.Summary.Counts != want {
		t.Errorf("counts %v, want %v", r.Summary.Counts, want)
	}
	if len(r.Destinations) != 1 || r.Destinations[0].Counts != want || r.Destinations[0].Clients != n {
		t.Errorf("destinations %+v, want one with counts %v and %d clients", r.Destinations, want, n)
	}
	if len(r.Attempts) != maxKeptAttempts {
		t.Errorf("%d attempts kept, want %d", len(r.Attempts), maxKeptAttempts)
	}
	found := false
	for _, w := range r.Warnings {
		if w.Kind == WarnSummarised {
			found = w.Count == n-maxKeptAttempts
		}
	}
	if !found {
		t.Errorf("no warning that %d attempts were summarised: %+v", n-maxKeptAttempts, r.Warnings)
	}
}
