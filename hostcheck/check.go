package hostcheck

import (
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Verdict is what a host's facts alone predict for SYNs to a VIP.
type Verdict struct {
	// Findings are what would go wrong, most certain first; none: nothing
	// read says SYNs to the VIP would be dropped or refused.
	Findings []analyze.Finding
	// Confidence is that of the verdict: of the first finding, or, with
	// none, high when every fact it rests on was read, medium when only
	// a secondary one (bindings, listeners, firewall) was not, low when
	// whether the host accepts the VIP, or can answer from it, was not
	// read (Unknown).
	Confidence analyze.Confidence
	// Unknown says the facts read cannot tell whether the host accepts
	// the VIP: Gaps names what to read.
	Unknown bool
	Host    *analyze.HostConfig
	Gaps    []Gap
}

// Gap is a fact a verdict needed and could not read.
type Gap struct {
	Fact   analyze.GapFact
	Iface  analyze.HostIface // the interface it concerns, if one
	Needed bool              // whether the host accepts the VIP rests on it
	OS     string            // the host's, for the command that reads it
}

// Check is what the facts alone predict for SYNs to vip:port, before
// any capture: the findings a capture would most likely show, with
// host-fact evidence only. probes are the subnets the load balancer's
// health probes come from, if known: they tell the receiving NIC of a
// host with several.
func Check(facts *hostfacts.Facts, vip netip.Addr, port uint16, probes []netip.Prefix) Verdict {
	v := newHostView(facts, vip, netip.Addr{}, port, probes)
	server := netip.AddrPortFrom(v.vip, port)
	hc := Verdict{Host: v.config()}
	gap := func(g analyze.GapFact, ifc *hostfacts.Interface, needed bool) {
		hc.Gaps = append(hc.Gaps, Gap{Fact: g, Iface: ifaceName(ifc), Needed: needed, OS: facts.OS})
	}
	newFinding := func(c analyze.Cause, conf analyze.Confidence) analyze.Finding {
		return analyze.Finding{Cause: c, Server: server, Confidence: conf, Host: hc.Host}
	}
	no, unknown := v.split()
	windows := facts.OS == "windows"
	switch {
	case !facts.AddrsRead:
		gap(analyze.GapAddresses, nil, true)
	case len(v.nics) == 0 && v.owner != nil && windows:
		gap(analyze.GapNIC, nil, true)
	}
	for _, nic := range unknown {
		if facts.AddrsRead {
			gap(analyze.GapWeakReceive, nic, true)
		}
	}
	accepted := facts.AddrsRead && v.owner != nil && len(no) == 0 && len(unknown) == 0 && (len(v.nics) > 0 || !windows)
	switch {
	case facts.AddrsRead && (v.owner == nil || len(no) > 0):
		f := newFinding(analyze.StrongHostReceive, analyze.High)
		if v.owner != nil && v.by == analyze.NICByCandidates && len(no) < len(v.nics) {
			f.Confidence = analyze.Medium // the SYNs may arrive on a candidate that accepts them
		}
		receiveEvidence(&f, v, no)
		elsewhere(&f, v)
		hc.Findings = append(hc.Findings, f)
	case accepted:
		switch v.replyBlocked() {
		case acceptYes:
			f := newFinding(analyze.WeakHostSend, analyze.High)
			f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPOnLoopback, v.owner, "", ""),
				factEvidence(analyze.EvFactWeakSendOff, v.owner, "weakhostsend", "disabled"))
			hc.Findings = append(hc.Findings, f)
		case acceptUnknown:
			gap(analyze.GapWeakSend, v.owner, true)
		}
		hc.Findings = append(hc.Findings, serviceFindings(v, newFinding, gap)...)
	}
	arp := newFinding(analyze.VIPAnswersARP, analyze.Low)
	arpFacts(&arp, v)
	if arp.Confidence == analyze.High {
		hc.Findings = append(hc.Findings, arp)
	}
	if facts.OS == "linux" && v.owner != nil && v.owner.Loopback && !facts.SysctlRead {
		gap(analyze.GapARP, nil, false)
	}
	if accepted {
		filterChecks(v, &hc, newFinding, gap)
	}
	analyze.SortFindings(hc.Findings) // no attempts: by confidence alone
	needed := slices.ContainsFunc(hc.Gaps, func(g Gap) bool { return g.Needed })
	switch {
	case len(hc.Findings) > 0:
		hc.Confidence = hc.Findings[0].Confidence
	case !accepted || needed:
		hc.Confidence, hc.Unknown = analyze.Low, true
	case len(hc.Gaps) > 0:
		hc.Confidence = analyze.Medium
	default:
		hc.Confidence = analyze.High
	}
	return hc
}

