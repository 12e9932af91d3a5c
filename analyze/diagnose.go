package analyze

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"
)

// maxFindingsPerCause bounds the findings of one cause listed one by
// one; the rest are counted in a warning, so a scan of thousands of
// destinations gives a readable report.
const maxFindingsPerCause = 10

// diagnose turns the destinations' running totals into findings, in
// time linear in the destinations. It is not cancelled: a run stopped
// early is diagnosed on what was read, which takes well under a second.
func diagnose(r *Result, tr *tracker) ([]Finding, []Warning) {
	d := newDiagnosis(r, tr)
	var fs []Finding
	for i := range r.Destinations {
		dest := &r.Destinations[i]
		t := d.totals(dest)
		for _, def := range causeDefs {
			if def.detect != nil {
				fs = append(fs, def.detect(d, dest, t)...)
			}
		}
	}
	for _, def := range causeDefs {
		if def.global != nil {
			fs = append(fs, def.global(d)...)
		}
	}
	d.annotate(fs)
	SortFindings(fs)
	return groupFindings(fs)
}

// annotate adds to each finding what its texts depend on beyond its
// destination's totals: the destination's role, and the hops several
// captures located.
func (d *diagnosis) annotate(fs []Finding) {
	role := make(map[netip.AddrPort]Role, len(d.r.Destinations))
	for i := range d.r.Destinations {
		role[d.r.Destinations[i].Server] = d.r.Destinations[i].Role
	}
	var located []string
	for _, h := range d.r.Hops {
		if h.Count > 0 && !slices.Contains(located, h.Kind) {
			located = append(located, h.Kind)
		}
	}
	for i := range fs {
		r, ok := role[fs[i].Server]
		if !ok && fs[i].Cause == NoTrafficToVIP {
			r = RoleVIP
		}
		fs[i].Role, fs[i].Located = r, located
	}
}

// guessVIPs: when VIPs were given and not one SYN went to them, while
// the host answers on an address of its own, the silent destinations
// with failed handshakes are likely the VIP meant (a mistyped --vip), and
// are diagnosed as inferred VIPs. Without an address that answers, a
// silent destination may as well be the host's own.
func guessVIPs(r *Result) []netip.Addr {
	if r.VIPs == nil || slices.ContainsFunc(r.Destinations, func(d Destination) bool { return d.Role == RoleVIP }) ||
		!slices.ContainsFunc(r.Destinations, func(d Destination) bool { return d.Role == RoleHost && d.Counts[Completed] > 0 }) {
		return nil
	}
	var guesses []netip.Addr
	for i := range r.Destinations {
		d := &r.Destinations[i]
		if d.Role == RoleSilent && d.Counts.Failed() > 0 {
			d.Role = RoleLikelyVIP
			if !slices.Contains(guesses, d.Server.Addr()) {
				guesses = append(guesses, d.Server.Addr())
			}
		}
	}
	sortDestinations(r.Destinations)
	return guesses
}

// groupFindings keeps the first maxFindingsPerCause findings of each
// cause (the most certain and largest) and counts the rest.
func groupFindings(fs []Finding) ([]Finding, []Warning) {
	kept := fs[:0:0]
	var ws []Warning
	more := map[Cause]int{}
	for _, f := range fs {
		n := 0
		for _, k := range kept {
			if k.Cause == f.Cause {
				n++
			}
		}
		if n < maxFindingsPerCause {
			kept = append(kept, f)
			continue
		}
		i, ok := more[f.Cause]
		if !ok {
			i = len(ws)
			more[f.Cause] = i
			ws = append(ws, Warning{Kind: WarnFindings, File: -1, Detail: string(f.Cause), Limit: maxFindingsPerCause})
		}
		ws[i].Count++
		ws[i].Attempts += f.Attempts
	}
	return kept, ws
}

// diagnosis holds what the causes' detectors share, each built once.
type diagnosis struct {
	r       *Result
	tr      *tracker
	byMAC   map[string][]netip.Addr         // addresses that send from a MAC
	works   map[uint16]*Destination         // per port, the first host address with completed handshakes
	worksAt map[netip.AddrPort]*Destination // every host address with completed handshakes
	arps    map[netip.Addr][]arpClaim
}

