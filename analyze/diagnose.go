package analyze

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
)

// diagnose turns the destinations' outcomes into findings.
func diagnose(r *Result, tr *tracker) []Finding {
	d := &diagnosis{r: r, tr: tr}
	var fs []Finding
	for i := range r.Destinations {
		dest := &r.Destinations[i]
		if f, ok := d.strongHostReceive(dest); ok {
			fs = append(fs, f)
		}
		perHost := d.perHost(dest)
		fs = append(fs, perHost...)
		filtered, isFiltered := d.clientsFiltered(dest)
		if isFiltered {
			fs = append(fs, filtered)
		}
		if f, ok := d.partialLoss(dest); ok && len(perHost) == 0 && !isFiltered {
			fs = append(fs, f)
		}
		if f, ok := d.returnPathLost(dest); ok {
			fs = append(fs, f)
		}
		if f, ok := d.tlsBindingMissing(dest); ok {
			fs = append(fs, f)
		}
		if f, ok := d.noListener(dest); ok {
			fs = append(fs, f)
		}
		if f, ok := d.weakHostSend(dest); ok {
			fs = append(fs, f)
		}
	}
	if f, ok := d.noTrafficToVIP(); ok {
		fs = append(fs, f)
	}
	fs = append(fs, d.vipAnswersARP()...)
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(a.Confidence.rank(), b.Confidence.rank()); c != 0 {
			return c
		}
		return cmp.Compare(b.Attempts, a.Attempts)
	})
	return fs
}

type diagnosis struct {
	r  *Result
	tr *tracker
	// mac, when set, narrows the diagnosis to the attempts whose SYNs were
	// delivered to that MAC: one backend among several behind a VIP.
	mac string
}

// perHost diagnoses a VIP whose SYNs went to several MACs (several
// backends, or several captures merged) one MAC at a time. The host model
// is all or nothing per host, so a backend that drops every SYN to the VIP
// while others answer is a strong-host-receive finding for that backend,
// not partial loss.
func (d *diagnosis) perHost(dest *Destination) []Finding {
	if !dest.Role.IsVIP() || len(dest.SynMACs) < 2 || dest.Counts[Unanswered] == 0 {
		return nil
	}
	var fs []Finding
	for _, mac := range dest.SynMACs {
		d.mac = mac
		sub := d.scoped(dest)
		c := sub.Counts
		if c[Unanswered] > 0 && c.Total() == c[Unanswered]+c[Pending] {
			sub.Sent = 0 // through this MAC, the VIP never answered
			if f, ok := d.strongHostReceive(&sub); ok {
				f.Via = mac
				if other := dest.Counts[Completed]; other > 0 {
					f.Evidence = append(f.Evidence, Evidence{Kind: EvOtherHostsAnswer, Count: other,
						Frames: d.otherReplies(dest), Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port())})
				}
				fs = append(fs, f)
			}
		}
	}
	d.mac = ""
	if len(fs) == 0 {
		return nil
	}
	return fs
}

// scoped is dest counted over the attempts in the diagnosis' scope.
func (d *diagnosis) scoped(dest *Destination) Destination {
	sub := Destination{Server: dest.Server, Role: dest.Role, Sent: dest.Sent, HostTTL: dest.HostTTL, SynMACs: []string{d.mac}}
	clients := map[netip.Addr]struct{}{}
	for i := range d.r.Attempts {
		if a := &d.r.Attempts[i]; a.Server == dest.Server && d.inScope(i) {
			sub.Counts[a.Outcome]++
			sub.Syns += a.Syns
			clients[a.Client.Addr()] = struct{}{}
		}
	}
	sub.Clients = len(clients)
	return sub
}

// otherReplies are example SYN-ACKs to dest from outside the scope.
func (d *diagnosis) otherReplies(dest *Destination) []FrameRef {
	var fr []FrameRef
	for i := range d.r.Attempts {
		if a := &d.r.Attempts[i]; a.Server == dest.Server && a.Outcome == Completed && !d.inScope(i) {
			fr = appendExample(fr, a.Reply)
		}
	}
	return fr
}

// inScope reports whether attempt i is within the diagnosis' MAC scope.
func (d *diagnosis) inScope(i int) bool {
	if d.mac == "" {
		return true
	}
	t := &d.tr.attempts[i]
	return t.hasMAC && net.HardwareAddr(t.synMAC[:]).String() == d.mac
}

