package analyze

import "net/netip"

// WeakHostSend (weak-host-send): the host answers SYNs to a VIP from
// another of its addresses. Its detector and the counters only it reads are
// in this file; its texts are in report/cause_weak_host_send.go, and the
// host-facts check it names (facts) in hostcheck.
const WeakHostSend Cause = "weak-host-send"

var weakHostSendCause = causeDef{
	cause:    WeakHostSend,
	outcomes: []Outcome{WrongSource},
	facts:    FactsHostModel,
	detect:   (*diagnosis).weakHostSendAt,
}

// The evidence only this cause gives.
const (
	EvWrongSource EvidenceKind = "reply-from-other-address"
)

func (d *diagnosis) weakHostSendAt(dest *Destination, t *destTotals) []Finding {
	return one(d.weakHostSend(dest, t))
}

// weakHostSend: the host answers SYNs to the VIP from another address.
func (d *diagnosis) weakHostSend(dest *Destination, t *destTotals) (Finding, bool) {
	if !dest.Role.IsVIP() || dest.Counts[WrongSource] == 0 {
		return Finding{}, false
	}
	f := newFinding(WeakHostSend, dest.Server, &t.all, WrongSource)
	from := t.wrongFrom
	f.Evidence = append(f.Evidence, Evidence{Kind: EvWrongSource, Count: f.Attempts, Addr: from,
		Frames: t.all.replyEx[WrongSource], Filter: synAckFilter(from, dest.Server.Port()) + " && " + firstInLoneReply})
	f.Confidence = High
	d.setHost(&f, from)
	return f, true
}

// wrongSourceTotals say where a destination's first wrong-source reply
// came from.
type wrongSourceTotals struct {
	wrongFrom netip.Addr
}

func (d *wrongSourceTotals) add(a *Attempt) {
	if a.Outcome == WrongSource && !d.wrongFrom.IsValid() {
		d.wrongFrom = a.ReplySrc
	}
}
