package hostfacts

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// builder joins the outputs' partial views of the interfaces: netsh
// knows indexes, ipconfig names, descriptions and addresses. Interfaces are
// found by index and name through maps, so a paste of thousands of them
// reads in linear time.
type builder struct {
	f      *Facts
	cur    Output // the output being read
	byIdx  map[int]int
	byName map[string]int
	failed []failure
	done   map[string]bool
	// seen is where each fact of an interface was last read, and its
	// value then: a later read-back that differs is a change.
	seen  map[factKey]seenFact
	gwIPs []netip.Addr // route print: local addresses of default-route interfaces
	last  int          // the place in Facts.Interfaces of the interface index or named returned last
}

// factKey is one fact of one interface: its index in Facts.Interfaces and
// the setting's name.
type factKey struct {
	iface   int
	setting string
}

type seenFact struct {
	line  int
	value string
}

type failure struct{ group, text string }

func newBuilder(f *Facts) *builder {
	return &builder{f: f, byIdx: map[int]int{}, byName: map[string]int{}, done: map[string]bool{}, seen: map[factKey]seenFact{}}
}

func (b *builder) fail(group, text string) { b.failed = append(b.failed, failure{group, text}) }

// addIface adds an interface and indexes it.
func (b *builder) addIface(ifc Interface) int {
	b.f.Interfaces = append(b.f.Interfaces, ifc)
	i := len(b.f.Interfaces) - 1
	if ifc.Index > 0 {
		b.byIdx[ifc.Index] = i
	}
	if ifc.Name != "" {
		b.byName[strings.ToLower(ifc.Name)] = i
	}
	return i
}

// index returns the interface with OS index idx, adding it if new.
func (b *builder) index(idx int, name string) *Interface {
	i, ok := b.byIdx[idx]
	if !ok && name != "" {
		// Known by name only so far (ipconfig): give it its index.
		if j, ok2 := b.byName[strings.ToLower(name)]; ok2 && b.f.Interfaces[j].Index == 0 {
			i, ok = j, true
			b.f.Interfaces[j].Index = idx
			b.byIdx[idx] = j
		}
	}
	if !ok {
		i = b.addIface(Interface{Index: idx, Name: name, Conf: unreadConf})
	}
	b.last = i
	ifc := &b.f.Interfaces[i]
	if ifc.Name == "" && name != "" {
		ifc.Name = name
		b.byName[strings.ToLower(name)] = i
	}
	return ifc
}

// named returns the interface named name, adding it if new.
func (b *builder) named(name string) *Interface {
	i, ok := b.byName[strings.ToLower(name)]
	if !ok {
		i = b.addIface(Interface{Name: name, Conf: unreadConf})
	}
	b.last = i
	return &b.f.Interfaces[i]
}

// note records that the current output read setting of ifc as value;
// when an earlier output read another value, that is a change: the file
// shows the setting being changed between the two.
func (b *builder) note(ifc *Interface, setting, value string) {
	k := factKey{b.pos(ifc), setting}
	if was, ok := b.seen[k]; ok && was.value != value {
		b.f.Changes = append(b.f.Changes, Change{Line: b.cur.Line, WasLine: was.line, Command: b.cur.Command,
			Iface: ifc.Name, Index: ifc.Index, Setting: setting, Before: was.value, After: value})
	}
	b.seen[k] = seenFact{b.cur.Line, value}
}

// pos is ifc's place in Facts.Interfaces: mostly the one index or named
// just returned, so a paste of thousands of interfaces stays linear.
func (b *builder) pos(ifc *Interface) int {
	if b.last < len(b.f.Interfaces) && &b.f.Interfaces[b.last] == ifc {
		return b.last
	}
	for i := range b.f.Interfaces {
		if &b.f.Interfaces[i] == ifc {
			return i
		}
	}
	return -1
}

// setModel records a host model read for ifc in one family.
func (b *builder) setModel(ifc *Interface, ipv6 bool, m HostModel) {
	fam, cur := "IPv4", &ifc.IPv4
	if ipv6 {
		fam, cur = "IPv6", &ifc.IPv6
	}
	if m.WeakHostReceive != Unknown {
		b.note(ifc, "weakhostreceive "+fam, m.WeakHostReceive.String())
		cur.WeakHostReceive = m.WeakHostReceive
	}
	if m.WeakHostSend != Unknown {
		b.note(ifc, "weakhostsend "+fam, m.WeakHostSend.String())
		cur.WeakHostSend = m.WeakHostSend
	}
}

// setAddrs records the addresses read for ifc.
func (b *builder) setAddrs(ifc *Interface, as []netip.Prefix) {
	b.note(ifc, "addresses", addrList(as))
	ifc.Addrs = as
}

func addrList(as []netip.Prefix) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// holdsNothing notes an output that was read and holds no fact slbdiag
// uses, so that it is named rather than silently dropped.
func (b *builder) holdsNothing(what string) {
	b.f.NoFacts = append(b.f.NoFacts, NoFact{Line: b.cur.Line, Command: b.cur.Command, Lacks: what})
}

