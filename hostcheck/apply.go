package hostcheck

import (
	"slices"
	"strconv"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Apply lets the host's own configuration confirm, refine or contradict
// the findings of a capture of that host: it adds host-fact evidence,
// sets the confidence the facts warrant and names the interfaces the fix
// applies to. Without facts it changes nothing.
func Apply(r *analyze.Result, facts *hostfacts.Facts) {
	if facts == nil || facts.OS == "" {
		return
	}
	if r.HostFacts = otherHost(r, facts); r.HostFacts.OtherHost {
		return // another host's facts say nothing of this one
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		v := newHostView(facts, f.Server.Addr(), f.HostAddr, f.Server.Port(), r.ProbeNets)
		f.Host = v.config()
		if check := factChecks[f.Cause.FactCheck()]; check != nil {
			check(f, v)
		}
		recause(f, v)
	}
	analyze.SortFindings(r.Findings)
}

// factChecks are the host-facts checks a cause names (see
// analyze.FactCheck), each confirming or ruling out its findings with the
// host's configuration; a cause that names FactsNone is one the facts
// slbdiag reads say nothing of.
var factChecks = map[analyze.FactCheck]func(f *analyze.Finding, v *hostView){
	analyze.FactsHostModel:   strongHostFacts,
	analyze.FactsListener:    listenerFacts,
	analyze.FactsCertificate: tlsFacts,
	analyze.FactsARP:         arpFacts,
}

// receiveEvidence says where the VIP is and which NICs refuse it.
func receiveEvidence(f *analyze.Finding, v *hostView, refuse []*hostfacts.Interface) {
	switch {
	case v.owner == nil:
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPNowhere, nil, "", ""))
	case v.owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPOnLoopback, v.owner, "", ""))
	default:
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPOnOther, v.owner, "", ""))
	}
	if v.facts.OS != "windows" {
		return
	}
	for _, nic := range refuse {
		if nic.Model(v.vip).WeakHostReceive == hostfacts.Disabled {
			f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactWeakRecvOff, nic, "weakhostreceive", "disabled"))
		}
	}
}

func ifaceName(ifc *hostfacts.Interface) analyze.HostIface {
	if ifc == nil {
		return analyze.HostIface{}
	}
	return analyze.HostIface{Index: ifc.Index, Name: ifc.Name}
}

func factEvidence(k analyze.EvidenceKind, ifc *hostfacts.Interface, setting, value string) analyze.Evidence {
	return analyze.Evidence{Kind: k, Fact: &analyze.Fact{Iface: ifaceName(ifc), Setting: setting, Value: value}}
}

// tlsFacts: HTTP.sys without a certificate for the VIP confirms a
// missing binding.
func tlsFacts(f *analyze.Finding, v *hostView) {
	if v.facts.OS == "windows" && v.certMissing() == acceptYes {
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoCertificate, Fact: &analyze.Fact{}})
		f.Confidence, f.Missing = analyze.High, nil
	}
}

// strongHostFacts: the VIP on no interface, or refused by the NIC the
// SYNs arrive on, confirms strong-host-receive; the VIP accepted (on the
// NIC itself, or on a loopback adapter with the weak host model set up)
// contradicts it and sends the search elsewhere. Facts not read change
// nothing.
func strongHostFacts(f *analyze.Finding, v *hostView) {
	if v.facts.AddrsRead {
		// The facts that tell the host model from a firewall were read.
		f.Missing = slices.DeleteFunc(f.Missing, func(k analyze.EvidenceKind) bool { return k == analyze.EvHostConfig })
	}
	notRead := func(g analyze.GapFact, ifc *hostfacts.Interface) {
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactNotRead, ifc, string(g), ""))
	}
	if !v.facts.AddrsRead {
		notRead(analyze.GapAddresses, nil)
		return
	}
	no, unknown := v.split()
	switch {
	case v.owner == nil || len(no) > 0:
		receiveEvidence(f, v, no)
		if v.owner == nil || v.by != analyze.NICByCandidates || len(no) == len(v.nics) {
			f.Confidence, f.Missing = analyze.High, nil
		}
	case len(unknown) > 0:
		receiveEvidence(f, v, nil)
		for _, nic := range unknown {
			notRead(analyze.GapWeakReceive, nic)
		}
	case v.facts.OS != "windows" || (len(v.nics) == 1 && v.nics[0] == v.owner):
		k := analyze.EvFactVIPOnNIC
		if v.owner.Loopback {
			k = analyze.EvFactVIPOnLoopback
		}
		f.Evidence = append(f.Evidence, factEvidence(k, v.owner, "", ""))
		f.Confidence = analyze.Low
		elsewhere(f, v)
	case v.replyBlocked() == acceptYes:
		receiveEvidence(f, v, nil)
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactWeakSendOff, v.owner, "weakhostsend", "disabled"))
	case v.replyBlocked() == acceptNo:
		receiveEvidence(f, v, nil)
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactHostModelReady, v.owner, "", ""))
		f.Confidence = analyze.Low
		elsewhere(f, v)
	default:
		receiveEvidence(f, v, nil)
		notRead(analyze.GapWeakSend, v.owner)
	}
}

