package analyze

import (
	"fmt"
	"net"
)

// VIPAnswersARP (vip-answers-arp): a backend answers ARP for the VIP, or
// announces it. Its detector and the counters only it reads are in this
// file; its texts are in report/cause_vip_answers_arp.go, and the host-
// facts check it names (facts) in hostcheck.
const VIPAnswersARP Cause = "vip-answers-arp"

var vipAnswersARPCause = causeDef{
	cause:         VIPAnswersARP,
	fixedWhenGone: true,
	facts:         FactsARP,
	global:        (*diagnosis).vipAnswersARP,
}

// The evidence only this cause gives.
const (
	EvARPClaim EvidenceKind = "arp-claims-vip" // a MAC answered ARP for the VIP or announced it
)

// vipAnswersARP: a MAC answered ARP for a VIP, or announced it. In direct
// server return only the load balancer may: a backend that does pulls the
// VIP's traffic to itself, past the load balancer.
func (d *diagnosis) vipAnswersARP() []Finding {
	var fs []Finding
	for _, dest := range d.r.Destinations {
		if !dest.Role.IsVIP() || !dest.Server.Addr().Unmap().Is4() {
			continue
		}
		vip := dest.Server.Addr().Unmap()
		for _, c := range d.arps[vip] {
			mac := net.HardwareAddr(c.mac[:]).String()
			f := Finding{Cause: VIPAnswersARP, Server: dest.Server, Confidence: Medium}
			e := Evidence{Kind: EvARPClaim, Count: c.count, Frames: []FrameRef{c.first}, MAC: mac,
				Filter: fmt.Sprintf("arp.src.proto_ipv4==%s && eth.src==%s", vip, mac)}
			if host, _, ok := d.hostByMAC(dest.Server.Addr(), []string{mac}); ok {
				// The MAC sends packets: a host, not a router's proxy ARP.
				f.Confidence = High
				d.setHost(&f, host)
				if host != vip {
					e.Addr = host // name it by its own address, not the VIP
				}
			}
			f.Evidence = append(f.Evidence, e)
			fs = append(fs, f)
		}
	}
	return fs
}