// strongHostReceive: SYNs to a VIP, none answered, the VIP never a source.
// Only a destination that is not an address the host answers from can be
// dropped by the strong host model.
func (d *diagnosis) strongHostReceive(dest *Destination) (Finding, bool) {
	c := dest.Counts
	if !dest.Role.IsVIP() || dest.Sent > 0 || c[Unanswered] == 0 ||
		c[Completed]+c[SynAckNoAck]+c[WrongSource]+c[Refused] > 0 {
		return Finding{}, false
	}
	f := d.newFinding(StrongHostReceive, dest, Unanswered)
	f.Evidence = append(f.Evidence, d.unansweredSyns(dest, f.Syns))
	if rt := d.retransmissions(dest); rt.Count > 0 {
		f.Evidence = append(f.Evidence, rt)
	}
	if d.mac == "" {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvNeverSource, Filter: addrFilter("src", dest.Server.Addr())})
	}
	host, mac, delivered := d.hostByMAC(dest)
	if delivered {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHostMAC, Addr: host, MAC: mac,
			Filter: fmt.Sprintf("eth.dst==%s && %s", mac, addrFilter("dst", dest.Server.Addr()))})
	}
	own, works := d.ownAddressWorks(dest.Server.Port(), host)
	if works {
		f.Evidence = append(f.Evidence, own)
		host = own.Addr
	}
	switch {
	case delivered && works:
		f.Confidence = High
	case delivered || works:
		f.Confidence = Medium
	default:
		f.Confidence = Low
	}
	if !delivered {
		f.Missing = append(f.Missing, EvHostMAC)
	}
	if !works {
		f.Missing = append(f.Missing, EvOwnAddrWorks)
	}
	d.setHost(&f, host)
	return f, true
}

// partialLoss: some SYNs to a destination answered, others not. The host
// model is all-or-nothing per destination, so this is load or loss.
func (d *diagnosis) partialLoss(dest *Destination) (Finding, bool) {
	c := dest.Counts
	if c[Unanswered] == 0 || c[Completed] == 0 {
		return Finding{}, false
	}
	f := d.newFinding(PartialLoss, dest, Unanswered)
	f.Confidence = Medium
	f.Evidence = append(f.Evidence, d.unansweredSyns(dest, f.Syns),
		Evidence{Kind: EvSomeAnswered, Count: c[Completed], Frames: d.replyFrames(dest, Completed),
			Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port())})
	f.Missing = []EvidenceKind{EvRetransmissions}
	if rt := d.retransmissions(dest); rt.Count > 0 {
		f.Evidence = append(f.Evidence, rt)
		f.Missing = nil
	}
	if dest.Role == RoleHost {
		d.setHost(&f, dest.Server.Addr())
	}
	return f, true
}

// noListener: SYNs to a given VIP are refused.
func (d *diagnosis) noListener(dest *Destination) (Finding, bool) {
	if dest.Role != RoleVIP || dest.Counts[Refused] == 0 {
		return Finding{}, false
	}
	f := d.newFinding(NoListenerOnVIP, dest, Refused)
	f.Evidence = append(f.Evidence, Evidence{Kind: EvRefused, Count: f.Attempts,
		Frames: d.replyFrames(dest, Refused),
		Filter: fmt.Sprintf("%s && tcp.srcport==%d && tcp.flags.reset==1", addrFilter("src", dest.Server.Addr()), dest.Server.Port())})
	f.Confidence = Medium
	f.Missing = []EvidenceKind{EvOwnAddrWorks}
	if own, ok := d.ownAddressWorks(dest.Server.Port(), netip.Addr{}); ok {
		f.Evidence = append(f.Evidence, own)
		f.Confidence, f.Missing = High, nil
		d.setHost(&f, own.Addr)
	}
	return f, true
}

// weakHostSend: the host answers SYNs to the VIP from another address.
func (d *diagnosis) weakHostSend(dest *Destination) (Finding, bool) {
	if !dest.Role.IsVIP() || dest.Counts[WrongSource] == 0 {
		return Finding{}, false
	}
	f := d.newFinding(WeakHostSend, dest, WrongSource)
	var from netip.Addr
	for _, a := range d.attempts(dest.Server, WrongSource) {
		from = a.ReplySrc
		break
	}
	f.Evidence = append(f.Evidence, Evidence{Kind: EvWrongSource, Count: f.Attempts, Addr: from,
		Frames: d.replyFrames(dest, WrongSource), Filter: synAckFilter(from, dest.Server.Port())})
	f.Confidence = High
	d.setHost(&f, from)
	return f, true
}

func (d *diagnosis) newFinding(c Cause, dest *Destination, o Outcome) Finding {
	f := Finding{Cause: c, Server: dest.Server}
	clients := map[netip.Addr]struct{}{}
	for _, a := range d.attempts(dest.Server, o) {
		f.Attempts++
		f.Syns += a.Syns
		clients[a.Client.Addr()] = struct{}{}
	}
	f.Clients = len(clients)
	return f
}

func (d *diagnosis) setHost(f *Finding, host netip.Addr) {
	f.HostAddr = host
	if info := d.tr.addrs[host]; host.IsValid() && info != nil {
		f.HostOS, f.HostTTL = osFromTTL(info.ttl), info.ttl
	}
}

