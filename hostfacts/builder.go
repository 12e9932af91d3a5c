package hostfacts

import (
	"fmt"
	"strings"
)

// builder joins the outputs' partial views of the interfaces: netsh
// knows indexes, ipconfig names, descriptions and addresses. Interfaces are
// found by index and name through maps, so a paste of thousands of them
// reads in linear time.
type builder struct {
	f       *Facts
	details []NetshDetail
	fams    []string
	ipcfg   []Interface
	byIdx   map[int]int
	byName  map[string]int
	failed  []failure
	done    map[string]bool
}

type failure struct{ group, text string }

func newBuilder(f *Facts) *builder {
	return &builder{f: f, byIdx: map[int]int{}, byName: map[string]int{}, done: map[string]bool{}}
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
	ifc := &b.f.Interfaces[i]
	if ifc.Name == "" && name != "" {
		ifc.Name = name
		b.byName[strings.ToLower(name)] = i
	}
	return ifc
}

// named returns the interface named name, adding it if new.
func (b *builder) named(name string) *Interface {
	if i, ok := b.byName[strings.ToLower(name)]; ok {
		return &b.f.Interfaces[i]
	}
	return &b.f.Interfaces[b.addIface(Interface{Name: name, Conf: unreadConf})]
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
		var d NetshDetail
		if d, err = ParseNetshInterface(text); err == nil {
			f.OS = "windows"
			b.details, b.fams = append(b.details, d), append(b.fams, family)
		}
	case kIpconfig:
		var ifs []Interface
		if ifs, err = ParseIpconfig(text); err == nil {
			f.OS, f.AddrsRead, f.RoutesRead = "windows", true, true
			b.ipcfg = append(b.ipcfg, ifs...)
		}
	case kNetIPInterface:
		var ns []NetIPInterface
		if ns, err = ParseNetIPInterface(text); err == nil {
			f.OS = "windows"
			for _, n := range ns {
				ifc := b.index(n.Index, n.Alias)
				if n.IPv6 {
					ifc.IPv6 = n.Model
				} else {
					ifc.IPv4 = n.Model
				}
			}
		}
	case kSSLCert:
		if f.SSLBindings, err = ParseSSLCert(text); err == nil {
			f.SSLRead = true
		}
	case kIPListen:
		if f.IPListen, err = ParseIPListen(text); err == nil {
			f.IPListenRead = true
		}
	case kAppcmd:
		if f.Sites, err = ParseAppcmdSites(text); err == nil {
			f.SitesRead = true
		}
	case kFirewall:
		if f.Firewall, err = ParseFirewallProfiles(text); err == nil {
			f.FirewallRead = true
		}
	case kVer:
		if f.OSVersion, err = ParseVer(text); err == nil {
			f.OS = "windows"
		}
	case kTranscript:
		if m := reTranscriptMachine.FindStringSubmatch(text); m != nil && f.OSVersion == "" {
			f.OSVersion, f.OS = m[1], "windows"
		}
	default:
		return b.addLinux(k, text)
	}
	return err
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
			cur.Addrs, cur.Loopback, cur.Down = ifc.Addrs, ifc.Loopback, ifc.Down
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
			if f.applySysctl(l, b.named) {
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("no net.ipv4.conf arp_ignore, arp_announce or rp_filter line: %w", ErrFormat)
		}
		f.OS, f.SysctlRead = "linux", true
	case kSS, kProcNetTCP:
		parse := ParseSS
		if k == kProcNetTCP {
			parse = ParseProcNetTCP
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
			if !seen[l.String()] {
				seen[l.String()] = true
				f.Listeners = append(f.Listeners, l)
			}
		}
	}
	return nil
}

// finish joins the detail listings (by index) and ipconfig (by name),
// tells the loopback adapters from the software interfaces, and lists
// what failed and was not read from another command either.
func (b *builder) finish() {
	for i, d := range b.details {
		ifc := b.index(d.Index, d.Name)
		if b.fams[i] == "ipv6" {
			ifc.IPv6 = d.Model
		} else {
			ifc.IPv4 = d.Model
		}
	}
	for _, c := range b.ipcfg {
		ifc := b.named(c.Name)
		ifc.Description, ifc.Addrs = c.Description, c.Addrs
		ifc.Gateway = c.Gateway
		ifc.Down = ifc.Down || c.Down
	}
	for _, fl := range b.failed {
		if b.done[fl.group] || (strings.HasPrefix(fl.group, "hostmodel ") && b.done["hostmodel"]) {
			continue
		}
		b.f.Unread = append(b.f.Unread, fl.text)
	}
	if b.f.OS != "windows" {
		for i := range b.f.Interfaces {
			if b.f.Interfaces[i].Name == "lo" {
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
