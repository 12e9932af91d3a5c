package hostfacts

import (
	"fmt"
	"net/netip"
	"slices"
)

// Facts is what one host's configuration says, from the host itself or from
// a customer's saved command outputs.
type Facts struct {
	OS        string `json:"os"`         // "windows" or "linux"
	OSVersion string `json:"os_version"` // "10.0.20348", a kernel release, or "" if unknown
	Source    string `json:"source"`     // where the facts came from: "this host" or a file name

	Interfaces []Interface `json:"interfaces"`
	// ConfAll and ConfDefault are Linux's net.ipv4.conf.all and .default.
	ConfAll     IPv4Conf          `json:"conf_all"`
	ConfDefault IPv4Conf          `json:"conf_default"`
	Listeners   []netip.AddrPort  `json:"listeners"`    // TCP sockets in LISTEN, by local address
	SSLBindings []SSLBinding      `json:"ssl_bindings"` // HTTP.sys certificate bindings
	Sites       []Site            `json:"sites"`        // IIS sites and their bindings
	Firewall    []FirewallProfile `json:"firewall"`
	// Filters are the packet filters read (Windows Firewall's rules,
	// iptables, nftables): the latest read of each kind.
	Filters []Filter `json:"filters"`
	// IPListen is HTTP.sys's IP Listen List: empty, every address.
	IPListen     []netip.Addr `json:"http_iplisten"`
	IPListenRead bool         `json:"http_iplisten_read"`

	// The *Read flags say a kind of fact was read: an empty list then
	// means there is none, not that nobody looked.
	AddrsRead     bool `json:"addrs_read"`     // interface addresses (ipconfig, ip addr)
	ListenersRead bool `json:"listeners_read"` // listening sockets (ss, /proc/net/tcp)
	SSLRead       bool `json:"ssl_read"`       // HTTP.sys certificate bindings
	SitesRead     bool `json:"sites_read"`     // IIS sites
	FirewallRead  bool `json:"firewall_read"`  // Windows Firewall profiles
	RoutesRead    bool `json:"routes_read"`    // which interfaces have a default gateway
	SysctlRead    bool `json:"sysctl_read"`    // Linux ARP sysctls

	// Unread lists what could not be read, and why: a fact not read is
	// not a fact that is false.
	Unread []string `json:"unread"`
	// Ignored lists the commands whose outputs were skipped because
	// slbdiag does not read them.
	Ignored []string `json:"ignored"`
	// Disagree lists where a collector's facts block and its raw outputs
	// say different things (factsagree.go): reported, never resolved
	// silently.
	Disagree []string `json:"disagree,omitempty"`
	// NoFacts lists the outputs read that hold none of the facts their
	// command usually gives (Get-NetIPInterface's default table has no
	// weak host columns).
	NoFacts []NoFact `json:"read_no_facts"`
	// Changes lists the facts the file shows changing: the same setting
	// read twice with different values (a fix applied between two
	// read-backs). The later value is the one in Interfaces.
	Changes []Change `json:"changes"`
}

// NoFact is an output read that holds none of the facts slbdiag uses.
type NoFact struct {
	Line    int    `json:"line"`
	Command string `json:"command"`
	Lacks   string `json:"lacks"` // what it does not hold, and how to get it: "no weak-host settings: …"
}

// Change is one setting of one interface read twice with different
// values.
type Change struct {
	Line    int    `json:"line"`     // the line of the later command
	WasLine int    `json:"was_line"` // the line of the earlier one
	Command string `json:"command"`  // the later command
	Iface   string `json:"iface"`
	Index   int    `json:"index"`
	Setting string `json:"setting"` // "weakhostreceive IPv4", "addresses"
	Before  string `json:"before"`
	After   string `json:"after"`
}

