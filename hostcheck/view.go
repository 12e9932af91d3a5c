package hostcheck

import (
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// accept is whether an interface accepts packets to the VIP.
type accept int

const (
	acceptUnknown accept = iota
	acceptNo
	acceptYes
)

// hostView is what one host's facts say of SYNs to vip:port: which
// interface holds the VIP, which NIC the SYNs arrive on, whether it
// accepts them, and what the verdict needed and could not read. Both
// Check (facts alone) and Apply (facts with a capture) decide
// from it, so the two agree on the same facts.
type hostView struct {
	facts *hostfacts.Facts
	vip   netip.Addr
	port  uint16
	owner *hostfacts.Interface   // holds the VIP; nil if none or addresses not read
	nics  []*hostfacts.Interface // the receiving NIC, or every candidate
	by    string                 // how nics was decided
	loop  *hostfacts.Interface   // the loopback adapter that holds, or is to hold, the VIP
	// probes are the health probes' ranges, known and given.
	probes []netip.Prefix
	fv     *filterVerdict // clientsFiltered's answer, once asked
}

func newHostView(facts *hostfacts.Facts, vip, hostAddr netip.Addr, port uint16, probes []netip.Prefix) *hostView {
	v := &hostView{facts: facts, vip: vip.Unmap(), port: port, probes: append(slices.Clone(knownProbes), probes...)}
	v.owner = facts.Owner(v.vip)
	v.nics, v.by = receivingNICs(facts, v.vip, hostAddr, probes)
	switch lbs := facts.LoopbackAdapters(); {
	case v.owner != nil && v.owner.Loopback:
		v.loop = v.owner
	case len(lbs) > 0 && facts.OS == "windows":
		v.loop = lbs[0]
	}
	return v
}

// receivingNICs decides the interface the SYNs arrive on: from the
// capture when there is one, else the only candidate, else the one on the
// probes' subnet, else the one with the default gateway; failing all,
// every candidate. A candidate is a network interface that is up, is no
// loopback or software interface, and has an address of the VIP's family.
func receivingNICs(facts *hostfacts.Facts, vip, hostAddr netip.Addr, probes []netip.Prefix) ([]*hostfacts.Interface, string) {
	if hostAddr.IsValid() {
		if ifc := facts.Owner(hostAddr); ifc != nil && !ifc.Software {
			return []*hostfacts.Interface{ifc}, analyze.NICByCapture
		}
	}
	var cands []*hostfacts.Interface
	for i := range facts.Interfaces {
		if ifc := &facts.Interfaces[i]; !ifc.Loopback && !ifc.Software && !ifc.Down && hasFamily(ifc, vip) {
			cands = append(cands, ifc)
		}
	}
	switch len(cands) {
	case 0:
		return nil, ""
	case 1:
		return cands, analyze.NICByOnly
	}
	if on := filter(cands, func(ifc *hostfacts.Interface) bool { return onSubnet(ifc, probes) }); len(on) == 1 {
		return on, analyze.NICByProbeSubnet
	}
	if gw := filter(cands, func(ifc *hostfacts.Interface) bool { return ifc.Gateway }); len(gw) == 1 && facts.RoutesRead {
		return gw, analyze.NICByRoute
	}
	return cands, analyze.NICByCandidates
}

func filter(ifs []*hostfacts.Interface, keep func(*hostfacts.Interface) bool) []*hostfacts.Interface {
	var out []*hostfacts.Interface
	for _, ifc := range ifs {
		if keep(ifc) {
			out = append(out, ifc)
		}
	}
	return out
}

// onSubnet reports whether one of ifc's subnets overlaps a probe range.
func onSubnet(ifc *hostfacts.Interface, probes []netip.Prefix) bool {
	for _, a := range ifc.Addrs {
		for _, p := range probes {
			if a.Bits() < a.Addr().BitLen() && a.Masked().Overlaps(p) {
				return true
			}
		}
	}
	return false
}

func hasFamily(ifc *hostfacts.Interface, vip netip.Addr) bool {
	for _, p := range ifc.Addrs {
		if a := p.Addr(); a.Unmap().Is4() == vip.Unmap().Is4() && !a.IsLinkLocalUnicast() && a != vip {
			return true
		}
	}
	return false
}

// accepts says whether nic takes packets to the VIP: Linux takes any
// local address on any interface; Windows' strong host model only the
// NIC's own, unless weakhostreceive is enabled on it.
func (v *hostView) accepts(nic *hostfacts.Interface) accept {
	switch {
	case !v.facts.AddrsRead:
		return acceptUnknown
	case v.owner == nil:
		return acceptNo
	case v.owner == nic || v.facts.OS != "windows":
		return acceptYes
	}
	switch nic.Model(v.vip).WeakHostReceive {
	case hostfacts.Enabled:
		return acceptYes
	case hostfacts.Disabled:
		return acceptNo
	}
	return acceptUnknown
}

// split sorts the receiving NICs by whether they accept the VIP.
func (v *hostView) split() (no, unknown []*hostfacts.Interface) {
	for _, nic := range v.nics {
		switch v.accepts(nic) {
		case acceptNo:
			no = append(no, nic)
		case acceptUnknown:
			unknown = append(unknown, nic)
		}
	}
	return no, unknown
}

// replyBlocked says whether replies from the VIP cannot leave: on Windows
// the VIP on another interface than the NIC needs weakhostsend on the
// interface that holds it. Unknown when that was not read.
func (v *hostView) replyBlocked() accept {
	if v.facts.OS != "windows" || v.owner == nil || (len(v.nics) == 1 && v.nics[0] == v.owner) {
		return acceptNo
	}
	switch v.owner.Model(v.vip).WeakHostSend {
	case hostfacts.Enabled:
		return acceptNo
	case hostfacts.Disabled:
		return acceptYes
	}
	return acceptUnknown
}

// siteMissing says no IIS site takes vip:port (by address or All
// Unassigned); unknown when appcmd was not read.
func (v *hostView) siteMissing() accept {
	switch {
	case !v.facts.SitesRead:
		return acceptUnknown
	case v.facts.SiteFor(v.vip, v.port) == nil:
		return acceptYes
	}
	return acceptNo
}

// certMissing says HTTP.sys has no certificate TLS to vip:port could use;
// unknown when sslcert was not read. Only an https binding needs one: with
// no IIS facts, port 443 is taken to be https.
func (v *hostView) certMissing() accept {
	if !v.https() {
		return acceptNo
	}
	if !v.facts.SSLRead {
		return acceptUnknown
	}
	if v.facts.CertCovers(v.vip, v.port) {
		return acceptNo
	}
	return acceptYes
}

func (v *hostView) https() bool {
	if !v.facts.SitesRead {
		return v.port == 443
	}
	for _, s := range v.facts.Sites {
		for _, b := range s.Bindings {
			if b.Port == v.port && b.Protocol == "https" && (!b.Addr.IsValid() || b.Addr.Unmap() == v.vip) {
				return true
			}
		}
	}
	return false
}

// listenerMissing says no Linux socket listens on vip:port or on all
// addresses; unknown when the listeners were not read.
func (v *hostView) listenerMissing() accept {
	switch {
	case !v.facts.ListenersRead:
		return acceptUnknown
	case v.facts.ListensOn(v.vip, v.port):
		return acceptNo
	}
	return acceptYes
}

// siteName is the IIS site the fix binds: the one already on the VIP's
// port, else the only started site, else "".
func (v *hostView) siteName() string {
	if s := v.facts.SiteFor(v.vip, v.port); s != nil {
		return s.Name
	}
	var onPort, started []string
	for _, s := range v.facts.Sites {
		if s.State == "Started" {
			started = append(started, s.Name)
		}
		for _, b := range s.Bindings {
			if b.Port == v.port {
				onPort = append(onPort, s.Name)
				break
			}
		}
	}
	switch {
	case len(onPort) == 1:
		return onPort[0]
	case len(started) == 1:
		return started[0]
	}
	return ""
}

// config names the interfaces the fix applies to and what of it is done.
func (v *hostView) config() *analyze.HostConfig {
	hc := &analyze.HostConfig{Source: v.facts.Source, OS: v.facts.OS, NICBy: v.by, Loopback: ifaceName(v.loop), Site: v.siteName(), VIPOn: ifaceName(v.owner)}
	for _, nic := range v.nics {
		hc.NICs = append(hc.NICs, ifaceName(nic))
	}
	if len(v.nics) == 1 {
		hc.NIC = hc.NICs[0]
	}
	d := &hc.Done
	d.VIPOnLoopback = v.owner != nil && v.owner.Loopback
	d.VIPOnlyOnLoopback = d.VIPOnLoopback
	for i := range v.facts.Interfaces {
		for _, p := range v.facts.Interfaces[i].Addrs {
			if p.Addr().Unmap() == v.vip && !v.facts.Interfaces[i].Loopback {
				d.VIPOnlyOnLoopback = false
			}
		}
	}
	d.NICWeakReceive = len(v.nics) > 0
	for _, nic := range v.nics {
		d.NICWeakReceive = d.NICWeakReceive && nic.Model(v.vip).WeakHostReceive == hostfacts.Enabled
	}
	if v.loop != nil {
		m := v.loop.Model(v.vip)
		d.LoopbackWeakHost = m.WeakHostSend == hostfacts.Enabled && m.WeakHostReceive == hostfacts.Enabled
	}
	d.SiteBinding = v.siteMissing() == acceptNo
	d.Certificate = v.certMissing() == acceptNo
	d.FirewallOff = v.facts.FirewallRead && len(v.facts.Firewall) > 0
	for _, p := range v.facts.Firewall {
		d.FirewallOff = d.FirewallOff && p.On == hostfacts.Disabled
	}
	return hc
}
