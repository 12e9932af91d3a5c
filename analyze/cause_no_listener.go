package analyze

import (
	"fmt"
	"net/netip"
)

// NoListenerOnVIP (no-listener-on-vip): SYNs to a VIP are refused: nothing
// listens on it. Its detector and the counters only it reads are in this
// file; its texts are in report/cause_no_listener.go, and the host-facts
// check it names (facts) in hostcheck.
const NoListenerOnVIP Cause = "no-listener-on-vip"

var noListenerCause = causeDef{
	cause:    NoListenerOnVIP,
	outcomes: []Outcome{Refused},
	facts:    FactsListener,
	detect:   (*diagnosis).noListenerAt,
}

// The evidence only this cause gives.
const (
	EvRefused EvidenceKind = "refused"
)

func (d *diagnosis) noListenerAt(dest *Destination, t *destTotals) []Finding {
	return one(d.noListener(dest, t))
}

// noListener: SYNs to a given VIP are refused.
func (d *diagnosis) noListener(dest *Destination, t *destTotals) (Finding, bool) {
	if dest.Role != RoleVIP || dest.Counts[Refused] == 0 {
		return Finding{}, false
	}
	f := newFinding(NoListenerOnVIP, dest.Server, &t.all, Refused)
	f.Evidence = append(f.Evidence, Evidence{Kind: EvRefused, Count: f.Attempts,
		Frames: t.all.replyEx[Refused],
		Filter: fmt.Sprintf("%s && tcp.srcport==%d && tcp.flags.reset==1 && !(tcp.completeness & 0x02)", addrFilter("src", dest.Server.Addr()), dest.Server.Port())})
	f.Confidence = Medium
	f.Missing = []EvidenceKind{EvOwnAddrWorks}
	if own, ok := d.ownAddressWorks(dest.Server.Port(), netip.Addr{}); ok {
		f.Evidence = append(f.Evidence, own)
		f.Confidence, f.Missing = High, nil
		d.setHost(&f, own.Addr)
	}
	return f, true
}