// serviceFindings are what stops an accepted SYN from being answered: no
// site or socket for the VIP, or (beside the handshake) no certificate.
func serviceFindings(v *hostView, newFinding func(analyze.Cause, analyze.Confidence) analyze.Finding, gap func(analyze.GapFact, *hostfacts.Interface, bool)) []analyze.Finding {
	var fs []analyze.Finding
	if v.facts.OS == "linux" {
		switch v.listenerMissing() {
		case acceptYes:
			f := newFinding(analyze.NoListenerOnVIP, analyze.High)
			f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
			fs = append(fs, f)
		case acceptUnknown:
			gap(analyze.GapListeners, nil, false)
		}
		return fs
	}
	switch v.siteMissing() {
	case acceptYes:
		f := newFinding(analyze.NoListenerOnVIP, analyze.High)
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoSiteBinding, Fact: &analyze.Fact{}})
		fs = append(fs, f)
	case acceptUnknown:
		gap(analyze.GapSites, nil, false)
	}
	switch v.certMissing() {
	case acceptYes:
		f := newFinding(analyze.TLSBindingMissing, analyze.High)
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoCertificate, Fact: &analyze.Fact{}})
		fs = append(fs, f)
	case acceptUnknown:
		gap(analyze.GapCertificates, nil, false)
	}
	return fs
}

// filterChecks adds what stands between an accepted SYN and the service
// beside the host model: a packet filter that drops the clients, or
// HTTP.sys listening on other addresses only; and, as gaps, those of
// them not read, so that OK is high only when every place that could
// drop the SYNs was read.
func filterChecks(v *hostView, hc *Verdict, newFinding func(analyze.Cause, analyze.Confidence) analyze.Finding, gap func(analyze.GapFact, *hostfacts.Interface, bool)) {
	if e, ok := v.filterEvidence(); ok {
		f := newFinding(analyze.ClientsFiltered, analyze.High)
		f.Evidence = append(f.Evidence, e)
		hc.Findings = append(hc.Findings, f)
	} else if g, ok := v.filterGap(); ok {
		if g == analyze.GapFilterRules && v.facts.OS == "windows" && !v.facts.FirewallRead && !slices.ContainsFunc(hc.Gaps, func(x Gap) bool { return x.Fact == analyze.GapFirewall }) {
			gap(analyze.GapFirewall, nil, false)
		}
		gap(g, nil, false)
	}
	switch v.httpListenMissing() {
	case acceptYes:
		f := newFinding(analyze.NoListenerOnVIP, analyze.High)
		f.Evidence = append(f.Evidence, httpListenEvidence(v.facts))
		hc.Findings = append(hc.Findings, f)
	case acceptUnknown:
		if v.https() || v.facts.SitesRead {
			gap(analyze.GapIPListen, nil, false)
		}
	}
}

func httpListenEvidence(f *hostfacts.Facts) analyze.Evidence {
	fact := &analyze.Fact{}
	for _, a := range f.IPListen {
		fact.Ranges = append(fact.Ranges, a.String())
	}
	return analyze.Evidence{Kind: analyze.EvFactHTTPListenOnly, Fact: fact}
}
