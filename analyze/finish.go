package analyze

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/gopacket/gopacket/layers"
)

// finish lets every attempt leave the tracker and builds the Result from
// the running totals.
func (a *analyzer) finish(inputs []Input) *Result {
	tr := a.tr
	tr.finish(a.end)
	rt := tr.totals
	r := &Result{
		Inputs:    a.infos,
		Ports:     a.cfg.Ports.String(),
		Port:      single(a.cfg.Ports.Single()),
		VIPs:      a.cfg.VIPs,
		Grace:     a.cfg.Grace,
		Horizon:   a.cfg.Horizon,
		ProbeNets: probeNets(a.cfg.ProbeNets),
		Summary: Summary{
			Frames: a.frames, Start: a.start, End: a.end,
			SynPackets:       tr.synPackets,
			Counts:           rt.counts,
			ProbeCounts:      rt.probeCounts,
			MidstreamPackets: tr.midstreamPackets,
			MidstreamConns:   len(tr.midstreamFlows),
			MidstreamCapped:  tr.midstreamCapped,
		},
		Examples:       rt.examples,
		Encapsulations: a.encaps.list(),
	}
	if len(rt.timeline.bins) > 0 {
		r.Timeline = &Timeline{Start: rt.timeline.start, Bin: rt.timeline.width, Bins: rt.timeline.bins, ProbeBins: rt.timeline.probeBins}
	}
	r.Elsewhere, r.ElsewhereMore = tr.elsewhere.top(10)
	a.ifaceAddrs = interfaceAddrs(inputs)
	r.Destinations = a.destinations()
	r.VIPGuesses = guessVIPs(r)
	r.CapturePoint = a.capturePoint(r.Destinations)
	r.Hops = a.hops(r)
	var grouped []Warning
	r.Findings, grouped = diagnose(r, tr)
	r.Warnings = append(a.warns, a.timeWarnings()...)
	r.Warnings = append(r.Warnings, a.lateWarnings(r, inputs)...)
	r.Warnings = append(r.Warnings, grouped...)
	r.Warnings = append(r.Warnings, tr.dupWarnings()...)
	r.Warnings = append(r.Warnings, tr.boundWarnings(r)...)
	return r
}

// destinations lists the destinations' totals, most telling first.
func (a *analyzer) destinations() []Destination {
	rt := a.tr.totals
	dests := make([]Destination, 0, len(rt.dests))
	for _, t := range rt.dests {
		d := a.newDestination(t.server)
		d.Counts = t.all.counts
		d.Syns = t.syns
		d.Clients, d.ClientsEstimated = t.clients.count()
		for _, m := range t.macs {
			d.SynMACs = append(d.SynMACs, net.HardwareAddr(m.mac[:]).String())
		}
		d.OtherMACs = t.otherMACs
		d.AlsoClient, _ = rt.clients.has(addrKey(t.server.Addr()))
		if answered := d.Counts.Total() - d.Counts[Unanswered] - d.Counts[Pending]; d.AlsoClient && answered == 0 &&
			(d.Role == RoleLikelyVIP || d.Role == RoleHost && !a.hostNamed(t.server.Addr())) {
			// One SYN to a client's address (anyone can send one) must not
			// make the client a VIP, or a host whose dropped SYNs are a
			// finding: it opens connections and never answered one.
			d.Role = RoleSilent
		}
		for o := range numOutcomes {
			if ex := t.all.firstEx[o]; len(ex) > 0 {
				d.Examples[o] = ex[0]
			}
		}
		dests = append(dests, d)
	}
	sortDestinations(dests)
	return dests
}

