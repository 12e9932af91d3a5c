package analyze

import (
	"fmt"
	"net/netip"
	"strings"
)

// NoTrafficToVIP (no-traffic-to-vip): not one SYN to a VIP reaches the
// host: the load balancer does not forward to it. Its detector and the
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
)

func (d *diagnosis) noTrafficToVIPAll() []Finding { return one(d.noTrafficToVIP()) }

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
