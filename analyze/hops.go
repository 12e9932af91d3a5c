package analyze

import (
	"cmp"
	"slices"
	"time"
)

// Several captures of the same traffic (the client's side and the
// backend's, say) see the same attempts: the tracker matches them by
// 4-tuple and ISN, counts the transmissions of the capture that saw the
// attempt first, and notes which captures saw the SYN and the SYN-ACK.
// Comparing them names the hop where a packet disappeared.

// maxClockSamples bounds the offsets kept per pair of captures.
const maxClockSamples = 1024

// clockSamples collects, per pair of inputs, how much later the second
// saw a SYN than the first did (their clocks' offset plus the transit
// time), and per input the TTL of the SYNs it saw.
type clockSamples struct {
	pairs   map[[2]int][]time.Duration
	ttlSum  []int64
	ttlSeen []int64
}

func (c *clockSamples) sample(first, other int, d time.Duration) {
	if c.pairs == nil {
		c.pairs = make(map[[2]int][]time.Duration)
	}
	k := [2]int{first, other}
	if len(c.pairs[k]) < maxClockSamples {
		c.pairs[k] = append(c.pairs[k], d)
	}
}

func (c *clockSamples) ttl(file int, ttl uint8) {
	for len(c.ttlSum) <= file {
		c.ttlSum, c.ttlSeen = append(c.ttlSum, 0), append(c.ttlSeen, 0)
	}
	c.ttlSum[file] += int64(ttl)
	c.ttlSeen[file]++
}

// offset is the median of how much later input b saw the SYNs that input a
// saw too, and how many SYNs that rests on.
func (c *clockSamples) offset(a, b int) (time.Duration, int) {
	var ds []time.Duration
	ds = append(ds, c.pairs[[2]int{a, b}]...)
	for _, d := range c.pairs[[2]int{b, a}] {
		ds = append(ds, -d)
	}
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], len(ds)
}

// meanTTL is the mean TTL of the SYNs input file saw: the higher, the
// closer to the clients it was captured.
func (c *clockSamples) meanTTL(file int) float64 {
	if file >= len(c.ttlSeen) || c.ttlSeen[file] == 0 {
		return 0
	}
	return float64(c.ttlSum[file]) / float64(c.ttlSeen[file])
}

// Hop is the stretch between two capture points where packets vanished.
type Hop struct {
	Kind     string        // "syn": on the way to the server; "synack": on the way back
	From, To int           // inputs: seen at From, never at To
	Count    int           // attempts whose packet vanished there
	Examples []FrameRef    // the packets as From saw them
	Offset   time.Duration // how far To's clock (plus transit) runs after From's
	Matched  int           // SYNs both captures saw, that the offset rests on
}

// maxHopCandidates bounds the attempts kept for comparing captures: those
// some capture missed. Past it, hop counts are lower bounds, said so.
const maxHopCandidates = 1 << 16

// hopCandidate is an attempt that not every capture saw whole.
type hopCandidate struct {
	first, reply         FrameRef
	firstTS, replyTS     time.Time
	synFiles, replyFiles uint64
}

// hopCandidates keeps, with several inputs, the attempts whose SYN or
// SYN-ACK some input did not see.
type hopCandidates struct {
	inputs  int
	all     uint64 // a bit per input
	list    []hopCandidate
	dropped int
	// clientFailed has a bit per input that saw a client's (not a health
	// probe's) attempt to any destination fail: one that may be the
	// VIP's SYNs, translated to the host's own address on the way.
	clientFailed uint64
}

func (h *hopCandidates) offer(a *track) {
	if h.inputs < 2 || h.inputs > 64 {
		return
	}
	if a.synFiles == h.all && (a.Reply.IsZero() || a.replyFiles&a.synFiles == a.synFiles) {
		return
	}
	if len(h.list) >= maxHopCandidates {
		h.dropped++
		return
	}
	h.list = append(h.list, hopCandidate{a.First, a.Reply, a.FirstTS, a.ReplyTS, a.synFiles, a.replyFiles})
}

// hops compares the captures pairwise along the path: upstream is the
// capture whose SYNs have the higher TTL (fewer routers from the
// clients). A SYN the upstream capture saw and the downstream one did not,
// while the downstream one was capturing, vanished between them; a SYN-ACK
// the downstream capture saw and the upstream one did not vanished on
// the way back.
func (a *analyzer) hops(r *Result) []Hop {
	n := len(r.Inputs)
	if n < 2 || n > 64 {
		return nil
	}
	c := &a.tr.clocks
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(c.meanTTL(y), c.meanTTL(x)) })
	var out []Hop
	for k := 0; k+1 < n; k++ {
		up, down := order[k], order[k+1]
		off, matched := c.offset(up, down)
		if matched == 0 {
			continue // nothing both saw: not the same traffic
		}
		lost := Hop{Kind: "syn", From: up, To: down, Offset: off, Matched: matched}
		back := Hop{Kind: "synack", From: down, To: up, Offset: -off, Matched: matched}
		din, uin := r.Inputs[down], r.Inputs[up]
		running := func(in InputInfo, ts time.Time) bool { return !ts.Before(in.First) && !ts.After(in.Last) }
		for _, t := range a.tr.totals.hops.list {
			switch {
			case t.first.File == up && t.synFiles&fileBit(down) == 0 && running(din, t.firstTS.Add(off)):
				lost.Count++
				lost.Examples = appendExample(lost.Examples, t.first)
			case !t.reply.IsZero() && t.reply.File == down && t.replyFiles&fileBit(up) == 0 &&
				t.synFiles&fileBit(up) != 0 && running(uin, t.replyTS.Add(-off)):
				back.Count++
				back.Examples = appendExample(back.Examples, t.reply)
			}
		}
		for _, h := range []Hop{lost, back} {
			if h.Count > 0 {
				out = append(out, h)
			}
		}
	}
	return out
}
