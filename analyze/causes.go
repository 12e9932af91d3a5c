package analyze

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// clientsFiltered: SYNs to an address the host answers from, where the
// health probes' handshakes complete and the clients' go unanswered. The
// host model cannot tell probes from clients; a firewall rule or security
// group that admits only the probe ranges can.
func (d *diagnosis) clientsFiltered(dest *Destination, t *destTotals) (Finding, bool) {
	if dest.Role != RoleHost {
		return Finding{}, false
	}
	fail := &t.clientFail
	if t.probeDone == 0 || fail.counts[Unanswered] == 0 || t.clientDone > 0 {
		return Finding{}, false
	}
	probes := d.r.ProbeNets
	f := newFinding(ClientsFiltered, dest.Server, fail, Unanswered)
	notProbe := "!(" + probeFilter("src", probes) + ")"
	syns, resent := fail.noReplySyns()
	f.Evidence = append(f.Evidence,
		Evidence{Kind: EvClientsFail, Count: syns, Frames: fail.firstEx[Unanswered], Filter: noReplyFilter(dest.Server, "", fail) + " && " + notProbe},
		Evidence{Kind: EvProbesComplete, Count: t.probeDone, Frames: t.probeDoneEx,
			Filter: completedFilter(dest.Server) + " && (" + probeFilter("src", probes) + ")"})
	if fail.retrans > 0 {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvRetransmissions, Count: resent, Attempts: fail.retrans, Frames: fail.retransEx,
			Filter: noReplyFilter(dest.Server, "", fail) + " && " + notProbe + " && tcp.analysis.retransmission"})
	}
	switch {
	case t.probeFail == 0 && fail.retrans > 0:
		f.Confidence = High
	default:
		f.Confidence = Medium
		if fail.retrans == 0 {
			f.Missing = append(f.Missing, EvRetransmissions)
		}
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

// returnPathLost: the server sent SYN-ACKs that the clients never
// acknowledged. When the clients retransmit their SYN after the SYN-ACK
// left, the SYN-ACK never reached them: it was lost on the way back.
func (d *diagnosis) returnPathLost(dest *Destination, t *destTotals) (Finding, bool) {
	if dest.Counts[SynAckNoAck] == 0 {
		return Finding{}, false
	}
	f := newFinding(ReturnPathLost, dest.Server, &t.all, SynAckNoAck)
	sent := Evidence{Kind: EvSynAckSent, Count: f.Attempts, Frames: t.all.replyEx[SynAckNoAck],
		Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port()) + " && !tcp.analysis.retransmission && tcp.completeness & 0x01 && !(tcp.completeness & 0x04)",
		Addr:   t.noAckClient} // an example client, for the fix's route lookup
	f.Evidence = append(f.Evidence, sent)
	if t.synAfterSynAck > 0 {
		resent := t.all.synsBy[SynAckNoAck] - t.all.counts[SynAckNoAck]
		f.Evidence = append(f.Evidence, Evidence{Kind: EvSynAfterSynAck, Count: resent, Attempts: t.synAfterSynAck, Frames: t.synAfterEx,
			Filter: synFilter(dest.Server, "") + " && tcp.analysis.retransmission && tcp.completeness & 0x02 && !(tcp.completeness & 0x04)"})
		f.Confidence = High
	} else {
		f.Confidence = Medium
		f.Missing = []EvidenceKind{EvSynAfterSynAck}
	}
	d.setHost(&f, dest.Server.Addr())
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
	f := Finding{Cause: NoTrafficToVIP, Confidence: Medium, Server: netip.AddrPortFrom(vip, port)}
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

// probeFilter matches packets from (dir "src") or to ("dst") a probe range.
func probeFilter(dir string, probes PrefixSet) string {
	tests := make([]string, len(probes))
	for i, p := range probes {
		tests[i] = prefixFilter(dir, p)
	}
	return strings.Join(tests, " || ")
}

// tlsBindingMissing: handshakes complete, the client sends its TLS
// ClientHello, and the server closes (RST or FIN) before sending anything:
// what HTTP.sys does when no certificate is bound for the IP:port or the
// name asked for.
func (d *diagnosis) tlsBindingMissing(dest *Destination, t *destTotals) (Finding, bool) {
	if t.helloClosed+t.helloAlerted == 0 {
		return Finding{}, false
	}
	src := fmt.Sprintf("%s && tcp.srcport==%d", addrFilter("src", dest.Server.Addr()), dest.Server.Port())
	f := Finding{Cause: TLSBindingMissing, Server: dest.Server, Attempts: t.helloClosed + t.helloAlerted,
		Syns: t.helloClosed + t.helloAlerted, Confidence: Medium}
	if t.helloAlerted > 0 {
		// The server's first record after the hello, an alert: tcp.seq==1
		// (relative) is the server's first byte.
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloAlert, Count: t.helloAlerted, Frames: t.alertedEx,
			Names: sortedNames(t.closedNames), MoreNames: t.moreClosed, Alerts: slices.Clone(t.alerts),
			Filter: src + " && tls.record.content_type==21 && tcp.seq==1"})
	}
	if t.helloClosed > 0 {
		// Before any data from the server, its sequence number is still
		// its ISN+1: relative sequence number 1.
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloClosed, Count: t.helloClosed, Frames: t.closedEx,
			Names: sortedNames(t.closedNames), MoreNames: t.moreClosed, Filter: src + " && (tcp.flags.reset==1 || tcp.flags.fin==1) && tcp.seq==1"})
	}
	f.Clients, f.ClientsEstimated = t.closedClients.count()
	// All or nothing for this IP:port, or for the names asked: the shape a
	// missing binding gives. A mix of both on the same names is more
	// likely the service failing.
	overlap := false
	for _, n := range t.closedNames {
		overlap = overlap || slices.Contains(t.servedNames, n)
	}
	if t.helloServed == 0 || !overlap {
		f.Confidence = High
	}
	if t.helloServed > 0 {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloServed, Count: t.helloServed, Frames: t.servedEx,
			Names: sortedNames(t.servedNames), MoreNames: t.moreServed, Filter: src + " && tls.handshake.type==2"})
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

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

func sortedNames(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}