// Interface is one network interface of the host.
type Interface struct {
	Index       int    `json:"index"`       // the OS interface index (netsh's Idx); 0 if unknown
	Name        string `json:"name"`        // alias: "Ethernet", "以太网", "eth0"
	Description string `json:"description"` // "Microsoft KM-TEST Loopback Adapter"
	// Loopback is an adapter that can hold a VIP without answering ARP
	// for it: Linux's lo, Windows' Microsoft (KM-TEST) Loopback Adapter.
	Loopback bool `json:"loopback"`
	// Software is an interface no packet from the network arrives on and
	// that cannot hold a VIP: Windows' Loopback Pseudo-Interface, the Npcap
	// Loopback Adapter.
	Software bool           `json:"software"`
	Down     bool           `json:"down"`    // disconnected: no packet arrives on it
	Gateway  bool           `json:"gateway"` // it holds the host's default route
	Addrs    []netip.Prefix `json:"addrs"`
	IPv4     HostModel      `json:"ipv4"` // Windows: the weak host settings per address family
	IPv6     HostModel      `json:"ipv6"`
	Conf     IPv4Conf       `json:"conf"` // Linux: this interface's ARP and reverse-path sysctls
}

// HostModel is Windows' weak host settings of one interface and family.
type HostModel struct {
	WeakHostSend    Setting `json:"weak_host_send"`
	WeakHostReceive Setting `json:"weak_host_receive"`
}

// Setting is an on/off setting that may not have been read.
type Setting uint8

// Settings.
const (
	Unknown Setting = iota
	Disabled
	Enabled
)

func (s Setting) String() string {
	switch s {
	case Enabled:
		return "enabled"
	case Disabled:
		return "disabled"
	}
	return "unknown"
}

// IPv4Conf is Linux's per-interface ARP and reverse-path settings; -1 is
// not read.
type IPv4Conf struct {
	ARPIgnore   int `json:"arp_ignore"`
	ARPAnnounce int `json:"arp_announce"`
	RPFilter    int `json:"rp_filter"`
}

// unreadConf is an IPv4Conf nothing was read into.
var unreadConf = IPv4Conf{ARPIgnore: -1, ARPAnnounce: -1, RPFilter: -1}

// SSLBinding is one HTTP.sys certificate binding.
type SSLBinding struct {
	IPPort   netip.AddrPort `json:"ip_port"`  // 0.0.0.0:443 for all addresses; invalid for a hostname binding
	Hostname string         `json:"hostname"` // SNI binding: "www.example.com"; "" for an IP binding
	Port     uint16         `json:"port"`
	CertHash string         `json:"cert_hash"`
}

// Site is an IIS site.
type Site struct {
	Name     string        `json:"name"`
	ID       int           `json:"id"`
	State    string        `json:"state"`
	Bindings []SiteBinding `json:"bindings"`
}

// SiteBinding is one IIS binding: https/*:443:www.example.com.
type SiteBinding struct {
	Protocol string     `json:"protocol"`
	Addr     netip.Addr `json:"addr"` // invalid for "*" (All Unassigned)
	Port     uint16     `json:"port"`
	Host     string     `json:"host"`
}

// FirewallProfile is the state of one Windows Firewall profile.
type FirewallProfile struct {
	Name string  `json:"name"` // "Domain", "Private", "Public" (as printed: "域", "专用", "公用" on Chinese Windows)
	On   Setting `json:"on"`
}

// Owner returns the interface that holds a, or nil. It reads every
// address once: callers ask it a few times per report, never per
// interface.
func (f *Facts) Owner(a netip.Addr) *Interface {
	a = a.Unmap().WithZone("")
	for i := range f.Interfaces {
		for _, p := range f.Interfaces[i].Addrs {
			if p.Addr().Unmap().WithZone("") == a {
				return &f.Interfaces[i]
			}
		}
	}
	return nil
}

// ByIndex returns the interface with OS index idx, or nil.
func (f *Facts) ByIndex(idx int) *Interface {
	for i := range f.Interfaces {
		if f.Interfaces[i].Index == idx {
			return &f.Interfaces[i]
		}
	}
	return nil
}

// LoopbackAdapters returns the loopback interfaces that can hold a VIP: on
// Windows a KM-TEST adapter, not the Loopback Pseudo-Interface nor the
// Npcap Loopback Adapter.
func (f *Facts) LoopbackAdapters() []*Interface {
	var out []*Interface
	for i := range f.Interfaces {
		if ifc := &f.Interfaces[i]; ifc.Loopback && !ifc.Software {
			out = append(out, ifc)
		}
	}
	return out
}

