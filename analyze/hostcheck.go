package analyze

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/hostfacts"
)

// HostCheck is what a host's facts alone predict for SYNs to a VIP.
type HostCheck struct {
	// Findings are what would go wrong, most certain first; none: nothing
	// read says SYNs to the VIP would be dropped or refused.
	Findings []Finding
	// Confidence is that of the verdict: of the first finding, or, with
	// none, high when every fact it rests on was read, medium when only
	// a secondary one (bindings, listeners, firewall) was not, low when
	// whether the host accepts the VIP, or can answer from it, was not
	// read (Unknown).
	Confidence Confidence
	// Unknown says the facts read cannot tell whether the host accepts
	// the VIP: Gaps names what to read.
	Unknown bool
	Host    *HostConfig
	Gaps    []HostGap
}

// HostGap is a fact a verdict needed and could not read.
type HostGap struct {
	Fact   GapFact
	Iface  HostIface // the interface it concerns, if one
	Needed bool      // whether the host accepts the VIP rests on it
}

// GapFact names a kind of fact not read.
type GapFact string

// Kinds of facts a verdict may lack.
const (
	GapAddresses    GapFact = "addresses"       // ipconfig /all, ip addr
	GapNIC          GapFact = "receiving-nic"   // no network interface up with an address of the VIP's family
	GapWeakReceive  GapFact = "weakhostreceive" // netsh interface ipv4 show interface N
	GapWeakSend     GapFact = "weakhostsend"
	GapSites        GapFact = "iis-bindings" // appcmd list site
	GapCertificates GapFact = "sslcert"      // netsh http show sslcert
	GapListeners    GapFact = "listeners"    // ss -ltn
	GapARP          GapFact = "arp-sysctls"  // sysctl -a
	GapFirewall     GapFact = "firewall"     // netsh advfirewall show allprofiles state
)

// CheckHost is what the facts alone predict for SYNs to vip:port, before
// any capture: the findings a capture would most likely show, with
// host-fact evidence only. probes are the subnets the load balancer's
// health probes come from, if known: they tell the receiving NIC of a
// host with several.
func CheckHost(facts *hostfacts.Facts, vip netip.Addr, port uint16, probes []netip.Prefix) HostCheck {
	v := newHostView(facts, vip, netip.Addr{}, port, probes)
	server := netip.AddrPortFrom(v.vip, port)
	hc := HostCheck{Host: v.config()}
	gap := func(g GapFact, ifc *hostfacts.Interface, needed bool) {
		hc.Gaps = append(hc.Gaps, HostGap{Fact: g, Iface: ifaceName(ifc), Needed: needed})
	}
	newFinding := func(c Cause, conf Confidence) Finding {
		return Finding{Cause: c, Server: server, Confidence: conf, Host: hc.Host}
	}
	no, unknown := v.split()
	windows := facts.OS == "windows"
	switch {
	case !facts.AddrsRead:
		gap(GapAddresses, nil, true)
	case len(v.nics) == 0 && v.owner != nil && windows:
		gap(GapNIC, nil, true)
	}
	for _, nic := range unknown {
		if facts.AddrsRead {
			gap(GapWeakReceive, nic, true)
		}
	}
	accepted := facts.AddrsRead && v.owner != nil && len(no) == 0 && len(unknown) == 0 && (len(v.nics) > 0 || !windows)
	switch {
	case facts.AddrsRead && (v.owner == nil || len(no) > 0):
		f := newFinding(StrongHostReceive, High)
		if v.owner != nil && v.by == NICByCandidates && len(no) < len(v.nics) {
			f.Confidence = Medium // the SYNs may arrive on a candidate that accepts them
		}
		receiveEvidence(&f, v, no)
		elsewhere(&f, v)
		hc.Findings = append(hc.Findings, f)
	case accepted:
		switch v.replyBlocked() {
		case acceptYes:
			f := newFinding(WeakHostSend, High)
			f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnLoopback, v.owner, "", ""),
				factEvidence(EvFactWeakSendOff, v.owner, "weakhostsend", "disabled"))
			hc.Findings = append(hc.Findings, f)
		case acceptUnknown:
			gap(GapWeakSend, v.owner, true)
		}
		hc.Findings = append(hc.Findings, serviceFindings(v, newFinding, gap)...)
	}
	arp := newFinding(VIPAnswersARP, Low)
	arpFacts(&arp, v)
	if arp.Confidence == High {
		hc.Findings = append(hc.Findings, arp)
	}
	if facts.OS == "linux" && v.owner != nil && v.owner.Loopback && !facts.SysctlRead {
		gap(GapARP, nil, false)
	}
	if windows && !facts.FirewallRead {
		gap(GapFirewall, nil, false)
	}
	slices.SortStableFunc(hc.Findings, func(a, b Finding) int { return cmp.Compare(a.Confidence.rank(), b.Confidence.rank()) })
	needed := slices.ContainsFunc(hc.Gaps, func(g HostGap) bool { return g.Needed })
	switch {
	case len(hc.Findings) > 0:
		hc.Confidence = hc.Findings[0].Confidence
	case !accepted || needed:
		hc.Confidence, hc.Unknown = Low, true
	case len(hc.Gaps) > 0:
		hc.Confidence = Medium
	default:
		hc.Confidence = High
	}
	return hc
}

// serviceFindings are what stops an accepted SYN from being answered: no
// site or socket for the VIP, or (beside the handshake) no certificate.
func serviceFindings(v *hostView, newFinding func(Cause, Confidence) Finding, gap func(GapFact, *hostfacts.Interface, bool)) []Finding {
	var fs []Finding
	if v.facts.OS == "linux" {
		switch v.listenerMissing() {
		case acceptYes:
			f := newFinding(NoListenerOnVIP, High)
			f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
			fs = append(fs, f)
		case acceptUnknown:
			gap(GapListeners, nil, false)
		}
		return fs
	}
	switch v.siteMissing() {
	case acceptYes:
		f := newFinding(NoListenerOnVIP, High)
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoSiteBinding, Fact: &Fact{}})
		fs = append(fs, f)
	case acceptUnknown:
		gap(GapSites, nil, false)
	}
	switch v.certMissing() {
	case acceptYes:
		f := newFinding(TLSBindingMissing, High)
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoCertificate, Fact: &Fact{}})
		fs = append(fs, f)
	case acceptUnknown:
		gap(GapCertificates, nil, false)
	}
	return fs
}