// elsewhere adds what the facts say of the other suspects once the host
// model is ruled out, or beside it: the listener or IIS and HTTP.sys
// bindings, and the firewall.
func elsewhere(f *analyze.Finding, v *hostView) {
	if v.facts.OS == "linux" {
		if v.listenerMissing() == acceptYes {
			f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
		}
		return
	}
	if v.httpListenMissing() == acceptYes && !hasKind(f, analyze.EvFactHTTPListenOnly) {
		f.Evidence = append(f.Evidence, httpListenEvidence(v.facts))
	}
	if v.siteMissing() == acceptYes {
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoSiteBinding, Fact: &analyze.Fact{}})
	}
	if v.certMissing() == acceptYes {
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoCertificate, Fact: &analyze.Fact{}})
	}
	for _, p := range v.facts.Firewall {
		if p.On == hostfacts.Enabled {
			f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactFirewallOn, Fact: &analyze.Fact{Setting: "profile", Value: p.Name}})
		}
	}
}

func noListener(facts *hostfacts.Facts, port uint16) analyze.Evidence {
	fact := &analyze.Fact{}
	for _, l := range facts.Listeners {
		if l.Port() == port {
			fact.Listeners = append(fact.Listeners, l)
		}
	}
	return analyze.Evidence{Kind: analyze.EvFactNoListener, Fact: fact}
}

// arpFacts: on Linux the VIP on lo answers ARP on every interface unless
// arp_ignore is 1 or more; on Windows a VIP on a network adapter (not a
// loopback adapter) is answered for.
func arpFacts(f *analyze.Finding, v *hostView) {
	owner := v.owner
	switch {
	case owner == nil:
	case !owner.Loopback:
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPOnOther, owner, "", ""))
		f.Confidence = analyze.High
	case v.facts.OS == "linux":
		eff := v.facts.ConfAll
		var nic *hostfacts.Interface
		if len(v.nics) == 1 {
			nic = v.nics[0]
			eff = v.facts.Effective(nic)
		}
		f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactVIPOnLoopback, owner, "", ""))
		if eff.ARPIgnore == 0 {
			f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactARPIgnore, nic, "arp_ignore", "0"))
			f.Confidence = analyze.High
		}
		if eff.ARPAnnounce >= 0 && eff.ARPAnnounce < 2 {
			f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactARPAnnounce, nic, "arp_announce", strconv.Itoa(eff.ARPAnnounce)))
			f.Confidence = analyze.High
		}
	}
}

// listenerFacts: no socket bound to the VIP or to all addresses (Linux),
// or no IIS binding for it (Windows), confirms no-listener-on-vip.
func listenerFacts(f *analyze.Finding, v *hostView) {
	switch {
	case v.facts.OS == "linux" && v.listenerMissing() == acceptYes:
		f.Evidence = append(f.Evidence, noListener(v.facts, v.port))
		f.Confidence, f.Missing = analyze.High, nil
	case v.facts.OS == "windows" && v.httpListenMissing() == acceptYes:
		if !hasKind(f, analyze.EvFactHTTPListenOnly) {
			f.Evidence = append(f.Evidence, httpListenEvidence(v.facts))
		}
		f.Confidence, f.Missing = analyze.High, nil
	case v.facts.OS == "windows" && v.siteMissing() == acceptYes:
		f.Evidence = append(f.Evidence, analyze.Evidence{Kind: analyze.EvFactNoSiteBinding, Fact: &analyze.Fact{}})
		f.Confidence, f.Missing = analyze.High, nil
	}
}
