package hostcheck

import (
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// knownProbes are the health-probe ranges DESIGN.md names: a filter that
// admits only these admits the probes and not the clients.
var knownProbes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("168.63.129.16/32"),
	netip.MustParsePrefix("35.191.0.0/16"), netip.MustParsePrefix("130.211.0.0/22"),
}

// filterVerdict is what the host's packet filters do with clients' SYNs
// to the VIP's port.
type filterVerdict struct {
	drops  accept // acceptYes: they are dropped; acceptNo: admitted; acceptUnknown: not read, or not sure
	filter *hostfacts.Filter
	only   []string // the source ranges still admitted when clients are dropped
	why    string   // the rule or policy that drops them, as printed
	unsure bool     // the rules were read, and one slbdiag cannot fully read may decide
	// profilesUnread says Windows Firewall's rules drop them, and whether
	// the firewall is on was not read.
	profilesUnread bool
}

// clientsFiltered decides, from the filters read, whether a SYN from a
// client (an address no rule names) to vip:port is dropped. Windows
// Firewall with every profile off filters nothing; a filter not read is
// unknown.
func (v *hostView) clientsFiltered() filterVerdict {
	if v.fv != nil {
		return *v.fv
	}
	fv := v.decideFilters()
	v.fv = &fv
	return fv
}

func (v *hostView) decideFilters() filterVerdict {
	f := v.facts
	if f.OS == "windows" && f.FirewallRead && len(f.Firewall) > 0 && !slices.ContainsFunc(f.Firewall, func(p hostfacts.FirewallProfile) bool { return p.On != hostfacts.Disabled }) {
		return filterVerdict{drops: acceptNo}
	}
	if len(f.Filters) == 0 {
		return filterVerdict{drops: acceptUnknown}
	}
	inIf := ""
	if len(v.nics) == 1 {
		inIf = v.nics[0].Name
	}
	for i := range f.Filters {
		fl := &f.Filters[i]
		client := clientAddr(fl, v.probes, v.vip.Is4())
		switch out, why := fl.DecideWhy(hostfacts.SYN{Src: client, Dst: v.vip, Port: v.port, InIf: inIf}); out {
		case hostfacts.OutDrop:
			if fl.Kind == "windows-firewall" && !f.FirewallRead {
				// The rules drop them, if the firewall is on.
				return filterVerdict{drops: acceptUnknown, filter: fl, profilesUnread: true}
			}
			return filterVerdict{drops: acceptYes, filter: fl, only: admitted(fl, v, inIf), why: why}
		case hostfacts.OutAccept:
		default:
			return filterVerdict{drops: acceptUnknown, filter: fl, unsure: true}
		}
	}
	return filterVerdict{drops: acceptNo}
}

// clientAddr is an address of the VIP's family that no rule of fl and no
// probe range names: what a client on the Internet stands for.
func clientAddr(fl *hostfacts.Filter, probes []netip.Prefix, v4 bool) netip.Addr {
	cands := []string{"198.51.100.77", "203.0.113.77", "192.0.2.77", "8.8.4.4", "1.0.0.77"}
	if !v4 {
		cands = []string{"2001:db8:77::77", "2001:4860::77", "2606:4700::77"}
	}
	ranges := fl.Ranges()
	for _, c := range cands {
		a := netip.MustParseAddr(c)
		if !slices.ContainsFunc(ranges, func(r hostfacts.AddrRange) bool { return r.Contains(a) }) &&
			!slices.ContainsFunc(probes, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return a
		}
	}
	return netip.MustParseAddr(cands[0])
}

// admitted lists the source ranges named by the filter's rules whose
// SYNs it still admits: the probes' range, most often.
func admitted(fl *hostfacts.Filter, v *hostView, inIf string) []string {
	var out []string
	for _, r := range fl.Ranges() {
		if fl.Decide(hostfacts.SYN{Src: r.From, Dst: v.vip, Port: v.port, InIf: inIf}) == hostfacts.OutAccept && !slices.Contains(out, r.String()) {
			out = append(out, r.String())
		}
	}
	slices.Sort(out)
	return out
}

// filterFinding is a finding of client-traffic-filtered from the facts
// alone, or nil when the filters admit the clients or were not read.
func (v *hostView) filterEvidence() (analyze.Evidence, bool) {
	fv := v.clientsFiltered()
	if fv.drops != acceptYes {
		return analyze.Evidence{}, false
	}
	fact := &analyze.Fact{Setting: fv.filter.Kind, Command: fv.filter.Command, Line: fv.filter.Line, Ranges: fv.only, Value: fv.filter.Entry}
	fact.Rule = fv.why
	return analyze.Evidence{Kind: analyze.EvFactFilterDrops, Fact: fact}, true
}

// filterGap is the gap a verdict has when the filters were not read or
// not fully: whether SYNs to the VIP pass the host firewall. Windows with
// every profile off, or Linux and Windows with the rules read and
// understood, have none.
func (v *hostView) filterGap() (analyze.GapFact, bool) {
	switch fv := v.clientsFiltered(); {
	case fv.drops != acceptUnknown:
		return "", false
	case fv.profilesUnread:
		return analyze.GapFirewall, true
	case fv.unsure:
		return analyze.GapFilterUnsure, true
	}
	return analyze.GapFilterRules, true
}

// httpListenMissing says HTTP.sys's IP listen list leaves the VIP out:
// then nothing accepts TCP to the VIP on an HTTP.sys port.
func (v *hostView) httpListenMissing() accept {
	f := v.facts
	switch {
	case f.OS != "windows":
		return acceptNo
	case !f.IPListenRead:
		return acceptUnknown
	case len(f.IPListen) == 0:
		return acceptNo
	}
	for _, a := range f.IPListen {
		// 0.0.0.0 takes every IPv4 address, :: every IPv6 one.
		if a == v.vip || (a.IsUnspecified() && a.Is4() == v.vip.Unmap().Is4()) {
			return acceptNo
		}
	}
	return acceptYes
}

// otherHost says the facts are of another host than the capture's: the
// capture names host addresses, and none of them is an address of the
// facts. VIPs, which every backend holds, and loopback addresses tell
// nothing.
func otherHost(r *analyze.Result, facts *hostfacts.Facts) *analyze.FactsUse {
	use := &analyze.FactsUse{Source: facts.Source}
	vip := func(a netip.Addr) bool {
		if r.VIPs.Contains(a) {
			return true
		}
		for _, d := range r.Destinations {
			if d.Role.IsVIP() && d.Server.Addr() == a {
				return true
			}
		}
		return false
	}
	for _, ifc := range facts.Interfaces {
		for _, p := range ifc.Addrs {
			if a := p.Addr().Unmap(); !a.IsLoopback() && !a.IsLinkLocalUnicast() && !vip(a) && !ifc.Loopback {
				use.FactAddrs = append(use.FactAddrs, a)
			}
		}
	}
	add := func(a netip.Addr) {
		if a.IsValid() && !slices.Contains(use.CaptureHosts, a.Unmap()) {
			use.CaptureHosts = append(use.CaptureHosts, a.Unmap())
		}
	}
	add(r.CapturePoint.Host)
	for _, d := range r.Destinations {
		if d.Role == analyze.RoleHost {
			add(d.Server.Addr())
		}
	}
	for _, f := range r.Findings {
		add(f.HostAddr)
	}
	if len(use.CaptureHosts) == 0 || !facts.AddrsRead {
		return use
	}
	for _, a := range use.CaptureHosts {
		if facts.Owner(a) != nil {
			return use
		}
	}
	use.OtherHost = true
	return use
}
