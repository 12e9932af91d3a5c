package analyze

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/slbdiag/slbdiag/hostfacts"
)

// HostConfig is what the host's own configuration says about a finding:
// the interfaces its fix applies to. A Finding has one only when host
// facts were given.
type HostConfig struct {
	Source   string    // where the facts came from: "this host" or a file
	OS       string    // "windows" or "linux", from the facts
	NIC      HostIface // the interface the SYNs arrive on; zero if unknown
	Loopback HostIface // the loopback adapter that holds (or is to hold) the VIP; zero if none
}

// HostIface names one interface of the host.
type HostIface struct {
	Index int
	Name  string
}

// IsZero reports whether the interface is unknown.
func (h HostIface) IsZero() bool { return h == HostIface{} }

// Fact is the detail of a host-fact piece of evidence: which interface,
// which setting, which value.
type Fact struct {
	Iface     HostIface
	Setting   string           // "weakhostreceive", "arp_ignore", …
	Value     string           // "disabled", "0", …
	Listeners []netip.AddrPort // what listens on the port instead, for EvFactNoListener
}

// Kinds of evidence read from the host's configuration rather than seen in
// the capture. Their Fact field says what was read.
const (
	EvFactVIPNowhere     EvidenceKind = "host-fact-vip-on-no-interface"
	EvFactVIPOnLoopback  EvidenceKind = "host-fact-vip-on-loopback"
	EvFactVIPOnNIC       EvidenceKind = "host-fact-vip-on-nic"       // on the interface the SYNs arrive on
	EvFactVIPOnOther     EvidenceKind = "host-fact-vip-on-other-nic" // on another network interface
	EvFactWeakRecvOff    EvidenceKind = "host-fact-weakhostreceive-disabled"
	EvFactWeakSendOff    EvidenceKind = "host-fact-weakhostsend-disabled"
	EvFactHostModelReady EvidenceKind = "host-fact-weak-host-configured" // VIP on loopback, both flags enabled
	EvFactNoSiteBinding  EvidenceKind = "host-fact-no-iis-binding"
	EvFactNoCertificate  EvidenceKind = "host-fact-no-sslcert"
	EvFactFirewallOn     EvidenceKind = "host-fact-firewall-on"
	EvFactARPIgnore      EvidenceKind = "host-fact-arp-ignore"
	EvFactARPAnnounce    EvidenceKind = "host-fact-arp-announce"
	EvFactNoListener     EvidenceKind = "host-fact-no-listener-on-vip"
)

// ApplyFacts lets the host's own configuration confirm, refine or
// contradict the findings of a capture of that host: it adds host-fact
// evidence, sets the confidence the facts warrant and names the
// interfaces the fix applies to. Without facts it changes nothing.
func ApplyFacts(r *Result, facts *hostfacts.Facts) {
	if facts == nil || facts.OS == "" {
		return
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		switch f.Cause {
		case StrongHostReceive:
			strongHostFacts(f, facts)
		case VIPAnswersARP:
			arpFacts(f, facts)
		case NoListenerOnVIP:
			listenerFacts(f, facts)
		}
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Confidence.rank(), b.Confidence.rank()); c != 0 {
			return c
		}
		return cmp.Compare(b.Attempts, a.Attempts)
	})
}

// CheckHost is what the facts alone predict for SYNs to vip:port, before
// any capture: the findings a capture would most likely show, with
// host-fact evidence only. None means the configuration looks right.
func CheckHost(facts *hostfacts.Facts, vip netip.Addr, port uint16) []Finding {
	server := netip.AddrPortFrom(vip.Unmap(), port)
	var fs []Finding
	shr := Finding{Cause: StrongHostReceive, Server: server, Confidence: High}
	strongHostFacts(&shr, facts)
	if shr.Confidence != Low {
		fs = append(fs, shr)
	}
	if owner := facts.Owner(vip); owner != nil && (shr.Confidence == Low || facts.OS == "linux") {
		// The VIP is accepted: what is left is whether anything answers
		// on it, and whether the host gives it away by ARP.
		nl := Finding{Cause: NoListenerOnVIP, Server: server, Confidence: Low}
		listenerFacts(&nl, facts)
		if nl.Confidence == High {
			fs = append(fs, nl)
		}
	}
	arp := Finding{Cause: VIPAnswersARP, Server: server, Confidence: Low}
	arpFacts(&arp, facts)
	if arp.Confidence == High {
		fs = append(fs, arp)
	}
	return fs
}