func newDiagnosis(r *Result, tr *tracker) *diagnosis {
	d := &diagnosis{r: r, tr: tr, byMAC: map[string][]netip.Addr{}, works: map[uint16]*Destination{},
		worksAt: map[netip.AddrPort]*Destination{}, arps: tr.arpClaims()}
	for addr, info := range tr.addrs {
		if info.sent > 0 && info.hasMAC {
			mac := net.HardwareAddr(info.mac[:]).String()
			d.byMAC[mac] = append(d.byMAC[mac], addr)
		}
	}
	for i := range r.Destinations {
		o := &r.Destinations[i]
		if o.Role != RoleHost || o.Counts[Completed] == 0 {
			continue
		}
		d.worksAt[o.Server] = o
		if _, ok := d.works[o.Server.Port()]; !ok {
			d.works[o.Server.Port()] = o
		}
	}
	return d
}

func (d *diagnosis) totals(dest *Destination) *destTotals {
	return d.tr.totals.dests[d.tr.totals.index[dest.Server]]
}

// scope is what one detector looks at: a destination's attempts, or
// those of them delivered to one MAC.
type scope struct {
	dest *Destination
	t    *tally
	sent int      // packets the destination sent, as seen in the scope
	macs []string // MACs the scope's SYNs were delivered to
	mac  string   // the one MAC the scope is narrowed to, if any
}

// perHost diagnoses a VIP whose SYNs went to several MACs (several
// backends, or several captures merged) one MAC at a time. The host model
// is all or nothing per host, so a backend that drops every SYN to the VIP
// while others answer is a strong-host-receive finding for that backend,
// not partial loss.
func (d *diagnosis) perHost(dest *Destination, t *destTotals) []Finding {
	if !dest.Role.IsVIP() || len(t.macs) < 2 || dest.Counts[Unanswered] == 0 {
		return nil
	}
	var fs []Finding
	for i := range t.macs {
		m := &t.macs[i]
		c := m.counts
		if c[Unanswered] == 0 || c.Total() != c[Unanswered]+c[Pending] {
			continue
		}
		mac := net.HardwareAddr(m.mac[:]).String()
		// Through this MAC, the VIP never answered.
		f, ok := d.strongHostReceive(scope{dest: dest, t: &m.tally, macs: []string{mac}, mac: mac})
		if !ok {
			continue
		}
		f.Via = mac
		if other := dest.Counts[Completed]; other > 0 {
			var frames []FrameRef
			for j := range t.macs {
				if j != i {
					for _, fr := range t.macs[j].firstEx[Completed] {
						frames = appendExample(frames, fr)
					}
				}
			}
			f.Evidence = append(f.Evidence, Evidence{Kind: EvOtherHostsAnswer, Count: other,
				Frames: frames, Filter: completedFilter(dest.Server)})
		}
		fs = append(fs, f)
	}
	return fs
}

// strongHostReceive: SYNs to a VIP, none answered, the VIP never a source.
// Only a destination that is not an address the host answers from can be
// dropped by the strong host model.
func (d *diagnosis) strongHostReceive(s scope) (Finding, bool) {
	c := s.t.counts
	if !s.dest.Role.IsVIP() || s.sent > 0 || c[Unanswered] == 0 ||
		c[Completed]+c[SynAckNoAck]+c[WrongSource]+c[Refused] > 0 {
		return Finding{}, false
	}
	server := s.dest.Server
	f := newFinding(StrongHostReceive, server, s.t, Unanswered)
	f.Evidence = append(f.Evidence, unansweredSyns(server, s.t, s.mac))
	if rt := retransmissions(server, s.t, s.mac); rt.Count > 0 {
		f.Evidence = append(f.Evidence, rt)
	}
	if s.mac == "" {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvNeverSource, Filter: addrFilter("src", server.Addr())})
	}
	host, mac, delivered := d.hostByMAC(server.Addr(), s.macs)
	if delivered {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHostMAC, Addr: host, MAC: mac,
			Filter: fmt.Sprintf("eth.dst==%s && %s", mac, addrFilter("dst", server.Addr()))})
	}
	own, works := d.ownAddressWorks(server.Port(), host)
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
	// A host firewall that drops the SYNs to the VIP while letting those
	// to the host's own address through looks the same on the wire: only
	// the host's configuration tells them apart.
	if f.Confidence == High {
		f.Confidence = Medium
	}
	f.Missing = append(f.Missing, EvHostConfig)
	d.setHost(&f, host)
	return f, true
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

// newFinding counts a finding's attempts: those of outcome o in tally t.
func newFinding(c Cause, server netip.AddrPort, t *tally, o Outcome) Finding {
	f := Finding{Cause: c, Server: server, Attempts: t.counts[o], Syns: t.synsBy[o]}
	f.Clients, f.ClientsEstimated = t.clients(o)
	return f
}

