package analyze

import (
	"net"
	"net/netip"
	"slices"
	"time"
)

// The attempt table's bounds. The first maxKeptAttempts attempts are kept
// whole, to the end: they are Result.Attempts, the JSONL lines and the
// examples. Later ones are followed in a ring of maxLiveAttempts slots and
// summarised, counted per destination and outcome, when their slot is
// needed again. At a thousand new attempts a second the ring holds half a
// minute of them, longer than a Windows client retransmits a SYN (21 s),
// so their outcomes are those of a full analysis; only a flood overruns
// it. A larger ring cost a SYN flood 45% more time and 20% more memory
// (bench/run.sh: 10.0 s and 249 MiB against 6.8 s and 205 MiB).
const (
	maxKeptAttempts = 1 << 16
	maxLiveAttempts = 1 << 15
	// maxSummarisedClients bounds the distinct client addresses remembered
	// for summarised attempts; past it, client counts are lower bounds.
	maxSummarisedClients = 1 << 19
)

// summaries counts the attempts that are not kept whole.
type summaries struct {
	probes    PrefixSet
	n         int // attempts summarised
	next      int // the ring slot reused next
	byDest    map[netip.AddrPort]*destSummary
	order     []*destSummary // in order of first summarised attempt
	undecided []undecided    // single SYNs summarised before the grace time passed
	decided   int            // undecided[:decided] have been counted since
	clients   int            // addresses in all destSummary.clients
	capped    bool           // some clients were not remembered
}

// destSummary is what the summarised attempts to one destination add up to.
type destSummary struct {
	server   netip.AddrPort
	counts   Counts
	probes   Counts // of counts, the attempts from health-probe ranges
	syns     int
	clients  map[netip.Addr]struct{}
	macs     [][6]byte
	examples [numOutcomes]FrameRef
}

// undecided is a summarised attempt whose single SYN was too recent to
// tell unanswered from pending when it was summarised.
type undecided struct {
	dest  *destSummary
	first FrameRef
	ts    time.Time
	probe bool
}

// slot returns the index of a new attempt's slot in t.attempts, making room.
func (t *tracker) slot(end time.Time, grace time.Duration) int {
	if len(t.attempts) < maxKeptAttempts+maxLiveAttempts {
		t.attempts = append(t.attempts, track{})
		return len(t.attempts) - 1
	}
	s := &t.sum
	i := maxKeptAttempts + s.next
	s.next = (s.next + 1) % maxLiveAttempts
	t.summarise(i, end, grace)
	// The maps are not rebuilt to clear their deleted slots: copying them
	// every time the ring wraps cost a SYN flood a third more time than
	// the longer lookups it saved (bench/run.sh: 14.1 s against 9.3 s).
	return i
}

// summarise counts attempt i and forgets it: packets that come for it
// later are not matched to it.
func (t *tracker) summarise(i int, end time.Time, grace time.Duration) {
	a := &t.attempts[i]
	rk := replyKey{a.Client, a.Server.Port(), a.ISN}
	if j, ok := t.byReply[rk]; ok && j == i {
		delete(t.byReply, rk)
	}
	for _, fk := range [...]flowKey{{a.Client, a.Server}, {a.Client, netip.AddrPortFrom(a.ReplySrc, a.Server.Port())}} {
		if j, ok := t.byFlow[fk]; ok && j == i {
			delete(t.byFlow, fk)
		}
	}
	s := &t.sum
	s.n++
	d := s.dest(a.Server)
	d.syns += a.Syns
	if !s.capped {
		if _, ok := d.clients[a.Client.Addr()]; !ok {
			if s.clients < maxSummarisedClients {
				d.clients[a.Client.Addr()] = struct{}{}
				s.clients++
			} else {
				s.capped = true
			}
		}
	}
	if a.hasMAC && !containsMAC(d.macs, a.synMAC) {
		d.macs = append(d.macs, a.synMAC)
	}
	probe := s.probes.Contains(a.Client.Addr())
	a.decide(end, grace)
	if a.Outcome == Pending {
		s.undecided = append(s.undecided, undecided{d, a.First, a.FirstTS, probe})
	} else {
		d.count(a.Outcome, a.First, probe)
	}
	s.settle(end, grace)
}

