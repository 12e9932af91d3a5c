package analyze

import (
	"fmt"
	"net/netip"
	"strings"
)

// NoTrafficToVIP (no-traffic-to-vip): not one SYN to a VIP reaches the
// host: the load balancer does not forward to it. Either the backend's
// capture holds no SYN to any VIP, or, beside a capture that saw the
// clients' SYNs to a VIP, it holds none of those (seen.go). Its detector and the
// counters only it reads are in this file; its texts are in
// report/cause_no_traffic_to_vip.go, and the host-facts check it names
// (facts) in hostcheck.
const NoTrafficToVIP Cause = "no-traffic-to-vip"

var noTrafficToVIPCause = causeDef{
	cause:  NoTrafficToVIP,
	facts:  FactsNone,
	global: (*diagnosis).noTrafficToVIPAll,
}

// The evidence only this cause gives.
const (
	EvNoSynToVIP       EvidenceKind = "no-syn-to-vip"      // not one SYN to the VIP in the capture
	EvLoadBalancerSide EvidenceKind = "load-balancer-side" // what the load balancer itself shows
	// EvNotAtBackend: the SYNs another capture saw are absent from the
	// backend's capture, taken at the same time.
	EvNotAtBackend EvidenceKind = "syns-not-at-backend"
)

func (d *diagnosis) noTrafficToVIPAll() []Finding {
	fs := one(d.noTrafficToVIP())
	for i := range d.r.Destinations {
		dest := &d.r.Destinations[i]
		fs = append(fs, one(d.notForwarded(dest, d.totals(dest)))...)
	}
	return fs
}

// notForwarded: with several captures of the same traffic, the SYNs to a
// VIP that one saw and the backend's never did died before the backend,
// between the clients and the load balancer or at the load balancer.
func (d *diagnosis) notForwarded(dest *Destination, t *destTotals) (Finding, bool) {
	absent, ok := d.notAtBackend(dest, t)
	if !ok {
		return Finding{}, false
	}
	f := newFinding(NoTrafficToVIP, dest.Server, &t.all, Unanswered)
	f.Attempts += t.all.counts[Pending]
	f.Syns += t.all.synsBy[Pending]
	f.Role = dest.Role
	f.Evidence = append(f.Evidence, unansweredSyns(dest.Server, &t.all, ""))
	if rt := retransmissions(dest.Server, &t.all, ""); rt.Count > 0 {
		f.Evidence = append(f.Evidence, rt)
	}
	f.Evidence = append(f.Evidence, absent) // its frames are the host's own handshakes
	// Both captures are in hand; only what the load balancer (or the
	// network in front of it) shows would say which of the two dropped
	// them.
	f.Confidence = High
	f.Missing = []EvidenceKind{EvLoadBalancerSide}
	d.setHost(&f, absent.Addr)
	return f, true
}

// noTrafficToVIP: VIPs were given, the capture shows this host handling
// handshakes to its own address, and not one SYN to a VIP: the load
// balancer does not send this host the VIP's traffic.
func (d *diagnosis) noTrafficToVIP() (Finding, bool) {
	if d.r.VIPs == nil {
		return Finding{}, false
	}
	for i := range d.r.Destinations {
		if d.r.Destinations[i].Role.IsVIP() {
			return Finding{}, false
		}
	}
	port := d.r.Port
	own, works := d.ownAddressWorks(port, netip.Addr{})
	if !works {
		return Finding{}, false
	}
	vip := d.r.VIPs[0].Addr()
	f := Finding{Cause: NoTrafficToVIP, Confidence: Medium, Server: netip.AddrPortFrom(vip, port), Role: RoleVIP}
	var tests []string
	for _, p := range d.r.VIPs {
		tests = append(tests, prefixFilter("dst", p))
	}
	filter := "(" + strings.Join(tests, " || ") + ") && tcp.flags.syn==1 && tcp.flags.ack==0"
	f.Evidence = append(f.Evidence, Evidence{Kind: EvNoSynToVIP, Filter: filter}, own)
	f.Missing = []EvidenceKind{EvLoadBalancerSide}
	d.setHost(&f, own.Addr)
	return f, true
}

// prefixFilter is the Wireshark test for an address in a prefix.
func prefixFilter(dir string, p netip.Prefix) string {
	if p.IsSingleIP() {
		return addrFilter(dir, p.Addr())
	}
	field := "ip"
	if p.Addr().Is6() {
		field = "ipv6"
	}
	return fmt.Sprintf("%s.%s==%s", field, dir, p)
}
