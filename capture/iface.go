package capture

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Interface is a capture interface as slbdiag shows it: the capture
// library's device joined with the operating system's interface.
type Interface struct {
	Name        string         // the capture device: eth0, or \Device\NPF_{GUID} with Npcap
	Friendly    string         // the OS's name: eth0 on Linux, "Ethernet 2" on Windows; "" if not matched
	Description string         // the capture library's description: on Windows the adapter model
	Index       int            // the OS interface index (netsh's Idx); 0 if not matched
	Addrs       []netip.Prefix // its addresses with their prefix lengths
	Flags       []string       // up, running, loopback, wireless
}

// Device is an interface as the capture library (libpcap, Npcap) lists it.
type Device struct {
	Name        string
	Description string
	Flags       uint32 // PCAP_IF_* bits
	Addrs       []netip.Prefix
}

// OSInterface is an interface as the operating system lists it (net.Interfaces).
type OSInterface struct {
	Index int
	Name  string
	Flags net.Flags
	Addrs []netip.Prefix
	// GUID is the adapter's GUID on Windows, "{5B3D7A6C-…}" as
	// GetAdaptersAddresses gives it (AdapterName); "" elsewhere.
	GUID string
}

// libpcap's PCAP_IF_* flags.
const (
	pcapIfLoopback = 0x1
	pcapIfUp       = 0x2
	pcapIfRunning  = 0x4
	pcapIfWireless = 0x8
)

// JoinInterfaces joins the capture library's devices with the OS's
// interfaces: by name where they agree (Linux, macOS), by adapter GUID on
// Windows, where Npcap names a device \Device\NPF_{GUID} and the OS by
// friendly name. Only when the OS list carries no GUID (the adapter query
// failed) does a shared address join them, which misses an adapter with
// link-local addresses only and cannot tell two adapters sharing one
// apart. Devices keep the capture library's order.
func JoinInterfaces(devs []Device, oss []OSInterface) []Interface {
	out := make([]Interface, 0, len(devs))
	for _, d := range devs {
		ifc := Interface{Name: d.Name, Description: d.Description, Addrs: d.Addrs, Flags: deviceFlags(d.Flags)}
		if o, ok := matchOS(d, oss); ok {
			ifc.Friendly, ifc.Index = o.Name, o.Index
			if len(ifc.Addrs) == 0 {
				ifc.Addrs = o.Addrs
			}
		}
		out = append(out, ifc)
	}
	return out
}

func matchOS(d Device, oss []OSInterface) (OSInterface, bool) {
	for _, o := range oss {
		if o.Name == d.Name {
			return o, true
		}
	}
	if slices.ContainsFunc(oss, func(o OSInterface) bool { return o.GUID != "" }) {
		guid, ok := npfGUID(d.Name)
		if !ok {
			return OSInterface{}, false
		}
		for _, o := range oss {
			if strings.EqualFold(o.GUID, guid) {
				return o, true
			}
		}
		return OSInterface{}, false
	}
	for _, o := range oss {
		for _, a := range d.Addrs {
			if a.Addr().IsValid() && !a.Addr().IsLinkLocalUnicast() && hasAddr(o.Addrs, a.Addr()) {
				return o, true
			}
		}
	}
	return OSInterface{}, false
}

func deviceFlags(f uint32) []string {
	var out []string
	for _, x := range []struct {
		bit  uint32
		name string
	}{{pcapIfUp, "up"}, {pcapIfRunning, "running"}, {pcapIfLoopback, "loopback"}, {pcapIfWireless, "wireless"}} {
		if f&x.bit != 0 {
			out = append(out, x.name)
		}
	}
	return out
}

func hasAddr(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range ps {
		if p.Addr().Unmap().WithZone("") == a {
			return true
		}
	}
	return false
}

// FindInterface returns the interface spec names: its capture name, its
// friendly name or description (any case), its index, the GUID of an Npcap
// device name, or one of its addresses. An unknown or ambiguous spec gives
// an *InterfaceError listing the interfaces there are.
func FindInterface(ifs []Interface, spec string) (Interface, error) {
	for _, match := range []func(Interface) bool{
		func(i Interface) bool { return i.Name == spec },
		func(i Interface) bool { return i.Friendly != "" && strings.EqualFold(i.Friendly, spec) },
		func(i Interface) bool { return i.Description != "" && strings.EqualFold(i.Description, spec) },
		func(i Interface) bool {
			n, err := strconv.Atoi(spec)
			return err == nil && i.Index != 0 && i.Index == n
		},
		func(i Interface) bool {
			return isGUID(spec) && strings.HasSuffix(strings.ToUpper(i.Name), strings.ToUpper(spec))
		},
		func(i Interface) bool { a, err := netip.ParseAddr(spec); return err == nil && hasAddr(i.Addrs, a) },
	} {
		var found []Interface
		for _, i := range ifs {
			if match(i) {
				found = append(found, i)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		return Interface{}, &InterfaceError{Spec: spec, Known: ifs, Ambiguous: found}
	}
	return Interface{}, &InterfaceError{Spec: spec, Known: ifs}
}

// npfGUID is the adapter GUID of an Npcap (or WinPcap) device name,
// \Device\NPF_{GUID}.
func npfGUID(name string) (string, bool) {
	const prefix = `\Device\NPF_`
	if len(name) <= len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
		return "", false
	}
	guid := name[len(prefix):]
	return guid, isGUID(guid)
}

// isGUID reports whether s looks like {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}.
func isGUID(s string) bool {
	return len(s) == 38 && s[0] == '{' && s[37] == '}' && strings.Count(s, "-") == 4
}

// InterfaceError is an -i that names no interface, or several.
type InterfaceError struct {
	Spec      string
	Known     []Interface
	Ambiguous []Interface // the interfaces it could mean, when several
}

func (e *InterfaceError) Error() string {
	if len(e.Ambiguous) > 0 {
		return fmt.Sprintf("interface %q could be any of %s", e.Spec, strings.Join(names(e.Ambiguous), ", "))
	}
	if len(e.Known) == 0 {
		return fmt.Sprintf("no capture interface %q, and the capture library lists none", e.Spec)
	}
	return fmt.Sprintf("no capture interface %q", e.Spec)
}

// Label is how a person recognises the interface: its friendly name and
// index where known, else its capture name.
func (i Interface) Label() string {
	switch {
	case i.Friendly != "" && i.Friendly != i.Name:
		return fmt.Sprintf("%q (index %d, %s)", i.Friendly, i.Index, i.Name)
	case i.Index != 0:
		return fmt.Sprintf("%s (index %d)", i.Name, i.Index)
	}
	return i.Name
}

// HostAddrs are the interface's addresses, without prefix lengths.
func (i Interface) HostAddrs() []netip.Addr {
	out := make([]netip.Addr, 0, len(i.Addrs))
	for _, p := range i.Addrs {
		if a := p.Addr().Unmap().WithZone(""); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func names(ifs []Interface) []string {
	out := make([]string, len(ifs))
	for k, i := range ifs {
		out[k] = i.Label()
	}
	return out
}
