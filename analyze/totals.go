package analyze

import (
	"net/netip"
	"time"
)

// Bounds of the running totals. Destinations past maxDests are counted
// together, not one by one; each destination tells apart the first
// maxDestMACs MACs its SYNs were delivered to.
const (
	maxDests    = 1 << 12
	maxDestMACs = 16
	maxNames    = 16 // TLS server names listed per destination
)

// tally is what the attempts of one scope (a destination, or the part of
// it delivered to one MAC) add up to: what diagnosis reads.
type tally struct {
	counts    Counts
	synsBy    [numOutcomes]int // SYN transmissions of the attempts, by outcome
	clientsBy [numOutcomes]*distinct
	firstEx   [numOutcomes][]FrameRef // first SYNs of the first attempts of each outcome
	replyEx   [numOutcomes][]FrameRef // their replies
	retrans   int                     // unanswered attempts whose SYN was sent more than once
	retransEx []FrameRef              // their last SYN transmissions

	// Handshakes that completed only after their SYN was sent again: the
	// loss behind a slow connect. The delay runs from the first SYN to the
	// SYN-ACK of the last, known when one capture saw both SYNs
	// (slowTimed of them).
	slow             int
	slowEx           []FrameRef // their last SYN transmissions
	slowTimed        int
	slowMax, slowSum time.Duration
}

// noReply are the outcomes whose SYNs the server's side never answered
// in their own conversation, neither SYN-ACK nor RST: Wireshark's
// tcp.completeness has neither bit for them (a reply from another
// address is another conversation).
var noReply = [...]Outcome{Unanswered, Pending, Unreachable, WrongSource}

// noReplySyns counts the SYN transmissions of the attempts no reply
// answered, and of them the ones sent again (retransmissions).
func (t *tally) noReplySyns() (syns, resent int) {
	for _, o := range noReply {
		syns += t.synsBy[o]
		resent += t.synsBy[o] - t.counts[o]
	}
	return syns, resent
}

func (t *tally) add(a *Attempt, key uint64, b *addrBudget) {
	o := a.Outcome
	t.counts[o]++
	t.synsBy[o] += a.Syns
	if t.clientsBy[o] == nil {
		t.clientsBy[o] = &distinct{}
	}
	t.clientsBy[o].add(key, b)
	t.firstEx[o] = appendExample(t.firstEx[o], a.First)
	if !a.Reply.IsZero() {
		t.replyEx[o] = appendExample(t.replyEx[o], a.Reply)
	}
	if o == Unanswered && a.Syns > 1 {
		t.retrans++
		t.retransEx = appendExample(t.retransEx, a.LastSyn)
	}
	if o == Completed && a.Syns > 1 {
		t.slow++
		t.slowEx = appendExample(t.slowEx, a.LastSyn)
		// The client waited from its first SYN until the SYN-ACK to the
		// SYN it sent last reached it; seen here, at least until it sent
		// that SYN, plus the round trip seen for it.
		if a.LastSyn.File == a.First.File && a.LastSynTS.After(a.FirstTS) {
			d := a.LastSynTS.Sub(a.FirstTS) + a.RTT
			t.slowTimed++
			t.slowSum += d
			t.slowMax = max(t.slowMax, d)
		}
	}
}

// clients is the distinct clients of the attempts with outcome o.
func (t *tally) clients(o Outcome) (int, bool) {
	if t.clientsBy[o] == nil {
		return 0, false
	}
	return t.clientsBy[o].count()
}

// macTally is a destination's attempts delivered to one MAC.
type macTally struct {
	mac [6]byte
	tally
}

// destTotals is everything kept about one destination: running totals
// over every attempt to it, never a sample.
type destTotals struct {
	server  netip.AddrPort
	all     tally
	probes  Counts // of all.counts, the attempts from health-probe ranges
	syns    int    // every SYN transmission, late ones included
	clients distinct
	macs    []macTally
	// otherMACs counts attempts delivered to MACs past the first
	// maxDestMACs, and macless those captured without a MAC.
	otherMACs, macless int

	// The counters of one cause each, declared in its file.
	filterTotals
	returnTotals
	wrongSourceTotals
	tlsTotals
	seen seenTotals // which captures saw its attempts

	exampleCount [numOutcomes]uint8 // whole attempts kept in the examples
}

// add counts a final attempt; key is its client's addrKey.
func (d *destTotals) add(a *Attempt, key uint64, probe bool, hasMAC bool, mac [6]byte, b *addrBudget) {
	o := a.Outcome
	d.all.add(a, key, b)
	d.syns += a.Syns
	d.clients.add(key, b)
	if probe {
		d.probes[o]++
	}
	switch {
	case !hasMAC:
		d.macless++
	default:
		d.macTally(mac, b).add(a, key, b)
	}
	d.filterTotals.add(a, key, probe, b)
	d.returnTotals.add(a)
	d.wrongSourceTotals.add(a)
	d.tlsTotals.add(a, key, b)
}

// macTally returns the tally of attempts delivered to mac; past
// maxDestMACs MACs, the attempt counts in otherMACs and nil is returned
// as a tally that is thrown away.
func (d *destTotals) macTally(mac [6]byte, b *addrBudget) *tally {
	for i := range d.macs {
		if d.macs[i].mac == mac {
			return &d.macs[i].tally
		}
	}
	if len(d.macs) < maxDestMACs {
		d.macs = append(d.macs, macTally{mac: mac})
		return &d.macs[len(d.macs)-1].tally
	}
	d.otherMACs++
	return &tally{}
}

// appendExample adds a frame to a list of examples not yet full.
func appendExample(fr []FrameRef, r FrameRef) []FrameRef {
	if len(fr) < maxExamples {
		fr = append(fr, r)
	}
	return fr
}

// Whole attempts kept as examples: for ladder diagrams, evidence files
// and the frames a finding cites, the first few of each outcome per
// destination, up to a bound over all.
const (
	examplesPerOutcome = maxExamples
	maxExampleAttempts = 1 << 14
)
