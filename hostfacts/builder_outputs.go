package hostfacts

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

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
