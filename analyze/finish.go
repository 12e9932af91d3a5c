package analyze

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/gopacket/gopacket/layers"
)

// finish decides every attempt's outcome and builds the Result.
func (a *analyzer) finish(inputs []Input) *Result {
	tr := a.tr
	tr.finishSummaries(a.end, a.cfg.Grace)
	r := &Result{
		Inputs:    a.infos,
		Ports:     a.cfg.Ports.String(),
		Port:      single(a.cfg.Ports.Single()),
		VIPs:      a.cfg.VIPs,
		Grace:     a.cfg.Grace,
		ProbeNets: probeNets(a.cfg.ProbeNets),
		Summary: Summary{
			Frames: a.frames, Start: a.start, End: a.end,
			SynPackets:       tr.synPackets,
			MidstreamPackets: tr.midstreamPackets,
			MidstreamConns:   len(tr.midstreamFlows),
			MidstreamCapped:  tr.midstreamCapped,
		},
		Attempts:       make([]Attempt, len(tr.attempts)),
		Encapsulations: a.encaps.list(),
	}
	for i := range tr.attempts {
		t := &tr.attempts[i]
		t.decide(a.end, a.cfg.Grace)
		r.Attempts[i] = t.Attempt
		r.Summary.Counts[t.Outcome]++
		if r.ProbeNets.Contains(t.Client.Addr()) {
			r.Summary.ProbeCounts[t.Outcome]++
		}
	}
	for _, d := range tr.sum.order {
		r.Summary.Counts.add(d.counts)
		r.Summary.ProbeCounts.add(d.probes)
	}
	a.ifaceAddrs = interfaceAddrs(inputs)
	r.Destinations = a.destinations()
	r.CapturePoint = a.capturePoint(r.Destinations)
	r.Hops = a.hops(r)
	r.Findings = diagnose(r, tr)
	r.Warnings = append(a.warns, a.lateWarnings(r, inputs)...)
	r.Warnings = append(r.Warnings, tr.dupWarnings()...)
	r.Warnings = append(r.Warnings, tr.summaryWarnings()...)
	return r
}

// destinations groups the attempts by server address and port.
func (a *analyzer) destinations() []Destination {
	tr := a.tr
	index := map[netip.AddrPort]int{}
	var dests []Destination
	clients := map[netip.AddrPort]map[netip.Addr]struct{}{}
	dest := func(server netip.AddrPort) *Destination {
		j, ok := index[server]
		if !ok {
			j = len(dests)
			index[server] = j
			dests = append(dests, a.newDestination(server))
			clients[server] = map[netip.Addr]struct{}{}
		}
		return &dests[j]
	}
	for i := range tr.attempts {
		t := &tr.attempts[i]
		d := dest(t.Server)
		d.Counts[t.Outcome]++
		d.Syns += t.Syns
		clients[t.Server][t.Client.Addr()] = struct{}{}
		if d.Examples[t.Outcome].IsZero() {
			d.Examples[t.Outcome] = t.First
		}
		if t.hasMAC {
			if mac := net.HardwareAddr(t.synMAC[:]).String(); !slices.Contains(d.SynMACs, mac) {
				d.SynMACs = append(d.SynMACs, mac)
			}
		}
	}
	for _, sd := range tr.sum.order {
		d := dest(sd.server) // before clients[sd.server]: it makes that map
		sd.addTo(d, clients[sd.server])
	}
	for i := range dests {
		dests[i].Clients = len(clients[dests[i].Server])
	}
	slices.SortStableFunc(dests, func(x, y Destination) int {
		if c := cmp.Compare(roleOrder(x.Role), roleOrder(y.Role)); c != 0 {
			return c
		}
		if c := x.Server.Addr().Compare(y.Server.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(x.Server.Port(), y.Server.Port())
	})
	return dests
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
	case a.cfg.HostAddrs.Contains(server.Addr()) || a.ifaceAddrs[server.Addr().Unmap()]:
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
	for i, in := range inputs {
		if dc, ok := in.Source.(dropCounter); ok {
			if dropped, received := dc.Drops(); dropped > 0 {
				ws = append(ws, Warning{Kind: WarnDrops, File: i, Count: dropped, Received: received})
			}
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

// dropCounter is a live source that knows how many packets the capture
// library (kernel, Npcap, interface) dropped and received.
type dropCounter interface {
	Drops() (dropped, received int)
}