// sortDestinations orders destinations by role, then address and port.
func sortDestinations(dests []Destination) {
	slices.SortStableFunc(dests, func(x, y Destination) int {
		if c := cmp.Compare(roleOrder(x.Role), roleOrder(y.Role)); c != 0 {
			return c
		}
		if c := x.Server.Addr().Compare(y.Server.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(x.Server.Port(), y.Server.Port())
	})
}

func (a *analyzer) newDestination(server netip.AddrPort) Destination {
	d := Destination{Server: server}
	info := a.tr.addrs[server.Addr()]
	if info != nil {
		d.Sent, d.HostTTL = info.sent, info.ttl
	}
	switch {
	case a.cfg.VIPs != nil && a.cfg.VIPs.Contains(server.Addr()):
		d.Role = RoleVIP
	case a.hostNamed(server.Addr()):
		// Live, the OS says which addresses are the host's, and a pcapng
		// file may say so for its interfaces: a fact, not inferred from
		// traffic.
		d.Role = RoleHost
	case d.Sent > 0:
		d.Role = RoleHost
	case a.cfg.VIPs == nil:
		d.Role = RoleLikelyVIP
	default:
		d.Role = RoleSilent
	}
	return d
}

// hostNamed reports whether the OS (live) or the pcapng file's interface
// blocks name addr as the host's.
func (a *analyzer) hostNamed(addr netip.Addr) bool {
	return a.cfg.HostAddrs.Contains(addr) || a.ifaceAddrs[addr.Unmap()]
}

func roleOrder(r Role) int {
	return slices.Index([]Role{RoleVIP, RoleLikelyVIP, RoleHost, RoleSilent}, r)
}

// lateWarnings are the warnings only the whole result can tell.
func (a *analyzer) lateWarnings(r *Result, inputs []Input) []Warning {
	var ws []Warning
	lts := make([]int, 0, len(a.unknown))
	for lt := range a.unknown {
		lts = append(lts, int(lt))
	}
	slices.Sort(lts)
	for _, lt := range lts {
		ws = append(ws, Warning{Kind: WarnLinkType, File: -1, Count: a.unknown[layers.LinkType(lt)], Detail: fmt.Sprint(lt)})
	}
	if n := r.Summary.Counts[Pending]; n > 0 {
		ws = append(ws, Warning{Kind: WarnPending, File: -1, Count: n, Detail: a.cfg.Grace.String()})
	}
	for i, in := range r.Inputs {
		if in.Cut > 0 {
			ws = append(ws, Warning{Kind: WarnSnaplen, File: i, Count: in.Cut, Detail: fmt.Sprint(in.Kept)})
		}
	}
	// Offload leaves checksums unfilled on the sender, and virtual NICs
	// (veth, many VM vNICs) pass them on unfilled: in captures, wrong
	// checksums are nearly always that, not corruption. Said, not judged.
	if n := a.tr.badSums.syns + a.tr.badSums.synAcks; n > 0 {
		ws = append(ws, Warning{Kind: WarnOffload, File: -1, Count: n, Detail: fmt.Sprint(a.tr.badSums.synAcks)})
	}
	if m := a.tr.malformed; m.n > 0 {
		ws = append(ws, Warning{Kind: WarnMalformed, File: m.first.File, Count: m.n, Detail: fmt.Sprint(m.first.Frame)})
	}
	for i, in := range inputs {
		if dc, ok := in.Source.(dropCounter); ok {
			if dropped, received := dc.Drops(); dropped > 0 {
				ws = append(ws, Warning{Kind: WarnDrops, File: i, Count: dropped, Received: received})
			}
		}
	}
	for i, in := range inputs {
		if od, ok := in.Source.(osDropper); ok {
			od.OSDrops(func(packets, syns int, where string) {
				ws = append(ws, Warning{Kind: WarnOSDrops, File: i, Count: packets, Attempts: syns, Detail: where})
			})
		}
	}
	if oneSided(r) {
		ws = append(ws, Warning{Kind: WarnOneSided, File: -1, Count: r.Summary.SynPackets})
	}
	return ws
}

// oneSided reports a capture with SYNs and not one packet from any
// server: nothing answered, or the capture sees one direction only (a
// filter such as 'dst port 443', or a mirror of inbound traffic), and
// then "unanswered" may be wrong.
func oneSided(r *Result) bool {
	if r.Summary.SynPackets == 0 {
		return false
	}
	for _, d := range r.Destinations {
		if d.Sent > 0 {
			return false
		}
	}
	return true
}

func single(port uint16, ok bool) uint16 {
	if !ok {
		return 0
	}
	return port
}

// interfaceSource is a source that knows its capture interfaces' addresses
// (a pcapng file whose interface blocks name them).
type interfaceSource interface {
	InterfaceAddrs() []netip.Addr
}

func interfaceAddrs(inputs []Input) map[netip.Addr]bool {
	set := map[netip.Addr]bool{}
	for _, in := range inputs {
		if s, ok := in.Source.(interfaceSource); ok {
			for _, a := range s.InterfaceAddrs() {
				set[a.Unmap()] = true
			}
		}
	}
	return set
}

// osDropper is a source that logs the packets the OS itself dropped
// (pktmon's .etl): it yields each group dropped at one place for one
// reason, with how many of them were SYNs and where names the component,
// the reason (with the OS's name for it) and the location.
type osDropper interface {
	OSDrops(yield func(packets, syns int, where string))
}

// dropCounter is a live source that knows how many packets the capture
// library (kernel, Npcap or the interface) dropped and received.
type dropCounter interface {
	Drops() (dropped, received int)
}
