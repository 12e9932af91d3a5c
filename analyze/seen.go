package analyze

import (
	"slices"
	"time"
)

// Several captures of the same traffic first say, per destination, which
// of them saw its attempts at all. SYNs one capture shows and a capture
// of the backend, running at the time and showing the host's own
// handshakes, never does died before the backend: the backend cannot be
// what drops them. The hops (hops.go) then locate what both saw.

// seenTotals are, per destination, the captures that saw its attempts.
type seenTotals struct {
	synFiles       uint64 // inputs that saw a SYN of one of its attempts
	completedFiles uint64 // inputs that saw a SYN of one of its completed handshakes
	// The earliest first SYN and the latest last SYN of its attempts, as
	// the first capture to see each read them.
	firstTS, lastTS time.Time
}

func (s *seenTotals) add(a *track) {
	s.synFiles |= a.synFiles
	if a.Outcome == Completed {
		s.completedFiles |= a.synFiles
	}
	if s.firstTS.IsZero() || a.FirstTS.Before(s.firstTS) {
		s.firstTS = a.FirstTS
	}
	last := a.FirstTS
	if a.LastSynTS.After(last) {
		last = a.LastSynTS
	}
	if last.After(s.lastTS) {
		s.lastTS = last
	}
}

// notAtBackend finds, for a destination no attempt of which was answered,
// a capture of the backend that never saw its SYNs: one that saw the
// host's own handshakes on the same port complete, was capturing while
// the SYNs were sent, and saw no client's attempt fail anywhere (a load
// balancer that translates the VIP to the host's address delivers the
// same SYNs to another destination). Its evidence names that capture by
// example frames of those handshakes, and its filter shows no packet there.
func (d *diagnosis) notAtBackend(dest *Destination, t *destTotals) (Evidence, bool) {
	n := len(d.r.Inputs)
	c := t.all.counts
	if n < 2 || n > 64 || !dest.Role.IsVIP() || c.Failed() == 0 || c.Total() != c[Unanswered]+c[Pending] {
		return Evidence{}, false
	}
	// The host's addresses with completed handshakes are few, where the
	// destinations of a scan are many.
	var hosts []*Destination
	for server, host := range d.worksAt {
		if server.Port() == dest.Server.Port() {
			hosts = append(hosts, host)
		}
	}
	slices.SortFunc(hosts, func(a, b *Destination) int { return a.Server.Compare(b.Server) })
	for _, host := range hosts {
		ht := d.totals(host)
		for b := range n {
			bit := fileBit(b)
			if t.seen.synFiles&bit != 0 || ht.seen.completedFiles&bit == 0 || d.tr.totals.hops.clientFailed&bit != 0 ||
				!d.covers(b, t) {
				continue
			}
			var frames []FrameRef
			for _, f := range ht.all.firstEx[Completed] {
				if f.File == b {
					frames = appendExample(frames, f)
				}
			}
			// The filter, on the backend's capture, shows no packet: Count
			// 0. The frames are the host's own handshakes there.
			return Evidence{Kind: EvNotAtBackend, Attempts: c[Unanswered] + c[Pending], Addr: host.Server.Addr(),
				Frames: frames, Filter: synFilter(dest.Server, "")}, true
		}
	}
	return Evidence{}, false
}

// covers reports whether input b was capturing while the destination's
// SYNs were sent: their span, read on b's clock where the captures'
// offset is known, overlaps b's.
func (d *diagnosis) covers(b int, t *destTotals) bool {
	in := d.r.Inputs[b]
	var off time.Duration
	for a := range d.r.Inputs {
		if t.seen.synFiles&fileBit(a) != 0 {
			if o, matched := d.tr.clocks.offset(a, b); matched > 0 {
				off = o
			}
			break
		}
	}
	return !t.seen.lastTS.Add(off).Before(in.First) && !t.seen.firstTS.Add(off).After(in.Last)
}

// diedBeforeBackend: the destination's SYNs never reached the backend,
// for the detectors that must then not blame the host.
func (d *diagnosis) diedBeforeBackend(dest *Destination, t *destTotals) bool {
	_, ok := d.notAtBackend(dest, t)
	return ok
}
