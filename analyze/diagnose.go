package analyze

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
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
		// A finding about an address no SYN went to keeps the role its
		// detector gave it.
		if r, ok := role[fs[i].Server]; ok {
			fs[i].Role = r
		}
		fs[i].Located = located
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