// hostConfig names the NIC and the loopback adapter for f.
func hostConfig(f *Finding, facts *hostfacts.Facts) (*HostConfig, *hostfacts.Interface, *hostfacts.Interface) {
	nic := nicOf(facts, f.HostAddr, f.Server.Addr())
	owner := facts.Owner(f.Server.Addr())
	var loop *hostfacts.Interface
	switch lbs := facts.LoopbackAdapters(); {
	case owner != nil && owner.Loopback:
		loop = owner
	case len(lbs) > 0 && facts.OS == "windows":
		loop = lbs[0]
	}
	hc := &HostConfig{Source: facts.Source, OS: facts.OS, NIC: ifaceName(nic), Loopback: ifaceName(loop)}
	return hc, nic, loop
}

// nicOf is the interface the SYNs arrive on: the one that holds the host
// address the capture matched, else the only network interface with an
// address of the VIP's family.
func nicOf(facts *hostfacts.Facts, host, vip netip.Addr) *hostfacts.Interface {
	if host.IsValid() {
		if ifc := facts.Owner(host); ifc != nil {
			return ifc
		}
	}
	var found *hostfacts.Interface
	for i := range facts.Interfaces {
		ifc := &facts.Interfaces[i]
		if ifc.Loopback || !hasFamily(ifc, vip) {
			continue
		}
		if found != nil {
			return nil // several: the capture must say which
		}
		found = ifc
	}
	return found
}

func hasFamily(ifc *hostfacts.Interface, vip netip.Addr) bool {
	for _, p := range ifc.Addrs {
		if a := p.Addr(); a.Unmap().Is4() == vip.Unmap().Is4() && !a.IsLinkLocalUnicast() && a != vip {
			return true
		}
	}
	return false
}

func ifaceName(ifc *hostfacts.Interface) HostIface {
	if ifc == nil {
		return HostIface{}
	}
	return HostIface{Index: ifc.Index, Name: ifc.Name}
}

func factEvidence(k EvidenceKind, ifc *hostfacts.Interface, setting, value string) Evidence {
	return Evidence{Kind: k, Fact: &Fact{Iface: ifaceName(ifc), Setting: setting, Value: value}}
}

// strongHostFacts: the VIP on no interface confirms strong-host-receive;
// the VIP on a loopback adapter with the weak host model set up, or on
// the NIC itself, contradicts it and sends the search elsewhere.
func strongHostFacts(f *Finding, facts *hostfacts.Facts) {
	hc, nic, loop := hostConfig(f, facts)
	f.Host = hc
	vip, port := f.Server.Addr(), f.Server.Port()
	owner := facts.Owner(vip)
	recvOff := nic != nil && nic.Model(vip).WeakHostReceive == hostfacts.Disabled
	windows := facts.OS == "windows"
	switch {
	case owner == nil:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPNowhere, nil, "", ""))
		if windows && recvOff {
			f.Evidence = append(f.Evidence, factEvidence(EvFactWeakRecvOff, nic, "weakhostreceive", "disabled"))
		}
		f.Confidence, f.Missing = High, nil
	case owner == nic || (!owner.Loopback && !windows):
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnNIC, owner, "", ""))
		f.Confidence = Low
	case !owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnOther, owner, "", ""))
		if recvOff {
			f.Evidence = append(f.Evidence, factEvidence(EvFactWeakRecvOff, nic, "weakhostreceive", "disabled"))
			f.Confidence, f.Missing = High, nil
		}
	case !windows:
		// Linux accepts a packet for any local address on any interface.
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnLoopback, owner, "", ""))
		f.Confidence = Low
		elsewhere(f, facts, vip, port)
	default:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnLoopback, owner, "", ""))
		sendOff := loop.Model(vip).WeakHostSend == hostfacts.Disabled
		if recvOff {
			f.Evidence = append(f.Evidence, factEvidence(EvFactWeakRecvOff, nic, "weakhostreceive", "disabled"))
		}
		if sendOff {
			f.Evidence = append(f.Evidence, factEvidence(EvFactWeakSendOff, loop, "weakhostsend", "disabled"))
		}
		recvOn := nic != nil && nic.Model(vip).WeakHostReceive == hostfacts.Enabled
		switch {
		case recvOff:
			f.Confidence, f.Missing = High, nil
		case recvOn && !sendOff:
			f.Evidence = append(f.Evidence, factEvidence(EvFactHostModelReady, loop, "", ""))
			f.Confidence = Low
			elsewhere(f, facts, vip, port)
		}
	}
}

