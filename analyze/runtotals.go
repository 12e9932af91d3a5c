package analyze

import (
	"net/netip"
	"time"
)

// runTotals is what every attempt leaves behind once it is final: the
// running totals per destination, a bounded set of whole attempts as
// examples, the timeline, and what comparing captures needs. The Run's
// consumer (the JSONL writer) gets every attempt besides.
type runTotals struct {
	emit   func(*Attempt) error
	probes PrefixSet
	budget *addrBudget

	index map[netip.AddrPort]int32
	dests []*destTotals
	// other adds up the attempts to destinations past maxDests, and
	// otherDests counts those destinations.
	other      destTotals
	otherDests distinct
	otherIndex int32
	clients    distinct // every client address, to tell which destinations are clients too

	counts, probeCounts Counts // over every attempt

	examples []Attempt
	timeline timelineBins
	hops     hopCandidates
}

func newRunTotals(probes PrefixSet) *runTotals {
	return &runTotals{probes: probes, budget: newAddrBudget(), index: make(map[netip.AddrPort]int32), otherIndex: -1}
}

// dest returns the index of server's totals, or -1 when past maxDests.
func (rt *runTotals) dest(server netip.AddrPort) int32 {
	if i, ok := rt.index[server]; ok {
		return i
	}
	if len(rt.dests) >= maxDests {
		return -1
	}
	i := int32(len(rt.dests))
	rt.index[server] = i
	rt.dests = append(rt.dests, &destTotals{server: server})
	return i
}

func (rt *runTotals) totals(i int32) *destTotals {
	if i < 0 {
		return &rt.other
	}
	return rt.dests[i]
}

// server is the destination of index i; zero past maxDests.
func (rt *runTotals) server(i int32) netip.AddrPort {
	if i < 0 {
		return netip.AddrPort{}
	}
	return rt.dests[i].server
}

func (rt *runTotals) lateSyn(i int32) { rt.totals(i).syns++ }

// add counts a final attempt.
func (rt *runTotals) add(a *track) {
	d := rt.totals(a.dest)
	// The client's key and whether it is a probe serve every total below:
	// each is worked out once per attempt.
	key, probe := addrKey(a.Client.Addr()), rt.probes.Contains(a.Client.Addr())
	rt.counts[a.Outcome]++
	rt.clients.add(key, rt.budget)
	if probe {
		rt.probeCounts[a.Outcome]++
	}
	if a.dest < 0 {
		rt.otherDests.add(addrKey(a.Server.Addr())^uint64(a.Server.Port())<<1, rt.budget)
	}
	d.add(&a.Attempt, key, probe, a.hasMAC, a.synMAC, rt.budget)
	d.seen.add(a)
	if !probe && a.Outcome != Completed {
		rt.hops.clientFailed |= a.synFiles
	}
	if a.dest >= 0 && d.exampleCount[a.Outcome] < examplesPerOutcome && len(rt.examples) < maxExampleAttempts {
		d.exampleCount[a.Outcome]++
		rt.examples = append(rt.examples, a.Attempt)
	}
	rt.timeline.add(a.FirstTS, a.Outcome, probe)
	rt.hops.offer(a)
}

// timelineBins counts attempts by the time of their first SYN and their
// outcome, in at most maxBins bins whose width doubles as the capture
// grows: exact counts at any length.
type timelineBins struct {
	start     time.Time
	width     time.Duration
	bins      []Counts
	probeBins []Counts // the health probes' share of bins
}

const maxBins = 200

func (tl *timelineBins) add(ts time.Time, o Outcome, probe bool) {
	if tl.width == 0 {
		tl.start, tl.width = ts, time.Millisecond
	}
	i := 0
	if d := ts.Sub(tl.start); d > 0 {
		for d/tl.width >= maxBins {
			tl.coarsen()
		}
		i = int(d / tl.width)
	}
	for len(tl.bins) <= i {
		tl.bins = append(tl.bins, Counts{})
		tl.probeBins = append(tl.probeBins, Counts{})
	}
	tl.bins[i][o]++
	if probe {
		tl.probeBins[i][o]++
	}
}

// coarsen doubles the bins' width, merging them pairwise.
func (tl *timelineBins) coarsen() {
	tl.bins, tl.probeBins = mergePairs(tl.bins), mergePairs(tl.probeBins)
	tl.width *= 2
}

// mergePairs adds bins 2i and 2i+1 into bin i.
func mergePairs(bins []Counts) []Counts {
	for i := range bins {
		if i%2 == 0 {
			bins[i/2] = bins[i]
		} else {
			bins[i/2].add(bins[i])
		}
	}
	return bins[:(len(bins)+1)/2]
}

func (c *Counts) add(o Counts) {
	for i := range c {
		c[i] += o[i]
	}
}

// Timeline counts the attempts by when their first SYN was seen: bin i
// covers [Start+i*Bin, Start+(i+1)*Bin).
type Timeline struct {
	Start     time.Time
	Bin       time.Duration
	Bins      []Counts
	ProbeBins []Counts // of Bins, the attempts from health-probe ranges
}
