package hostfacts

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// The readers of the Get-Net* cmdlets' outputs, in each of the forms
// people paste them: the default view, Format-List (with or without *),
// Format-Table, Select-Object. PowerShell prints property names and enum
// values untranslated, so they read the same on every Windows.

// ParseNetIPInterface reads `Get-NetIPInterface` in any form. The
// default table view has no weak host columns: its objects come back
// with the settings Unknown, and HasModel says whether any was printed.
func ParseNetIPInterface(text string) ([]NetIPInterface, error) {
	var got []NetIPInterface
	for _, o := range parsePSObjects(text) {
		idx, _ := strconv.Atoi(o.get("InterfaceIndex", "ifIndex"))
		if idx <= 0 {
			continue
		}
		got = append(got, NetIPInterface{Index: idx, Alias: o.get("InterfaceAlias", "ifAlias"),
			IPv6: o.get("AddressFamily") == "IPv6", Down: o.get("ConnectionState") == "Disconnected",
			Model: HostModel{WeakHostSend: setting(o.get("WeakHostSend")), WeakHostReceive: setting(o.get("WeakHostReceive"))}})
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("Get-NetIPInterface: no ifIndex: %w", ErrFormat)
	}
	return got, nil
}

// HasModel reports whether any of ns holds a weak host setting.
func HasModel(ns []NetIPInterface) bool {
	for _, n := range ns {
		if n.Model.WeakHostSend != Unknown || n.Model.WeakHostReceive != Unknown {
			return true
		}
	}
	return false
}

// NetIPAddress is one Get-NetIPAddress object.
type NetIPAddress struct {
	Index  int
	Alias  string
	Prefix netip.Prefix
}

// ParseNetIPAddress reads `Get-NetIPAddress` (default list view, or a
// table).
func ParseNetIPAddress(text string) ([]NetIPAddress, error) {
	var out []NetIPAddress
	for _, o := range parsePSObjects(text) {
		idx, _ := strconv.Atoi(o.get("InterfaceIndex", "ifIndex"))
		a, err := netip.ParseAddr(o.get("IPAddress"))
		if idx <= 0 || err != nil {
			continue
		}
		a = a.WithZone("")
		bits, err := strconv.Atoi(o.get("PrefixLength"))
		if err != nil || bits < 0 || bits > a.BitLen() {
			bits = a.BitLen()
		}
		out = append(out, NetIPAddress{Index: idx, Alias: o.get("InterfaceAlias", "ifAlias"), Prefix: netip.PrefixFrom(a, bits)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("Get-NetIPAddress: no IPAddress with an InterfaceIndex: %w", ErrFormat)
	}
	return out, nil
}

// ParseNetAdapter reads `Get-NetAdapter` (default table, or a list): the
// name, description, index and status of each adapter. The default
// table cuts a long description with "...".
func ParseNetAdapter(text string) ([]Interface, error) {
	var out []Interface
	for _, o := range parsePSObjects(text) {
		idx, _ := strconv.Atoi(o.get("ifIndex", "InterfaceIndex"))
		name := o.get("Name", "InterfaceAlias", "ifAlias")
		if idx <= 0 || name == "" {
			continue
		}
		st := o.get("Status", "MediaConnectionState")
		out = append(out, Interface{Index: idx, Name: name, Description: strings.TrimSuffix(o.get("InterfaceDescription", "ifDesc"), "..."),
			Down: st == "Disconnected" || st == "Disabled" || st == "Not Present"})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("Get-NetAdapter: no adapter with a Name and ifIndex: %w", ErrFormat)
	}
	return out, nil
}

// ParseNetRoute reads `Get-NetRoute` (default table, or a list) and
// returns the indexes of the interfaces that hold a default route with a
// next hop.
func ParseNetRoute(text string) ([]int, error) {
	var gw []int
	seen := false
	for _, o := range parsePSObjects(text) {
		idx, _ := strconv.Atoi(o.get("ifIndex", "InterfaceIndex"))
		dest := o.get("DestinationPrefix")
		if idx <= 0 || dest == "" {
			continue
		}
		seen = true
		hop, err := netip.ParseAddr(o.get("NextHop"))
		if (dest == "0.0.0.0/0" || dest == "::/0") && err == nil && !hop.IsUnspecified() {
			gw = append(gw, idx)
		}
	}
	if !seen {
		return nil, fmt.Errorf("Get-NetRoute: no route with an ifIndex: %w", ErrFormat)
	}
	return gw, nil
}

// ParseNetFirewallProfile reads `Get-NetFirewallProfile` (list or table):
// each profile's Name and Enabled.
func ParseNetFirewallProfile(text string) ([]FirewallProfile, error) {
	var out []FirewallProfile
	for _, o := range parsePSObjects(text) {
		name, en := o.get("Name"), o.get("Enabled")
		if name == "" || en == "" {
			continue
		}
		p := FirewallProfile{Name: name, On: Disabled}
		if en == "True" {
			p.On = Enabled
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("Get-NetFirewallProfile: no profile with Name and Enabled: %w", ErrFormat)
	}
	return out, nil
}

// ParseWebBinding reads `Get-WebBinding` (IIS's WebAdministration module;
// default table "protocol bindingInformation sslFlags", or a list) as one
// site holding every binding: the module prints no site name.
func ParseWebBinding(text string) ([]Site, error) {
	s := Site{Name: "", State: "Started"}
	seen := false
	for _, o := range parsePSObjects(text) {
		proto, info := o.get("protocol"), o.get("bindingInformation")
		if proto == "" && info == "" {
			continue
		}
		seen = true
		if b, ok := siteBinding(proto + "/" + info); ok {
			s.Bindings = append(s.Bindings, b)
		}
	}
	if !seen {
		return nil, fmt.Errorf("Get-WebBinding: no binding: %w", ErrFormat)
	}
	return []Site{s}, nil
}