// elsewhere adds what the facts say of the other suspects once the host
// model is ruled out: the listener or IIS and HTTP.sys bindings, and the
// firewall.
func elsewhere(f *Finding, facts *hostfacts.Facts, vip netip.Addr, port uint16) {
	if facts.OS == "linux" {
		if facts.ListenersRead && !facts.ListensOn(vip, port) {
			f.Evidence = append(f.Evidence, noListener(facts, port))
		}
		return
	}
	if len(facts.Sites) > 0 && facts.SiteFor(vip, port) == nil {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoSiteBinding, Fact: &Fact{}})
	}
	if facts.SSLBindings != nil && !facts.SSLCovers(netip.AddrPortFrom(vip, port), "") {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoCertificate, Fact: &Fact{}})
	}
	for _, p := range facts.Firewall {
		if p.On == hostfacts.Enabled {
			f.Evidence = append(f.Evidence, Evidence{Kind: EvFactFirewallOn, Fact: &Fact{Setting: "profile", Value: p.Name}})
		}
	}
}

func noListener(facts *hostfacts.Facts, port uint16) Evidence {
	fact := &Fact{}
	for _, l := range facts.Listeners {
		if l.Port() == port {
			fact.Listeners = append(fact.Listeners, l)
		}
	}
	return Evidence{Kind: EvFactNoListener, Fact: fact}
}

// arpFacts: on Linux the VIP on lo answers ARP on every interface unless
// arp_ignore is 1 or more; on Windows a VIP on a network adapter (not a
// loopback adapter) is answered for.
func arpFacts(f *Finding, facts *hostfacts.Facts) {
	hc, nic, _ := hostConfig(f, facts)
	f.Host = hc
	owner := facts.Owner(f.Server.Addr())
	switch {
	case owner == nil:
	case !owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnOther, owner, "", ""))
		f.Confidence = High
	case facts.OS == "linux":
		eff := facts.ConfAll
		if nic != nil {
			eff = facts.Effective(nic)
		}
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnLoopback, owner, "", ""))
		if eff.ARPIgnore == 0 {
			f.Evidence = append(f.Evidence, factEvidence(EvFactARPIgnore, nic, "arp_ignore", "0"))
			f.Confidence = High
		}
		if eff.ARPAnnounce >= 0 && eff.ARPAnnounce < 2 {
			f.Evidence = append(f.Evidence, factEvidence(EvFactARPAnnounce, nic, "arp_announce", strconv.Itoa(eff.ARPAnnounce)))
			f.Confidence = High
		}
	}
}

// listenerFacts: no socket bound to the VIP or to all addresses (Linux),
// or no IIS binding for it (Windows), confirms no-listener-on-vip.
func listenerFacts(f *Finding, facts *hostfacts.Facts) {
	hc, _, _ := hostConfig(f, facts)
	f.Host = hc
	vip, port := f.Server.Addr(), f.Server.Port()
	switch {
	case facts.OS == "linux" && facts.ListenersRead && !facts.ListensOn(vip, port):
		f.Evidence = append(f.Evidence, noListener(facts, port))
		f.Confidence, f.Missing = High, nil
	case facts.OS == "windows" && len(facts.Sites) > 0 && facts.SiteFor(vip, port) == nil:
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoSiteBinding, Fact: &Fact{}})
		f.Confidence, f.Missing = High, nil
	}
}