func (b *builder) add(k kind, family, arg, text string) error {
	f := b.f
	var err error
	switch k {
	case kNetshIfaces:
		var ifs []Interface
		if ifs, err = ParseNetshInterfaces(text); err == nil {
			f.OS = "windows"
			for _, ifc := range ifs {
				b.index(ifc.Index, ifc.Name).Down = ifc.Down
			}
		}
	case kNetshIface:
		var ds []NetshDetail
		if ds, err = ParseNetshInterface(text); err == nil {
			f.OS = "windows"
			for _, d := range ds {
				b.setModel(b.index(d.Index, d.Name), family == "ipv6", d.Model)
			}
		}
	case kIpconfig:
		var ifs []Interface
		if ifs, err = ParseIpconfig(text); err == nil {
			f.OS, f.AddrsRead, f.RoutesRead = "windows", true, true
			for _, c := range ifs {
				ifc := b.named(c.Name)
				ifc.Description, ifc.Gateway = c.Description, c.Gateway
				ifc.Down = ifc.Down || c.Down
				b.setAddrs(ifc, c.Addrs)
			}
		}
	case kNetIPInterface:
		var ns []NetIPInterface
		if ns, err = ParseNetIPInterface(text); err == nil {
			f.OS = "windows"
			for _, n := range ns {
				ifc := b.index(n.Index, n.Alias)
				ifc.Down = ifc.Down || n.Down
				b.setModel(ifc, n.IPv6, n.Model)
			}
			if !HasModel(ns) {
				b.holdsNothing("no weak-host settings: its default table has no WeakHostSend or WeakHostReceive column (add | Format-List *)")
			}
		}
	default:
		return b.addMore(k, text)
	}
	return err
}

// addMore reads the outputs of PowerShell-only and other Windows hosts'
// commands, and Linux's.
func (b *builder) addMore(k kind, text string) error {
	f := b.f
	switch k {
	case kNetIPAddress:
		as, err := ParseNetIPAddress(text)
		if err != nil {
			return err
		}
		f.OS, f.AddrsRead = "windows", true
		byIdx := map[int][]netip.Prefix{}
		var order []int
		for _, a := range as {
			if _, ok := byIdx[a.Index]; !ok {
				b.index(a.Index, a.Alias)
				order = append(order, a.Index)
			}
			byIdx[a.Index] = append(byIdx[a.Index], a.Prefix)
		}
		for _, idx := range order {
			b.setAddrs(b.index(idx, ""), byIdx[idx])
		}
	case kNetAdapter:
		ads, err := ParseNetAdapter(text)
		if err != nil {
			return err
		}
		f.OS = "windows"
		for _, a := range ads {
			ifc := b.index(a.Index, a.Name)
			ifc.Down = a.Down
			if a.Description != "" && len(a.Description) >= len(ifc.Description) {
				ifc.Description = a.Description
			}
		}
	case kNetRoute:
		idxs, err := ParseNetRoute(text)
		if err != nil {
			return err
		}
		f.OS, f.RoutesRead = "windows", true
		for _, i := range idxs {
			b.index(i, "").Gateway = true
		}
	case kRoutePrint:
		rp, err := ParseRoutePrint(text)
		if err != nil {
			return err
		}
		f.OS, f.RoutesRead = "windows", true
		for _, r := range rp.Ifaces {
			if ifc := b.index(r.Index, ""); ifc.Description == "" {
				ifc.Description = r.Description
			}
		}
		b.gwIPs = append(b.gwIPs, rp.Gateways...)
	case kVer:
		v, err := ParseVer(text)
		if err != nil {
			return err
		}
		f.OSVersion, f.OS = v, "windows"
	case kTranscript:
		if m := reTranscriptMachine.FindStringSubmatch(text); m != nil && f.OSVersion == "" {
			f.OSVersion, f.OS = m[1], "windows"
		}
	default:
		return b.addService(k, text)
	}
	return nil
}

// addService reads what serves or filters the VIP's port: HTTP.sys, IIS,
// the firewall.
func (b *builder) addService(k kind, text string) error {
	f := b.f
	var err error
	switch k {
	case kSSLCert:
		if f.SSLBindings, err = ParseSSLCert(text); err == nil {
			f.SSLRead = true
		}
	case kAppcmd:
		if f.Sites, err = ParseAppcmdSites(text); err == nil {
			f.SitesRead = true
		}
	case kFirewall:
		if f.Firewall, err = ParseFirewallProfiles(text); err == nil {
			f.FirewallRead = true
		}
	case kNetFirewallProfile:
		if f.Firewall, err = ParseNetFirewallProfile(text); err == nil {
			f.FirewallRead, f.OS = true, "windows"
		}
	case kWebBinding:
		if f.Sites, err = ParseWebBinding(text); err == nil {
			f.SitesRead, f.OS = true, "windows"
		}
	case kIPListen:
		if f.IPListen, err = ParseHTTPIPListen(text); err == nil {
			f.IPListenRead, f.OS = true, "windows"
		}
	case kNetFirewallRule:
		f.OS = "windows"
		if fl, ok := ParseNetFirewallRule(text); ok {
			b.setFilter(fl)
			return nil
		}
		b.holdsNothing("no ports or addresses of the rules: Get-NetFirewallRule prints neither (paste netsh advfirewall firewall show rule name=all verbose)")
	case kFirewallRules, kIptables, kNft, kUfw, kFirewallCmd:
		return b.addFilter(k, text)
	default:
		return b.addLinux(k, text)
	}
	return err
}

