package hostcheck

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// runCapture analyses one bundled capture.
func runCapture(t *testing.T, name string, cfg analyze.Config) *analyze.Result {
	t.Helper()
	f, err := capture.Open(filepath.Join("..", "testdata", "pcaps", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg.Ports, _ = analyze.ParsePorts("443")
	if cfg.Grace == 0 {
		cfg.Grace = analyze.DefaultGrace
	}
	r, _ := analyze.Run(context.Background(), cfg, []analyze.Input{{Name: name, Format: f.Format, Source: f}})
	return r
}

func windowsFacts(t *testing.T, locale, file string) *hostfacts.Facts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "hostfacts", "windows", locale, file))
	if err != nil {
		t.Fatal(err)
	}
	f, err := hostfacts.Parse(context.Background(), file, string(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func finding(t *testing.T, r *analyze.Result, c analyze.Cause) *analyze.Finding {
	t.Helper()
	for i := range r.Findings {
		if r.Findings[i].Cause == c {
			return &r.Findings[i]
		}
	}
	t.Fatalf("no %s finding in %d findings", c, len(r.Findings))
	return nil
}

// factKinds lists the host-fact evidence of f, in order.
func factKinds(f *analyze.Finding) []analyze.EvidenceKind {
	var ks []analyze.EvidenceKind
	for _, e := range f.Evidence {
		if e.Fact != nil {
			ks = append(ks, e.Kind)
		}
	}
	return ks
}

// TestFactsStrongHostReceive: the seed capture (SYNs to the VIP dropped at
// the Windows backend 10.0.0.5) with each sample of that backend's
// configuration. The facts confirm the cause and name interface 12, or,
// with the weak host model already set up, contradict it.
func TestFactsStrongHostReceive(t *testing.T) {
	base := runCapture(t, "seed-strong-host.pcapng", analyze.Config{})
	if f := finding(t, base, analyze.StrongHostReceive); f.Host != nil || len(factKinds(f)) != 0 {
		t.Fatalf("without facts the finding has host facts: %+v", f)
	}
	eth := analyze.HostIface{Index: 12, Name: "Ethernet"}
	for _, tc := range []struct {
		locale, file string
		confidence   analyze.Confidence
		kinds        []analyze.EvidenceKind
		host         analyze.HostConfig
	}{
		{"en", "before.txt", analyze.High, []analyze.EvidenceKind{analyze.EvFactVIPNowhere, analyze.EvFactWeakRecvOff},
			analyze.HostConfig{Source: "before.txt", OS: "windows", NIC: eth}},
		{"zh", "before.txt", analyze.High, []analyze.EvidenceKind{analyze.EvFactVIPNowhere, analyze.EvFactWeakRecvOff},
			analyze.HostConfig{Source: "before.txt", OS: "windows", NIC: analyze.HostIface{Index: 12, Name: "以太网"}}},
		{"zh", "half.txt", analyze.High, []analyze.EvidenceKind{analyze.EvFactVIPOnLoopback, analyze.EvFactWeakRecvOff},
			analyze.HostConfig{Source: "half.txt", OS: "windows", NIC: analyze.HostIface{Index: 12, Name: "以太网"}, Loopback: analyze.HostIface{Index: 14, Name: "环回"}}},
		// Weak host set up: the host model is not what drops the SYNs.
		// The site takes the VIP by host name with an SNI certificate
		// for it, and Windows Firewall is on in every profile with its
		// rules not read: where to look instead, and what to paste.
		{"en", "after.txt", analyze.Low, []analyze.EvidenceKind{analyze.EvFactVIPOnLoopback, analyze.EvFactHostModelReady, analyze.EvFactFirewallOn, analyze.EvFactFirewallOn, analyze.EvFactFirewallOn, analyze.EvFactNotRead},
			analyze.HostConfig{Source: "after.txt", OS: "windows", NIC: eth, Loopback: analyze.HostIface{Index: 14, Name: "Loopback"}}},
	} {
		r := runCapture(t, "seed-strong-host.pcapng", analyze.Config{})
		Apply(r, windowsFacts(t, tc.locale, tc.file))
		f := finding(t, r, analyze.StrongHostReceive)
		if f.Confidence != tc.confidence {
			t.Errorf("%s/%s: confidence %s, want %s", tc.locale, tc.file, f.Confidence, tc.confidence)
		}
		if d := cmp.Diff(tc.kinds, factKinds(f)); d != "" {
			t.Errorf("%s/%s: host-fact evidence (-want +got):\n%s", tc.locale, tc.file, d)
		}
		if f.Host == nil {
			t.Fatalf("%s/%s: no host config", tc.locale, tc.file)
		}
		got := analyze.HostConfig{Source: f.Host.Source, OS: f.Host.OS, NIC: f.Host.NIC, Loopback: f.Host.Loopback}
		if !cmp.Equal(got, tc.host) || f.Host.NICBy != analyze.NICByCapture {
			t.Errorf("%s/%s: host %+v (NIC by %s), want %+v by the capture", tc.locale, tc.file, got, f.Host.NICBy, tc.host)
		}
		for _, e := range f.Evidence {
			if e.Kind == analyze.EvFactWeakRecvOff && e.Fact.Iface.Index != 12 {
				t.Errorf("%s/%s: weakhostreceive evidence about %+v, want interface 12", tc.locale, tc.file, e.Fact.Iface)
			}
		}
	}
}

func linuxFacts() *hostfacts.Facts {
	off := hostfacts.IPv4Conf{ARPIgnore: 0, ARPAnnounce: 0, RPFilter: 0}
	return &hostfacts.Facts{OS: "linux", Source: "test", ConfAll: off, ConfDefault: off,
		Interfaces: []hostfacts.Interface{
			{Index: 1, Name: "lo", Loopback: true, Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("192.0.2.10/32")}, Conf: off},
			{Index: 2, Name: "b0", Addrs: []netip.Prefix{netip.MustParsePrefix("10.2.0.2/24")}, Conf: off},
		},
		Listeners:     []netip.AddrPort{netip.MustParseAddrPort("10.2.0.2:443"), netip.MustParseAddrPort("0.0.0.0:22")},
		ListenersRead: true, AddrsRead: true, SysctlRead: true,
	}
}

// TestFactsNoListener: the lab's backend refuses SYNs to the VIP; its
// listeners show nothing bound to the VIP or to all addresses on 443.
func TestFactsNoListener(t *testing.T) {
	cfg := analyze.Config{VIPs: analyze.PrefixSet{netip.MustParsePrefix("192.0.2.10/32")}}
	r := runCapture(t, "lab-dsr-nolistener.pcap", cfg)
	before := *finding(t, r, analyze.NoListenerOnVIP)
	Apply(r, linuxFacts())
	f := finding(t, r, analyze.NoListenerOnVIP)
	if f.Confidence != analyze.High || len(f.Missing) != 0 {
		t.Errorf("confidence %s, missing %v; want high, nothing missing (was %s)", f.Confidence, f.Missing, before.Confidence)
	}
	want := []netip.AddrPort{netip.MustParseAddrPort("10.2.0.2:443")}
	last := f.Evidence[len(f.Evidence)-1]
	if last.Kind != analyze.EvFactNoListener || !cmp.Equal(want, last.Fact.Listeners, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })) {
		t.Errorf("last evidence %+v, want %s with listeners %v", last, analyze.EvFactNoListener, want)
	}

	// A listener on all addresses takes the VIP: the facts do not confirm.
	r = runCapture(t, "lab-dsr-nolistener.pcap", cfg)
	facts := linuxFacts()
	facts.Listeners = append(facts.Listeners, netip.MustParseAddrPort("0.0.0.0:443"))
	Apply(r, facts)
	if f := finding(t, r, analyze.NoListenerOnVIP); f.Confidence != before.Confidence || len(factKinds(f)) != 0 {
		t.Errorf("with 0.0.0.0:443 listening: confidence %s, facts %v; want %s and none", f.Confidence, factKinds(f), before.Confidence)
	}
}

