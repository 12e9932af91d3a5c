package analyze

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/slbdiag/slbdiag/hostfacts"
)

// HostConfig is what the host's own configuration says about a finding:
// the interfaces its fix applies to, and the steps of the fix already
// done. A Finding has one only when host facts were given.
type HostConfig struct {
	Source string    // where the facts came from: "this host" or a file
	OS     string    // "windows" or "linux", from the facts
	NIC    HostIface // the interface the SYNs arrive on; zero if unknown or several
	// NICs are the interfaces the SYNs may arrive on: the one NIC, or
	// every candidate when the facts could not decide. NICBy says how.
	NICs     []HostIface
	NICBy    string
	Loopback HostIface // the loopback adapter that holds (or is to hold) the VIP; zero if none
	Site     string    // the IIS site to bind to the VIP, when the facts name it
	VIPOn    HostIface // the interface that holds the VIP; zero if none
	Done     FixDone
}

// FixDone is what of the usual fix the host's facts show already done.
type FixDone struct {
	VIPOnLoopback     bool // the VIP is on the loopback adapter
	VIPOnlyOnLoopback bool // no interface but a loopback holds the VIP
	NICWeakReceive    bool // weakhostreceive is enabled on every receiving NIC
	LoopbackWeakHost  bool // weakhostreceive and weakhostsend are enabled on the loopback adapter
	SiteBinding       bool // an IIS site takes the VIP's port (by address or All Unassigned)
	Certificate       bool // HTTP.sys has a certificate for TLS to the VIP
	FirewallOff       bool // every Windows Firewall profile is off
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
	// EvFactNotRead is a fact the finding's confidence needed and the
	// facts given do not hold: Fact.Setting is its GapFact.
	EvFactNotRead EvidenceKind = "host-fact-not-read"
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
		v := newHostView(facts, f.Server.Addr(), f.HostAddr, f.Server.Port(), r.ProbeNets)
		f.Host = v.config()
		if def := causeDefOf(f.Cause); def != nil && def.facts != nil {
			def.facts(f, v)
		}
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Confidence.rank(), b.Confidence.rank()); c != 0 {
			return c
		}
		return cmp.Compare(b.Attempts, a.Attempts)
	})
}

// receiveEvidence says where the VIP is and which NICs refuse it.
func receiveEvidence(f *Finding, v *hostView, refuse []*hostfacts.Interface) {
	switch {
	case v.owner == nil:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPNowhere, nil, "", ""))
	case v.owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnLoopback, v.owner, "", ""))
	default:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnOther, v.owner, "", ""))
	}
	if v.facts.OS != "windows" {
		return
	}
	for _, nic := range refuse {
		if nic.Model(v.vip).WeakHostReceive == hostfacts.Disabled {
			f.Evidence = append(f.Evidence, factEvidence(EvFactWeakRecvOff, nic, "weakhostreceive", "disabled"))
		}
	}
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

// tlsFacts: HTTP.sys without a certificate for the VIP confirms a
// missing binding.
func tlsFacts(f *Finding, v *hostView) {
	if v.facts.OS == "windows" && v.certMissing() == acceptYes {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoCertificate, Fact: &Fact{}})
		f.Confidence, f.Missing = High, nil
	}
}

// strongHostFacts: the VIP on no interface, or refused by the NIC the
// SYNs arrive on, confirms strong-host-receive; the VIP accepted (on the
// NIC itself, or on a loopback adapter with the weak host model set up)
// contradicts it and sends the search elsewhere. Facts not read change
// nothing.
func strongHostFacts(f *Finding, v *hostView) {
	if v.facts.AddrsRead {
		// The facts that tell the host model from a firewall were read.
		f.Missing = slices.DeleteFunc(f.Missing, func(k EvidenceKind) bool { return k == EvHostConfig })
	}
	notRead := func(g GapFact, ifc *hostfacts.Interface) {
		f.Evidence = append(f.Evidence, factEvidence(EvFactNotRead, ifc, string(g), ""))
	}
	if !v.facts.AddrsRead {
		notRead(GapAddresses, nil)
		return
	}
	no, unknown := v.split()
	switch {
	case v.owner == nil || len(no) > 0:
		receiveEvidence(f, v, no)
		if v.owner == nil || v.by != NICByCandidates || len(no) == len(v.nics) {
			f.Confidence, f.Missing = High, nil
		}
	case len(unknown) > 0:
		receiveEvidence(f, v, nil)
		for _, nic := range unknown {
			notRead(GapWeakReceive, nic)
		}
	case v.facts.OS != "windows" || (len(v.nics) == 1 && v.nics[0] == v.owner):
		k := EvFactVIPOnNIC
		if v.owner.Loopback {
			k = EvFactVIPOnLoopback
		}
		f.Evidence = append(f.Evidence, factEvidence(k, v.owner, "", ""))
		f.Confidence = Low
		elsewhere(f, v)
	case v.replyBlocked() == acceptYes:
		receiveEvidence(f, v, nil)
		f.Evidence = append(f.Evidence, factEvidence(EvFactWeakSendOff, v.owner, "weakhostsend", "disabled"))
	case v.replyBlocked() == acceptNo:
		receiveEvidence(f, v, nil)
		f.Evidence = append(f.Evidence, factEvidence(EvFactHostModelReady, v.owner, "", ""))
		f.Confidence = Low
		elsewhere(f, v)
	default:
		receiveEvidence(f, v, nil)
		notRead(GapWeakSend, v.owner)
	}
}

// elsewhere adds what the facts say of the other suspects once the host
// model is ruled out, or beside it: the listener or IIS and HTTP.sys
// bindings, and the firewall.
func elsewhere(f *Finding, v *hostView) {
	if v.facts.OS == "linux" {
		if v.listenerMissing() == acceptYes {
			f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
		}
		return
	}
	if v.siteMissing() == acceptYes {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoSiteBinding, Fact: &Fact{}})
	}
	if v.certMissing() == acceptYes {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoCertificate, Fact: &Fact{}})
	}
	for _, p := range v.facts.Firewall {
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
func arpFacts(f *Finding, v *hostView) {
	owner := v.owner
	switch {
	case owner == nil:
	case !owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(EvFactVIPOnOther, owner, "", ""))
		f.Confidence = High
	case v.facts.OS == "linux":
		eff := v.facts.ConfAll
		var nic *hostfacts.Interface
		if len(v.nics) == 1 {
			nic = v.nics[0]
			eff = v.facts.Effective(nic)
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
func listenerFacts(f *Finding, v *hostView) {
	switch {
	case v.facts.OS == "linux" && v.listenerMissing() == acceptYes:
		f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
		f.Confidence, f.Missing = High, nil
	case v.facts.OS == "windows" && v.siteMissing() == acceptYes:
		f.Evidence = append(f.Evidence, Evidence{Kind: EvFactNoSiteBinding, Fact: &Fact{}})
		f.Confidence, f.Missing = High, nil
	}
}