// addFilter reads a packet filter's rules; a later read of the same kind
// replaces the earlier one.
func (b *builder) addFilter(k kind, text string) error {
	var fl *Filter
	var err error
	switch {
	case k == kFirewallRules:
		fl, err = ParseFirewallRules(text)
	case k == kNft:
		fl, err = ParseNft(text)
	case k == kUfw:
		fl, err = ParseUfwStatus(text)
	case k == kFirewallCmd:
		fl, err = ParseFirewallCmd(text)
	case strings.Contains(text, "Chain INPUT"):
		fl, err = ParseIptablesL(text)
	default:
		fl, err = ParseIptablesS(text)
	}
	if err != nil {
		return err
	}
	if k == kFirewallRules {
		b.f.OS = "windows"
	} else {
		b.f.OS = "linux"
	}
	b.setFilter(fl)
	return nil
}

// setFilter records a filter read; it replaces an earlier one of its kind.
func (b *builder) setFilter(fl *Filter) {
	fl.Line, fl.Command = b.cur.Line, b.cur.Command
	for i := range b.f.Filters {
		if b.f.Filters[i].Kind == fl.Kind {
			b.f.Filters[i] = *fl
			return
		}
	}
	b.f.Filters = append(b.f.Filters, *fl)
}

func (b *builder) addLinux(k kind, text string) error {
	f := b.f
	switch k {
	case kIPAddr:
		ifs, err := ParseIPAddr(text)
		if err != nil {
			return err
		}
		f.OS, f.AddrsRead = "linux", true
		for _, ifc := range ifs {
			cur := b.named(ifc.Name)
			if ifc.Index > 0 {
				cur.Index = ifc.Index
			}
			cur.Loopback, cur.Down = ifc.Loopback, ifc.Down
			b.setAddrs(cur, ifc.Addrs)
		}
	case kIPRoute, kRouteN:
		devs, err := ParseDefaultRoutes(text, k == kRouteN)
		if err != nil {
			return err
		}
		f.OS, f.RoutesRead = "linux", true
		for _, d := range devs {
			b.named(d).Gateway = true
		}
	case kSysctl:
		n := 0
		for _, l := range lines(text) {
			if f.applySysctl(procSysLine(l, b.cur.Command), b.named) {
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("no net.ipv4.conf arp_ignore, arp_announce or rp_filter line: %w", ErrFormat)
		}
		f.OS, f.SysctlRead = "linux", true
	case kSS, kProcNetTCP, kNetstat:
		parse := ParseSS
		switch k {
		case kProcNetTCP:
			parse = ParseProcNetTCP
		case kNetstat:
			parse = ParseNetstat
		}
		ls, err := parse(text)
		if err != nil {
			return err
		}
		f.OS, f.ListenersRead = "linux", true
		seen := make(map[string]bool, len(f.Listeners))
		for _, l := range f.Listeners {
			seen[l.String()] = true
		}
		for _, l := range ls {
			// ss's [::]:PORT says IPv6-only; /proc/net/tcp6's :: does
			// not say: the more precise one stays.
			plain := netip.AddrPortFrom(netip.IPv6Unspecified(), l.Port())
			v6only := netip.AddrPortFrom(v6OnlyAny, l.Port())
			switch {
			case seen[l.String()], l == plain && seen[v6only.String()]:
				continue
			case l == v6only && seen[plain.String()]:
				i := slices.Index(f.Listeners, plain)
				f.Listeners[i] = l
			default:
				f.Listeners = append(f.Listeners, l)
			}
			seen[l.String()] = true
		}
	}
	return nil
}

// finish marks the interfaces route print names as holding the default
// route, tells the loopback adapters from the software interfaces, and
// lists what failed and was not read from another command either.
func (b *builder) finish() {
	for _, a := range b.gwIPs {
		if ifc := b.f.Owner(a); ifc != nil {
			ifc.Gateway = true
		}
	}
	for _, fl := range b.failed {
		if b.done[fl.group] || (strings.HasPrefix(fl.group, "hostmodel ") && b.done["hostmodel"]) {
			continue
		}
		b.f.Unread = append(b.f.Unread, fl.text)
	}
	if b.f.OS != "windows" {
		for i := range b.f.Interfaces {
			// A dummy interface holds a VIP as lo does: no packet from
			// the network arrives on it, ARP is answered by the NIC's
			// arp_ignore.
			if n := b.f.Interfaces[i].Name; n == "lo" || strings.HasPrefix(n, "dummy") {
				b.f.Interfaces[i].Loopback = true
			}
		}
		return
	}
	for i := range b.f.Interfaces {
		ifc := &b.f.Interfaces[i]
		ifc.Loopback, ifc.Software = adapterKind(ifc.Name, ifc.Description)
	}
}
