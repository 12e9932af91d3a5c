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
func (d *diagnosis) clientsFiltered(dest *Destination) (Finding, bool) {
	if dest.Role != RoleHost {
		return Finding{}, false
	}
	probes := d.r.ProbeNets
	var probeDone, probeFail, clientDone, clientFail, clientSyns, retrans int
	var clientFrames, probeFrames, retransFrames []FrameRef
	clients := map[netip.Addr]struct{}{}
	for _, a := range d.attemptsTo(dest.Server) {
		switch isProbe := probes.Contains(a.Client.Addr()); {
		case isProbe && a.Outcome == Completed:
			probeDone++
			probeFrames = appendExample(probeFrames, a.Reply)
		case isProbe && a.Outcome.Failed():
			probeFail++
		case !isProbe && a.Outcome == Completed:
			clientDone++
		case !isProbe && a.Outcome == Unanswered:
			clientFail++
			clientSyns += a.Syns
			clients[a.Client.Addr()] = struct{}{}
			clientFrames = appendExample(clientFrames, a.First)
			if a.Syns > 1 {
				retrans++
				retransFrames = appendExample(retransFrames, a.LastSyn)
			}
		}
	}
	if probeDone == 0 || clientFail == 0 || clientDone > 0 {
		return Finding{}, false
	}
	f := Finding{Cause: ClientsFiltered, Server: dest.Server, Attempts: clientFail, Syns: clientSyns, Clients: len(clients)}
	notProbe := "!(" + probeFilter("src", probes) + ")"
	f.Evidence = append(f.Evidence,
		Evidence{Kind: EvClientsFail, Count: clientSyns, Frames: clientFrames, Filter: d.synFilter(dest.Server) + " && " + notProbe},
		Evidence{Kind: EvProbesComplete, Count: probeDone, Frames: probeFrames,
			Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port()) + " && " + probeFilter("dst", probes)})
	if retrans > 0 {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvRetransmissions, Count: retrans, Frames: retransFrames,
			Filter: d.synFilter(dest.Server) + " && " + notProbe + " && tcp.analysis.retransmission"})
	}
	switch {
	case probeFail == 0 && retrans > 0:
		f.Confidence = High
	default:
		f.Confidence = Medium
		if retrans == 0 {
			f.Missing = append(f.Missing, EvRetransmissions)
		}
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

// returnPathLost: the server sent SYN-ACKs that the clients never
// acknowledged. When the clients retransmit their SYN after the SYN-ACK
// left, the SYN-ACK never reached them: it was lost on the way back.
func (d *diagnosis) returnPathLost(dest *Destination) (Finding, bool) {
	if dest.Counts[SynAckNoAck] == 0 {
		return Finding{}, false
	}
	f := d.newFinding(ReturnPathLost, dest, SynAckNoAck)
	sent := Evidence{Kind: EvSynAckSent, Count: f.Attempts, Frames: d.replyFrames(dest, SynAckNoAck),
		Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port())}
	again := Evidence{Kind: EvSynAfterSynAck, Filter: d.synFilter(dest.Server) + " && tcp.analysis.retransmission"}
	for _, a := range d.attempts(dest.Server, SynAckNoAck) {
		if !sent.Addr.IsValid() {
			sent.Addr = a.Client.Addr() // an example client, for the fix's route lookup
		}
		if a.Syns > 1 && a.LastSynTS.After(a.ReplyTS) {
			again.Count++
			again.Frames = appendExample(again.Frames, a.LastSyn)
		}
	}
	f.Evidence = append(f.Evidence, sent)
	if again.Count > 0 {
		f.Evidence = append(f.Evidence, again)
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
		if d.r.Destinations[i].Role == RoleVIP {
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
func (d *diagnosis) tlsBindingMissing(dest *Destination) (Finding, bool) {
	closed := Evidence{Kind: EvHelloClosed, Filter: fmt.Sprintf("%s && tcp.srcport==%d && (tcp.flags.reset==1 || tcp.flags.fin==1)",
		addrFilter("src", dest.Server.Addr()), dest.Server.Port())}
	served := Evidence{Kind: EvHelloServed, Filter: fmt.Sprintf("%s && tcp.srcport==%d && tls.handshake.type==2",
		addrFilter("src", dest.Server.Addr()), dest.Server.Port())}
	closedNames, servedNames := map[string]bool{}, map[string]bool{}
	clients := map[netip.Addr]struct{}{}
	for _, a := range d.attempts(dest.Server, Completed) {
		switch {
		case a.Hello.IsZero():
		case !a.HelloEnd.IsZero():
			closed.Count++
			closed.Frames = appendExample(closed.Frames, a.HelloEnd)
			closedNames[a.SNI] = true
			clients[a.Client.Addr()] = struct{}{}
		case a.HelloServed:
			served.Count++
			served.Frames = appendExample(served.Frames, a.Hello)
			servedNames[a.SNI] = true
		}
	}
	if closed.Count == 0 {
		return Finding{}, false
	}
	closed.Names = sortedNames(closedNames)
	served.Names = sortedNames(servedNames)
	f := Finding{Cause: TLSBindingMissing, Server: dest.Server, Attempts: closed.Count, Syns: closed.Count, Clients: len(clients),
		Confidence: Medium, Evidence: []Evidence{closed}}
	// All or nothing for this IP:port, or for the names asked: the shape a
	// missing binding gives. A mix of both on the same names is more
	// likely the service failing.
	overlap := false
	for n := range closedNames {
		overlap = overlap || servedNames[n]
	}
	if served.Count == 0 || !overlap {
		f.Confidence = High
	}
	if served.Count > 0 {
		f.Evidence = append(f.Evidence, served)
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
		for _, c := range d.tr.arps[vip] {
			mac := net.HardwareAddr(c.mac[:]).String()
			f := Finding{Cause: VIPAnswersARP, Server: dest.Server, Confidence: Medium}
			e := Evidence{Kind: EvARPClaim, Count: c.count, Frames: []FrameRef{c.first}, MAC: mac,
				Filter: fmt.Sprintf("arp.src.proto_ipv4==%s && eth.src==%s", vip, mac)}
			sub := Destination{Server: dest.Server, SynMACs: []string{mac}}
			if host, _, ok := d.hostByMAC(&sub); ok {
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

func sortedNames(set map[string]bool) []string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