// settle decides the undecided attempts whose grace time has passed.
func (s *summaries) settle(end time.Time, grace time.Duration) {
	for s.decided < len(s.undecided) && end.Sub(s.undecided[s.decided].ts) >= grace {
		u := &s.undecided[s.decided]
		u.dest.count(Unanswered, u.first, u.probe)
		s.decided++
	}
	// Reuse the slice once most of it is decided, so memory stays bounded.
	if s.decided > 1024 && s.decided > len(s.undecided)/2 {
		s.undecided = s.undecided[:copy(s.undecided, s.undecided[s.decided:])]
		s.decided = 0
	}
}

// finishSummaries summarises the attempts still in the ring, leaving the
// kept ones, and decides every undecided one: the capture has ended.
func (t *tracker) finishSummaries(end time.Time, grace time.Duration) {
	for k := range min(len(t.attempts)-maxKeptAttempts, maxLiveAttempts) {
		// Oldest first, as the ring would have reused them.
		slot := k
		if len(t.attempts) == maxKeptAttempts+maxLiveAttempts {
			slot = (t.sum.next + k) % maxLiveAttempts
		}
		t.summarise(maxKeptAttempts+slot, end, grace)
	}
	if len(t.attempts) > maxKeptAttempts {
		t.attempts = t.attempts[:maxKeptAttempts]
	}
	for _, u := range t.sum.undecided[t.sum.decided:] {
		o := Pending
		if end.Sub(u.ts) >= grace {
			o = Unanswered
		}
		u.dest.count(o, u.first, u.probe)
	}
	t.sum.undecided, t.sum.decided = nil, 0
}

func (s *summaries) dest(server netip.AddrPort) *destSummary {
	if d, ok := s.byDest[server]; ok {
		return d
	}
	if s.byDest == nil {
		s.byDest = make(map[netip.AddrPort]*destSummary)
	}
	d := &destSummary{server: server, clients: make(map[netip.Addr]struct{})}
	s.byDest[server] = d
	s.order = append(s.order, d)
	return d
}

func (d *destSummary) count(o Outcome, first FrameRef, probe bool) {
	d.counts[o]++
	if probe {
		d.probes[o]++
	}
	if d.examples[o].IsZero() {
		d.examples[o] = first
	}
}

func containsMAC(macs [][6]byte, mac [6]byte) bool {
	for _, m := range macs {
		if m == mac {
			return true
		}
	}
	return false
}

// addTo adds the summarised attempts to a destination counted from the
// kept ones, which came first: their examples stand.
func (sd *destSummary) addTo(d *Destination, clients map[netip.Addr]struct{}) {
	d.Counts.add(sd.counts)
	d.Syns += sd.syns
	for c := range sd.clients {
		clients[c] = struct{}{}
	}
	for _, mac := range sd.macs {
		if s := net.HardwareAddr(mac[:]).String(); !slices.Contains(d.SynMACs, s) {
			d.SynMACs = append(d.SynMACs, s)
		}
	}
	for o, ex := range sd.examples {
		if d.Examples[o].IsZero() {
			d.Examples[o] = ex
		}
	}
}

func (c *Counts) add(o Counts) {
	for i := range c {
		c[i] += o[i]
	}
}

// summaryWarnings says how many attempts were summarised rather than kept.
func (t *tracker) summaryWarnings() []Warning {
	if t.sum.n == 0 {
		return nil
	}
	return []Warning{{Kind: WarnSummarised, File: -1, Count: t.sum.n, Kept: maxKeptAttempts, Window: maxLiveAttempts, ClientCap: maxSummarisedClients}}
}
