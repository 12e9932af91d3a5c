package analyze

import "time"

// PartialLoss (partial-loss): only some SYNs to a destination go
// unanswered, or are answered late: load or loss. Its detector and the
// counters only it reads are in this file; its texts are in
// report/cause_partial_loss.go, and the host-facts check it names (facts)
// in hostcheck.
const PartialLoss Cause = "partial-loss"

var partialLossCause = causeDef{
	cause:         PartialLoss,
	outcomes:      []Outcome{Unanswered, Pending},
	onHost:        true,
	fixedWhenGone: true,
	facts:         FactsNone,
	detect:        (*diagnosis).partialLossAt,
}

// The evidence only this cause gives.
const (
	EvSomeAnswered  EvidenceKind = "some-answered"                  // other SYNs to the same destination completed
	EvSlowCompleted EvidenceKind = "completed-after-retransmission" // handshakes that completed only after their SYN was sent again
)

// partialLossAt: loss, unless a backend of several drops every SYN to the
// VIP (the host model, per backend) or only the clients are dropped (a
// filter): those explain the unanswered SYNs better.
func (d *diagnosis) partialLossAt(dest *Destination, t *destTotals) []Finding {
	if len(d.perHost(dest, t)) > 0 {
		return nil
	}
	if _, filtered := d.clientsFiltered(dest, t); filtered {
		return nil
	}
	return one(d.partialLoss(dest, t))
}

// partialLoss: some SYNs to a destination answered, others not, or
// answered only after the client sent them again. The host model is
// all-or-nothing per destination, so this is load or loss.
func (d *diagnosis) partialLoss(dest *Destination, t *destTotals) (Finding, bool) {
	c, all := dest.Counts, &t.all
	if c[Completed] == 0 || (c[Unanswered] == 0 && all.slow == 0) {
		return Finding{}, false
	}
	f := newFinding(PartialLoss, dest.Server, all, Unanswered)
	f.Confidence, f.Place = Medium, d.r.CapturePoint.Place
	if c[Unanswered] > 0 {
		f.Evidence = append(f.Evidence, unansweredSyns(dest.Server, all, ""))
	}
	if all.slow > 0 {
		e := Evidence{Kind: EvSlowCompleted, Count: all.synsBy[Completed] - c[Completed], Attempts: all.slow, Frames: all.slowEx,
			Filter: synFilter(dest.Server, "") + " && tcp.analysis.retransmission && tcp.completeness & 0x04", DelayMax: all.slowMax}
		if all.slowTimed > 0 {
			e.DelayMean = all.slowSum / time.Duration(all.slowTimed)
		}
		f.Evidence = append(f.Evidence, e)
	}
	f.Evidence = append(f.Evidence, Evidence{Kind: EvSomeAnswered, Count: c[Completed], Frames: all.firstEx[Completed],
		Filter: completedFilter(dest.Server)})
	if c[Unanswered] > 0 {
		f.Missing = []EvidenceKind{EvRetransmissions}
		if rt := retransmissions(dest.Server, all, ""); rt.Count > 0 {
			f.Evidence = append(f.Evidence, rt)
			f.Missing = nil
		}
	}
	if dest.Role == RoleHost {
		d.setHost(&f, dest.Server.Addr())
	}
	return f, true
}