// attempts returns the attempts to server with outcome o, in scope.
func (d *diagnosis) attempts(server netip.AddrPort, o Outcome) []*Attempt {
	var as []*Attempt
	for _, a := range d.attemptsTo(server) {
		if a.Outcome == o {
			as = append(as, a)
		}
	}
	return as
}

// attemptsTo returns every attempt to server in the diagnosis' scope.
func (d *diagnosis) attemptsTo(server netip.AddrPort) []*Attempt {
	var as []*Attempt
	for i := range d.r.Attempts {
		if a := &d.r.Attempts[i]; a.Server == server && d.inScope(i) {
			as = append(as, a)
		}
	}
	return as
}

// appendExample adds a frame to a list of examples not yet full.
func appendExample(fr []FrameRef, r FrameRef) []FrameRef {
	if len(fr) < maxExamples {
		fr = append(fr, r)
	}
	return fr
}

func (d *diagnosis) unansweredSyns(dest *Destination, syns int) Evidence {
	e := Evidence{Kind: EvSynsUnanswered, Count: syns, Filter: d.synFilter(dest.Server)}
	for _, a := range d.attempts(dest.Server, Unanswered) {
		e.Frames = appendExample(e.Frames, a.First)
	}
	return e
}

// retransmissions counts the unanswered attempts whose SYN was sent again:
// the clients were waiting, so the SYNs (or replies) were lost, not slow.
func (d *diagnosis) retransmissions(dest *Destination) Evidence {
	e := Evidence{Kind: EvRetransmissions, Filter: d.synFilter(dest.Server) + " && tcp.analysis.retransmission"}
	for _, a := range d.attempts(dest.Server, Unanswered) {
		if a.Syns > 1 {
			e.Count++
			e.Frames = appendExample(e.Frames, a.LastSyn)
		}
	}
	return e
}

func (d *diagnosis) replyFrames(dest *Destination, o Outcome) []FrameRef {
	var fr []FrameRef
	for _, a := range d.attempts(dest.Server, o) {
		fr = appendExample(fr, a.Reply)
	}
	return fr
}

// hostByMAC finds a host address that sends from the MAC the SYNs to dest
// were delivered to: proof the SYNs reached that host.
func (d *diagnosis) hostByMAC(dest *Destination) (netip.Addr, string, bool) {
	if len(dest.SynMACs) != 1 {
		return netip.Addr{}, "", false
	}
	var found []netip.Addr
	for addr, info := range d.tr.addrs {
		if info.sent > 0 && info.hasMAC && net.HardwareAddr(info.mac[:]).String() == dest.SynMACs[0] {
			found = append(found, addr)
		}
	}
	if len(found) == 0 {
		return netip.Addr{}, "", false
	}
	// Prefer an address of the VIP's family: its handshakes are the fair
	// comparison, and the fix is written per family.
	v4 := dest.Server.Addr().Unmap().Is4()
	slices.SortFunc(found, func(a, b netip.Addr) int {
		if fa, fb := a.Unmap().Is4() == v4, b.Unmap().Is4() == v4; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	return found[0], dest.SynMACs[0], true
}

// ownAddressWorks looks for completed handshakes on port to an address the
// host answers from, preferring want.
func (d *diagnosis) ownAddressWorks(port uint16, want netip.Addr) (Evidence, bool) {
	var best *Destination
	for i := range d.r.Destinations {
		o := &d.r.Destinations[i]
		if o.Role != RoleHost || o.Server.Port() != port || o.Counts[Completed] == 0 {
			continue
		}
		if best == nil || o.Server.Addr() == want {
			best = o
		}
	}
	if best == nil {
		return Evidence{}, false
	}
	return Evidence{Kind: EvOwnAddrWorks, Count: best.Counts[Completed], Addr: best.Server.Addr(),
		Frames: d.replyFrames(best, Completed), Filter: synAckFilter(best.Server.Addr(), port)}, true
}

// addrFilter is the Wireshark field test for an address in direction dir
// ("src" or "dst").
func addrFilter(dir string, a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return fmt.Sprintf("ip.%s==%s", dir, a.Unmap())
	}
	return fmt.Sprintf("ipv6.%s==%s", dir, a)
}

// synFilter shows the SYNs to server, to the scope's MAC if any.
func (d *diagnosis) synFilter(server netip.AddrPort) string {
	f := fmt.Sprintf("%s && tcp.dstport==%d && tcp.flags.syn==1 && tcp.flags.ack==0",
		addrFilter("dst", server.Addr()), server.Port())
	if d.mac != "" {
		f = "eth.dst==" + d.mac + " && " + f
	}
	return f
}

func synAckFilter(src netip.Addr, port uint16) string {
	return fmt.Sprintf("%s && tcp.srcport==%d && tcp.flags.syn==1 && tcp.flags.ack==1", addrFilter("src", src), port)
}
