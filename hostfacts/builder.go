package hostfacts

import (
	"net/netip"
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