func (d *diagnosis) setHost(f *Finding, host netip.Addr) {
	f.HostAddr = host
	if info := d.tr.addrs[host]; host.IsValid() && info != nil {
		f.HostOS, f.HostTTL = osFromTTL(info.ttl), info.ttl
	}
}

// unansweredSyns counts the SYN transmissions in scope that nothing
// answered, as the filter shows them.
func unansweredSyns(server netip.AddrPort, t *tally, mac string) Evidence {
	syns, _ := t.noReplySyns()
	return Evidence{Kind: EvSynsUnanswered, Count: syns, Filter: noReplyFilter(server, mac, t), Frames: t.firstEx[Unanswered]}
}

// retransmissions counts the SYN retransmissions of the attempts nothing
// answered: the clients were waiting, so the SYNs (or replies) were lost,
// not slow.
func retransmissions(server netip.AddrPort, t *tally, mac string) Evidence {
	_, resent := t.noReplySyns()
	return Evidence{Kind: EvRetransmissions, Count: resent, Attempts: t.retrans, Frames: t.retransEx,
		Filter: noReplyFilter(server, mac, t) + " && tcp.analysis.retransmission"}
}

// hostByMAC finds a host address that sends from the one MAC the SYNs to
// vip were delivered to: proof the SYNs reached that host.
func (d *diagnosis) hostByMAC(vip netip.Addr, macs []string) (netip.Addr, string, bool) {
	if len(macs) != 1 {
		return netip.Addr{}, "", false
	}
	found := slices.Clone(d.byMAC[macs[0]])
	if len(found) == 0 {
		return netip.Addr{}, "", false
	}
	// Prefer an address of the VIP's family: its handshakes are the fair
	// comparison, and the fix is written per family.
	v4 := vip.Unmap().Is4()
	slices.SortFunc(found, func(a, b netip.Addr) int {
		if fa, fb := a.Unmap().Is4() == v4, b.Unmap().Is4() == v4; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	return found[0], macs[0], true
}

// ownAddressWorks looks for completed handshakes on port to an address the
// host answers from, preferring want.
func (d *diagnosis) ownAddressWorks(port uint16, want netip.Addr) (Evidence, bool) {
	best, ok := d.worksAt[netip.AddrPortFrom(want, port)]
	if !ok {
		best, ok = d.works[port]
	}
	if !ok {
		return Evidence{}, false
	}
	return Evidence{Kind: EvOwnAddrWorks, Count: best.Counts[Completed], Addr: best.Server.Addr(),
		Frames: d.totals(best).all.firstEx[Completed], Filter: completedFilter(best.Server)}, true
}

// addrFilter is the Wireshark field test for an address in direction dir
// ("src" or "dst").
func addrFilter(dir string, a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return fmt.Sprintf("ip.%s==%s", dir, a.Unmap())
	}
	return fmt.Sprintf("ipv6.%s==%s", dir, a)
}

// synFilter shows the SYNs to server, to mac if one is given.
func synFilter(server netip.AddrPort, mac string) string {
	f := fmt.Sprintf("%s && tcp.dstport==%d && tcp.flags.syn==1 && tcp.flags.ack==0",
		addrFilter("dst", server.Addr()), server.Port())
	if mac != "" {
		f = "eth.dst==" + mac + " && " + f
	}
	return f
}

// Tests of Wireshark's conversation completeness (tcp.completeness: 1
// SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST), final for every packet
// once the whole file is read, as the Wireshark window and tshark -2 do.
const (
	noAnswer         = "!(tcp.completeness & 0x22)" // neither SYN-ACK nor RST came back
	firstInLoneReply = "!tcp.analysis.retransmission && !(tcp.completeness & 0x01)"
)

// noReplyFilter shows the SYNs to server (to mac, if given) that nothing
// answered; the copies of them quoted in ICMP errors are left out.
func noReplyFilter(server netip.AddrPort, mac string, t *tally) string {
	f := synFilter(server, mac) + " && " + noAnswer
	if t.counts[Unreachable] > 0 {
		f += " && !icmp && !icmpv6"
	}
	return f
}

// completedFilter shows the first SYN of each completed handshake to
// server: one packet per handshake.
func completedFilter(server netip.AddrPort) string {
	return synFilter(server, "") + " && !tcp.analysis.retransmission && tcp.completeness & 0x04"
}

func synAckFilter(src netip.Addr, port uint16) string {
	return fmt.Sprintf("%s && tcp.srcport==%d && tcp.flags.syn==1 && tcp.flags.ack==1", addrFilter("src", src), port)
}
