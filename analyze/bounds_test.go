package analyze

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// floodSteps are n single SYNs from distinct clients to server, spaced by
// gap; every fifth is retransmitted a second later.
func floodSyns(a *analyzer, n int, server func(i int) netip.AddrPort, gap time.Duration) {
	for i := range n {
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)}), 40000)
		feed(a, synP(c, server(i), uint32(i)), t0.Add(time.Duration(i)*gap))
	}
}

// A flood that holds more attempts open at once than the tracker may
// decides the oldest early and says how many; every count stays exact.
func TestFloodDecidesEarlyAndSaysSo(t *testing.T) {
	an := testAnalyzer()
	tr := an.tr
	tr.maxOpen, tr.maxGone = 1000, 1500
	lines := 0
	early := 0
	tr.totals.emit = func(a *Attempt) error {
		lines++
		if a.Early {
			early++
		}
		return nil
	}
	floodSyns(an, 5000, func(int) netip.AddrPort { return vip }, 10*time.Microsecond)
	tr.finish(t0.Add(5 * time.Second))
	if lines != 5000 || tr.totals.counts.Total() != 5000 || tr.totals.counts[Unanswered] != 5000 {
		t.Errorf("%d lines, counts %v; want 5000 unanswered", lines, tr.totals.counts)
	}
	if early != 4000 || tr.early != 4000 {
		t.Errorf("%d attempts marked early, %d counted; want 4000", early, tr.early)
	}
	if tr.forgotten != 5000-1500 {
		t.Errorf("%d forgotten early, want %d", tr.forgotten, 5000-1500)
	}
	r := &Result{}
	kinds := map[WarningKind]Warning{}
	for _, w := range tr.boundWarnings(r) {
		kinds[w.Kind] = w
	}
	if w := kinds[WarnEarly]; w.Count != 4000 || w.Limit != 1000 {
		t.Errorf("decided-early warning %+v", w)
	}

	// The same flood, the capture ending right after it: the attempts
	// decided early are younger than the grace time, so each may be
	// pending, and the warning must say how many are in doubt.
	an = testAnalyzer()
	tr = an.tr
	tr.maxOpen = 1000
	floodSyns(an, 5000, func(int) netip.AddrPort { return vip }, 10*time.Microsecond)
	tr.finish(tr.clock)
	for _, w := range tr.boundWarnings(&Result{}) {
		if w.Kind == WarnEarly && w.Attempts != 4000 {
			t.Errorf("%d attempts said to be in doubt, want 4000: %+v", w.Attempts, w)
		}
	}
	if w := kinds[WarnForgotten]; w.Count != 3500 {
		t.Errorf("forgotten warning %+v", w)
	}
	if len(tr.byReply) > 1500 || len(tr.byFlow) > 1500 {
		t.Errorf("maps hold %d and %d keys after the run; the bound is 1500", len(tr.byReply), len(tr.byFlow))
	}
}

// A scan of more destinations than are listed one by one: the rest are
// counted together and said so, findings are grouped, every total stays
// exact.
func TestScanGroupsDestinationsAndFindings(t *testing.T) {
	ports, _ := ParsePorts("443")
	a := newAnalyzer(Config{Ports: ports}, 1)
	n := maxDests + 500
	floodSyns(a, n, func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, byte(i >> 16), byte(i >> 8), byte(i)}), 443)
	}, time.Microsecond)
	a.end = t0.Add(10 * time.Second)
	r := a.finish(nil)
	if r.Summary.Counts.Total() != n {
		t.Errorf("%d attempts counted, want %d", r.Summary.Counts.Total(), n)
	}
	if len(r.Destinations) != maxDests {
		t.Errorf("%d destinations listed, want %d", len(r.Destinations), maxDests)
	}
	var grouped, findings *Warning
	for i, w := range r.Warnings {
		switch w.Kind {
		case WarnDestsCapped:
			grouped = &r.Warnings[i]
		case WarnFindings:
			findings = &r.Warnings[i]
		}
	}
	if grouped == nil || grouped.Count != 500 || grouped.Attempts != 500 {
		t.Errorf("destinations-grouped warning %+v, want 500 more with 500 attempts", grouped)
	}
	if len(r.Findings) != maxFindingsPerCause || findings == nil || findings.Count != maxDests-maxFindingsPerCause {
		t.Errorf("%d findings and warning %+v; want %d listed and the rest counted", len(r.Findings), findings, maxFindingsPerCause)
	}
}

// A client that also receives one SYN (anyone can send one) is not a
// likely VIP: it opens connections, so no finding is made about it.
func TestClientAddressIsNoLikelyVIP(t *testing.T) {
	ports, _ := ParsePorts("443")
	a := newAnalyzer(Config{Ports: ports}, 1)
	c1 := netip.MustParseAddrPort("198.51.100.40:52000")
	c2 := netip.MustParseAddrPort("198.51.100.41:52001")
	for i, p := range []packet{synP(c1, vip, 1), synP(c2, netip.AddrPortFrom(c1.Addr(), 443), 2), synP(c1, vip, 3)} {
		feed(a, p, t0.Add(time.Duration(i)*time.Millisecond))
	}
	a.end = t0.Add(5 * time.Second)
	r := a.finish(nil)
	for _, d := range r.Destinations {
		if d.Server.Addr() == c1.Addr() && (d.Role != RoleSilent || !d.AlsoClient) {
			t.Errorf("the client's address as a destination: role %q, also client %v", d.Role, d.AlsoClient)
		}
	}
	for _, f := range r.Findings {
		if f.Server.Addr() == c1.Addr() {
			t.Errorf("a finding about the client's address: %+v", f)
		}
	}
}

// Past the names listed per destination, handshakes that asked for other
// names are counted beside the list, never dropped.
func TestTLSNamesPastTheListAreCounted(t *testing.T) {
	var ss [][]step
	for i := range maxNames + 4 {
		name := fmt.Sprintf("n%02d.example.com", i)
		b, err := clientHello(name)
		if err != nil {
			t.Fatal(err)
		}
		helloBytes[name] = b
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}), 50000)
		ss = append(ss, tlsTo(time.Duration(i)*time.Second, c, vip, uint32(1000*i+1), name, false))
	}
	r := analyzeSteps(t, "192.0.2.10", "", steps(ss...))
	var closed *Evidence
	for _, f := range r.Findings {
		for i, e := range f.Evidence {
			if e.Kind == EvHelloClosed {
				closed = &f.Evidence[i]
			}
		}
	}
	if closed == nil || closed.Count != maxNames+4 || len(closed.Names) != maxNames || closed.MoreNames != 4 {
		t.Fatalf("hello-closed evidence %+v; want %d handshakes, %d names listed and 4 more counted", closed, maxNames+4, maxNames)
	}
}