// ListensOn reports whether a TCP socket listens on addr:port, bound to
// the address itself or to all addresses of its family.
func (f *Facts) ListensOn(addr netip.Addr, port uint16) bool {
	addr = addr.Unmap()
	return slices.ContainsFunc(f.Listeners, func(l netip.AddrPort) bool {
		if l.Port() != port {
			return false
		}
		la := l.Addr()
		switch {
		case la.Unmap() == addr:
			return true
		case la == netip.IPv4Unspecified():
			return addr.Is4()
		case la == v6OnlyAny:
			return addr.Is6()
		case la == netip.IPv6Unspecified():
			// A [::] socket takes IPv4 too unless IPV6_V6ONLY: /proc
			// and old ss do not say, and dual stack is the default.
			return true
		}
		return false
	})
}

// Model returns the host model of ifc for a's family.
func (ifc *Interface) Model(a netip.Addr) HostModel {
	if a.Unmap().Is4() {
		return ifc.IPv4
	}
	return ifc.IPv6
}

// Effective returns the value the Linux kernel acts on for an interface:
// for arp_ignore, arp_announce and rp_filter the larger of "all" and the
// interface's own (kernel documentation, ip-sysctl.rst). -1 when neither
// was read.
func (f *Facts) Effective(ifc *Interface) IPv4Conf {
	return IPv4Conf{
		ARPIgnore:   max(f.ConfAll.ARPIgnore, ifc.Conf.ARPIgnore),
		ARPAnnounce: max(f.ConfAll.ARPAnnounce, ifc.Conf.ARPAnnounce),
		RPFilter:    max(f.ConfAll.RPFilter, ifc.Conf.RPFilter),
	}
}

// SSLCovers reports whether HTTP.sys has a certificate for ip:port, bound
// to the address or to all addresses (0.0.0.0 or [::]), or for name on port.
func (f *Facts) SSLCovers(ap netip.AddrPort, name string) bool {
	for _, b := range f.SSLBindings {
		switch {
		case b.Hostname != "":
			if name != "" && b.Port == ap.Port() && equalFold(b.Hostname, name) {
				return true
			}
		case b.IPPort.Port() == ap.Port():
			if a := b.IPPort.Addr(); a.Unmap() == ap.Addr().Unmap() || a.IsUnspecified() {
				return true
			}
		}
	}
	return false
}

// SiteFor returns the IIS site bound to addr:port (by address or All
// Unassigned), or nil.
func (f *Facts) SiteFor(addr netip.Addr, port uint16) *Site {
	for i := range f.Sites {
		for _, b := range f.Sites[i].Bindings {
			if b.Port == port && (!b.Addr.IsValid() || b.Addr.Unmap() == addr.Unmap()) {
				return &f.Sites[i]
			}
		}
	}
	return nil
}

// MarshalText writes the setting as netsh and PowerShell do.
func (s Setting) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a setting in either language.
func (s *Setting) UnmarshalText(b []byte) error {
	*s = setting(string(b))
	return nil
}

// CertCovers reports whether HTTP.sys would find a certificate for TLS to
// addr:port: an IP binding (the address, 0.0.0.0 or [::]), an SNI binding
// for a host name that an IIS binding on addr:port names, or the central
// certificate store on the port.
func (f *Facts) CertCovers(addr netip.Addr, port uint16) bool {
	ap := netip.AddrPortFrom(addr.Unmap(), port)
	if f.SSLCovers(ap, "") {
		return true
	}
	for _, b := range f.SSLBindings {
		if b.Hostname == "*" && b.Port == port {
			return true
		}
	}
	for _, s := range f.Sites {
		for _, b := range s.Bindings {
			if b.Port == port && b.Host != "" && (!b.Addr.IsValid() || b.Addr.Unmap() == addr.Unmap()) && f.SSLCovers(ap, b.Host) {
				return true
			}
		}
	}
	return false
}

// IsV6Only reports whether a listener is an IPv6-only wildcard socket, as
// ss of iproute2 4.14 and later shows [::]:PORT.
func IsV6Only(l netip.AddrPort) bool { return l.Addr() == v6OnlyAny }

// ListenerString prints a listener as ss does, an IPv6-only wildcard
// as "[::]:443 (IPv6 only)".
func ListenerString(l netip.AddrPort) string {
	if IsV6Only(l) {
		return fmt.Sprintf("[::]:%d (IPv6 only)", l.Port())
	}
	return l.String()
}