// TestFactsARP: a backend answering ARP for the VIP, with the VIP on lo
// and arp_ignore 0: the facts explain the capture.
func TestFactsARP(t *testing.T) {
	r := &analyze.Result{Findings: []analyze.Finding{{Cause: analyze.VIPAnswersARP, Confidence: analyze.Medium, Server: netip.MustParseAddrPort("192.0.2.10:443"), HostAddr: netip.MustParseAddr("10.2.0.2")}}}
	Apply(r, linuxFacts())
	f := &r.Findings[0]
	if f.Confidence != analyze.High {
		t.Errorf("confidence %s, want high", f.Confidence)
	}
	if d := cmp.Diff([]analyze.EvidenceKind{analyze.EvFactVIPOnLoopback, analyze.EvFactARPIgnore, analyze.EvFactARPAnnounce}, factKinds(f)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if f.Evidence[1].Fact.Iface != (analyze.HostIface{Index: 2, Name: "b0"}) {
		t.Errorf("arp_ignore evidence about %+v, want b0", f.Evidence[1].Fact.Iface)
	}

	fixed := linuxFacts()
	fixed.ConfAll.ARPIgnore, fixed.ConfAll.ARPAnnounce = 1, 2
	r.Findings[0] = analyze.Finding{Cause: analyze.VIPAnswersARP, Confidence: analyze.Medium, Server: netip.MustParseAddrPort("192.0.2.10:443"), HostAddr: netip.MustParseAddr("10.2.0.2")}
	Apply(r, fixed)
	if f := &r.Findings[0]; f.Confidence != analyze.Medium || len(factKinds(f)) != 1 {
		t.Errorf("with arp_ignore=1 arp_announce=2 in all: %s %v; want medium and only the VIP on lo", f.Confidence, factKinds(f))
	}
}

func TestCheck(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	causes := func(fs []analyze.Finding) []analyze.Cause {
		var cs []analyze.Cause
		for _, f := range fs {
			cs = append(cs, f.Cause)
		}
		return cs
	}
	for _, tc := range []struct {
		name  string
		facts *hostfacts.Facts
		want  []analyze.Cause
	}{
		{"en/before", windowsFacts(t, "en", "before.txt"), []analyze.Cause{analyze.StrongHostReceive}},
		{"zh/half", windowsFacts(t, "zh", "half.txt"), []analyze.Cause{analyze.StrongHostReceive}},
		{"en/after", windowsFacts(t, "en", "after.txt"), nil},
		{"linux", linuxFacts(), []analyze.Cause{analyze.NoListenerOnVIP, analyze.VIPAnswersARP}},
	} {
		if d := cmp.Diff(tc.want, causes(Check(tc.facts, vip, 443, nil).Findings)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestCheckNotRead: a fact not read is not taken as false. Each case
// is a Windows host with the VIP on its KM-TEST adapter 29 and one or two
// NICs; what was read decides the verdict and its confidence.
func TestCheckNotRead(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	on, off := hostfacts.HostModel{WeakHostSend: hostfacts.Enabled, WeakHostReceive: hostfacts.Enabled}, hostfacts.HostModel{WeakHostSend: hostfacts.Disabled, WeakHostReceive: hostfacts.Disabled}
	host := func(nic15, nic17, loop hostfacts.HostModel, twoNICs, addrs bool) *hostfacts.Facts {
		f := &hostfacts.Facts{OS: "windows", Source: "test", AddrsRead: addrs, SSLRead: true, SitesRead: true, FirewallRead: true, RoutesRead: true, IPListenRead: true,
			Firewall:    []hostfacts.FirewallProfile{{Name: "Domain", On: hostfacts.Disabled}, {Name: "Private", On: hostfacts.Disabled}, {Name: "Public", On: hostfacts.Disabled}},
			SSLBindings: []hostfacts.SSLBinding{{IPPort: netip.MustParseAddrPort("0.0.0.0:443"), Port: 443}},
			Sites:       []hostfacts.Site{{Name: "Default Web Site", State: "Started", Bindings: []hostfacts.SiteBinding{{Protocol: "https", Port: 443}}}},
			Interfaces: []hostfacts.Interface{
				{Index: 15, Name: "Ethernet", IPv4: nic15, Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24")}},
				{Index: 29, Name: "Ethernet 3", Loopback: true, IPv4: loop, Addrs: []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32")}},
			}}
		if twoNICs {
			f.Interfaces = append(f.Interfaces, hostfacts.Interface{Index: 17, Name: "Ethernet 2", IPv4: nic17, Addrs: []netip.Prefix{netip.MustParsePrefix("192.168.100.5/24")}})
		}
		if !addrs {
			for i := range f.Interfaces {
				f.Interfaces[i].Addrs = nil
			}
		}
		return f
	}
	unread := hostfacts.HostModel{}
	type want struct {
		causes  []analyze.Cause
		conf    analyze.Confidence
		unknown bool
		gaps    []analyze.GapFact
	}
	for _, tc := range []struct {
		name  string
		facts *hostfacts.Facts
		want  want
	}{
		{"all read, set up", host(on, on, on, false, true), want{nil, analyze.High, false, nil}},
		{"addresses not read", host(on, on, on, false, false), want{nil, analyze.Low, true, []analyze.GapFact{analyze.GapAddresses}}},
		{"NIC's weakhostreceive not read", host(unread, on, on, false, true), want{nil, analyze.Low, true, []analyze.GapFact{analyze.GapWeakReceive}}},
		{"loopback's weakhostsend off", host(on, on, hostfacts.HostModel{WeakHostSend: hostfacts.Disabled, WeakHostReceive: hostfacts.Enabled}, false, true), want{[]analyze.Cause{analyze.WeakHostSend}, analyze.High, false, nil}},
		{"loopback's weakhostsend not read", host(on, on, unread, false, true), want{nil, analyze.Low, true, []analyze.GapFact{analyze.GapWeakSend}}},
		// Two NICs, no way to tell which receives: one refuses the VIP.
		{"candidates, one refuses", host(on, off, on, true, true), want{[]analyze.Cause{analyze.StrongHostReceive}, analyze.Medium, false, nil}},
		{"candidates, both accept", host(on, on, on, true, true), want{nil, analyze.High, false, nil}},
		// The firewall on and its rules not read: OK, but not sure.
		{"firewall on, rules not read", firewallOn(host(on, on, on, false, true), ""), want{nil, analyze.Medium, false, []analyze.GapFact{analyze.GapFilterRules}}},
		// The rules read: 443 admitted from the probes' range only.
		{"firewall on, 443 from the probes only", firewallOn(host(on, on, on, false, true), "100.64.0.0/10"), want{[]analyze.Cause{analyze.ClientsFiltered}, analyze.High, false, nil}},
		{"firewall on, 443 from anyone", firewallOn(host(on, on, on, false, true), "Any"), want{nil, analyze.High, false, nil}},
		// HTTP.sys listens on the NIC's address only.
		{"iplisten without the VIP", ipListen(host(on, on, on, false, true), "10.0.0.5"), want{[]analyze.Cause{analyze.NoListenerOnVIP}, analyze.High, false, nil}},
		{"iplisten not read", ipListen(host(on, on, on, false, true), ""), want{nil, analyze.Medium, false, []analyze.GapFact{analyze.GapIPListen}}},
	} {
		hc := Check(tc.facts, vip, 443, nil)
		got := want{conf: hc.Confidence, unknown: hc.Unknown}
		for _, f := range hc.Findings {
			got.causes = append(got.causes, f.Cause)
		}
		for _, g := range hc.Gaps {
			got.gaps = append(got.gaps, g.Fact)
		}
		if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

// firewallOn turns every profile on and, unless remote is "", gives the
// host one enabled inbound rule admitting TCP 443 from remote.
func firewallOn(f *hostfacts.Facts, remote string) *hostfacts.Facts {
	for i := range f.Firewall {
		f.Firewall[i].On = hostfacts.Enabled
	}
	if remote != "" {
		fl, err := hostfacts.ParseFirewallRules("Rule Name:    HTTPS\n----\nEnabled:  Yes\nDirection: In\nProfiles: Domain,Private,Public\nLocalIP: Any\nRemoteIP: " + remote + "\nProtocol: TCP\nLocalPort: 443\nRemotePort: Any\nAction: Allow\n")
		if err != nil {
			panic(err)
		}
		f.Filters = []hostfacts.Filter{*fl}
	}
	return f
}

// ipListen gives HTTP.sys an IP listen list of addr, or, with "", leaves
// it not read.
func ipListen(f *hostfacts.Facts, addr string) *hostfacts.Facts {
	if addr == "" {
		f.IPListenRead = false
		return f
	}
	f.IPListen = []netip.Addr{netip.MustParseAddr(addr)}
	return f
}
