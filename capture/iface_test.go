package capture

import (
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// netipOpts compares netip values, whose fields are unexported, by ==.
var netipOpts = cmp.Options{
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
}

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

const (
	guidNIC  = "{5B3D7A6C-1E2F-4A5B-9C8D-0E1F2A3B4C5D}"
	guidLoop = "{9E8D7C6B-5A4F-4E3D-8C2B-1A0F9E8D7C6B}"
)

// Shaped like Npcap's pcap_findalldevs on Windows Server with a KM-TEST
// loopback adapter holding the VIP: devices named by GUID, the adapter
// model as description, Npcap's own loopback device without addresses.
// Written by hand (no Windows machine here), not recorded.
var windowsDevs = []Device{
	{Name: `\Device\NPF_` + guidNIC, Description: "Intel(R) 82574L Gigabit Network Connection", Flags: 0x16, Addrs: prefixes("fe80::5d1:2a3b:4c5d:6e7f/64", "10.0.0.5/24")},
	{Name: `\Device\NPF_` + guidLoop, Description: "Microsoft KM-TEST Loopback Adapter", Flags: 0x16, Addrs: prefixes("fe80::9c8d:7e6f:5a4b:3c2d/64", "192.0.2.10/32")},
	{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture", Flags: 0x37},
}

// What Go's net.Interfaces gives on the same host: friendly names, and no
// GUIDs, as when GetAdaptersAddresses fails, so the join falls back to addresses.
var windowsOS = []OSInterface{
	{Index: 6, Name: "Ethernet", Flags: net.FlagUp | net.FlagBroadcast | net.FlagMulticast, Addrs: prefixes("fe80::5d1:2a3b:4c5d:6e7f/64", "10.0.0.5/24")},
	{Index: 12, Name: "Ethernet 2", Flags: net.FlagUp | net.FlagBroadcast | net.FlagMulticast, Addrs: prefixes("fe80::9c8d:7e6f:5a4b:3c2d/64", "192.0.2.10/32")},
	{Index: 1, Name: "Loopback Pseudo-Interface 1", Flags: net.FlagUp | net.FlagLoopback | net.FlagMulticast, Addrs: prefixes("::1/128", "127.0.0.1/8")},
}

// Recorded from libpcap on Linux 6.18 ('slbdiag interfaces' on the
// development machine), shortened.
var linuxDevs = []Device{
	{Name: "eth0", Flags: 0x16, Addrs: prefixes("192.0.2.2/24", "fd00::2/64", "fe80::fc:ff:fe00:1/64")},
	{Name: "any", Description: "Pseudo-device that captures on all interfaces", Flags: 0x36},
	{Name: "lo", Flags: 0x37, Addrs: prefixes("127.0.0.1/8", "::1/128")},
	{Name: "nflog", Description: "Linux netfilter log (NFLOG) interface", Flags: 0x30},
}

var linuxOS = []OSInterface{
	{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagLoopback, Addrs: prefixes("127.0.0.1/8", "::1/128")},
	{Index: 4, Name: "eth0", Flags: net.FlagUp | net.FlagBroadcast, Addrs: prefixes("192.0.2.2/24", "fd00::2/64", "fe80::fc:ff:fe00:1/64")},
}

func TestJoinInterfacesWindows(t *testing.T) {
	got := JoinInterfaces(windowsDevs, windowsOS)
	want := []Interface{
		{Name: `\Device\NPF_` + guidNIC, Friendly: "Ethernet", Description: "Intel(R) 82574L Gigabit Network Connection", Index: 6,
			Addrs: prefixes("fe80::5d1:2a3b:4c5d:6e7f/64", "10.0.0.5/24"), Flags: []string{"up", "running"}},
		{Name: `\Device\NPF_` + guidLoop, Friendly: "Ethernet 2", Description: "Microsoft KM-TEST Loopback Adapter", Index: 12,
			Addrs: prefixes("fe80::9c8d:7e6f:5a4b:3c2d/64", "192.0.2.10/32"), Flags: []string{"up", "running"}},
		{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture", Flags: []string{"up", "running", "loopback"}},
	}
	if diff := cmp.Diff(want, got, netipOpts); diff != "" {
		t.Errorf("JoinInterfaces (-want +got):\n%s", diff)
	}
}

func TestJoinInterfacesLinux(t *testing.T) {
	got := JoinInterfaces(linuxDevs, linuxOS)
	want := []Interface{
		{Name: "eth0", Friendly: "eth0", Index: 4, Addrs: prefixes("192.0.2.2/24", "fd00::2/64", "fe80::fc:ff:fe00:1/64"), Flags: []string{"up", "running"}},
		{Name: "any", Description: "Pseudo-device that captures on all interfaces", Flags: []string{"up", "running"}},
		{Name: "lo", Friendly: "lo", Index: 1, Addrs: prefixes("127.0.0.1/8", "::1/128"), Flags: []string{"up", "running", "loopback"}},
		{Name: "nflog", Description: "Linux netfilter log (NFLOG) interface"},
	}
	if diff := cmp.Diff(want, got, netipOpts); diff != "" {
		t.Errorf("JoinInterfaces (-want +got):\n%s", diff)
	}
}

// A device without addresses takes the OS's, so that -i by address and the
// host addresses work where the capture library lists none.
func TestJoinTakesOSAddresses(t *testing.T) {
	got := JoinInterfaces([]Device{{Name: "veth-be"}}, []OSInterface{{Index: 9, Name: "veth-be", Addrs: prefixes("10.2.0.2/24")}})
	if len(got) != 1 || got[0].Index != 9 || !cmp.Equal(got[0].Addrs, prefixes("10.2.0.2/24"), netipOpts) {
		t.Errorf("got %+v", got)
	}
}

func TestFindInterface(t *testing.T) {
	win := JoinInterfaces(windowsDevs, windowsOS)
	lin := JoinInterfaces(linuxDevs, linuxOS)
	tests := []struct {
		name string
		ifs  []Interface
		spec string
		want string // Name of the interface found
	}{
		{"windows friendly name", win, "Ethernet", `\Device\NPF_` + guidNIC},
		{"windows friendly name, other case", win, "ethernet 2", `\Device\NPF_` + guidLoop},
		{"windows description", win, "Microsoft KM-TEST Loopback Adapter", `\Device\NPF_` + guidLoop},
		{"windows index", win, "6", `\Device\NPF_` + guidNIC},
		{"windows device name", win, `\Device\NPF_Loopback`, `\Device\NPF_Loopback`},
		{"windows GUID alone", win, lowerASCII(guidNIC), `\Device\NPF_` + guidNIC},
		{"windows address", win, "10.0.0.5", `\Device\NPF_` + guidNIC},
		{"windows VIP on the loopback adapter", win, "192.0.2.10", `\Device\NPF_` + guidLoop},
		{"linux name", lin, "eth0", "eth0"},
		{"linux index", lin, "1", "lo"},
		{"linux IPv6 address", lin, "fd00::2", "eth0"},
		{"linux any", lin, "any", "any"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FindInterface(tt.ifs, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want {
				t.Errorf("FindInterface(%q) = %s, want %s", tt.spec, got.Name, tt.want)
			}
		})
	}
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestFindInterfaceErrors(t *testing.T) {
	win := JoinInterfaces(windowsDevs, windowsOS)
	twins := []Interface{
		{Name: `\Device\NPF_{A}`, Description: "Hyper-V Virtual Ethernet Adapter"},
		{Name: `\Device\NPF_{B}`, Description: "Hyper-V Virtual Ethernet Adapter"},
	}
	tests := []struct {
		name, spec string
		ifs        []Interface
		want       string
		ambiguous  int
	}{
		{"unknown", "eth0", win, `no capture interface "eth0"`, 0},
		{"unknown index", "99", win, `no capture interface "99"`, 0},
		{"address of no interface", "10.0.0.6", win, `no capture interface "10.0.0.6"`, 0},
		{"no interfaces at all", "eth0", nil, `no capture interface "eth0", and the capture library lists none`, 0},
		{"ambiguous", "hyper-v virtual ethernet adapter", twins, `interface "hyper-v virtual ethernet adapter" could be any of \Device\NPF_{A}, \Device\NPF_{B}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FindInterface(tt.ifs, tt.spec)
			var ie *InterfaceError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an *InterfaceError", err)
			}
			if err.Error() != tt.want || len(ie.Ambiguous) != tt.ambiguous || len(ie.Known) != len(tt.ifs) {
				t.Errorf("error %q (%d ambiguous, %d known), want %q (%d, %d)", err, len(ie.Ambiguous), len(ie.Known), tt.want, tt.ambiguous, len(tt.ifs))
			}
		})
	}
}

func TestLabel(t *testing.T) {
	win := JoinInterfaces(windowsDevs, windowsOS)
	lin := JoinInterfaces(linuxDevs, linuxOS)
	for _, tt := range []struct {
		ifc  Interface
		want string
	}{
		{win[0], `"Ethernet" (index 6, \Device\NPF_` + guidNIC + `)`},
		{win[2], `\Device\NPF_Loopback`},
		{lin[0], "eth0 (index 4)"},
		{lin[1], "any"},
	} {
		if got := tt.ifc.Label(); got != tt.want {
			t.Errorf("Label() = %s, want %s", got, tt.want)
		}
	}
}

func TestHostAddrs(t *testing.T) {
	ifc := Interface{Addrs: prefixes("10.0.0.5/24", "::ffff:10.0.0.5/128", "fe80::1/64")}
	want := []netip.Addr{netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("fe80::1")}
	if diff := cmp.Diff(want, ifc.HostAddrs(), netipOpts); diff != "" {
		t.Errorf("HostAddrs (-want +got):\n%s", diff)
	}
}

func TestClassifyOpenError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		detail string
		is     error
		want   string
	}{
		{"linux not root", errors.New("Permission Denied"), "", ErrPermission,
			"opening eth0: no permission to capture: Permission Denied"},
		{"linux socket refused", errors.New("Generic error"), "socket: Operation not permitted", ErrPermission,
			"opening eth0 (socket: Operation not permitted): no permission to capture: Generic error"},
		{"no npcap", errors.New("couldn't load wpcap.dll"), "", ErrNoNpcap,
			"opening eth0: npcap is not installed: wpcap.dll not found"},
		{"npcap admin only", errors.New("Generic error"), "Error opening adapter: Access is denied.  (5)", ErrPermission,
			"opening eth0 (Error opening adapter: Access is denied.  (5)): no permission to capture: Generic error"},
		{"other", errors.New("No Such Device"), "", nil, "opening eth0: No Such Device"},
	}
	for _, tt := range tests {
		got := classifyOpenError("eth0", tt.err, tt.detail)
		if got.Error() != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if tt.is != nil && !errors.Is(got, tt.is) {
			t.Errorf("%s: %v does not wrap %v", tt.name, got, tt.is)
		}
		if tt.is == nil && (errors.Is(got, ErrPermission) || errors.Is(got, ErrNoNpcap)) {
			t.Errorf("%s: %v classified as a known cause", tt.name, got)
		}
	}
}

// withGUID is the OS list as osInterfaces gives it on Windows, where
// GetAdaptersAddresses names each adapter's GUID.
func withGUID(o OSInterface, guid string) OSInterface { o.GUID = guid; return o }

// TestJoinInterfacesByGUID covers the adapters a join by address gets
// wrong. The lists are shaped like Npcap's pcap_findalldevs and
// GetAdaptersAddresses on Windows Server (devices named by GUID, GUIDs
// upper case as Windows writes them), written by hand: no Windows machine
// here to record from.
func TestJoinInterfacesByGUID(t *testing.T) {
	const (
		guidLL    = "{0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9}"
		guidTeamA = "{11111111-2222-4333-8444-555555555555}"
		guidTeamB = "{66666666-7777-4888-9999-AAAAAAAAAAAA}"
	)
	flags := net.FlagUp | net.FlagBroadcast | net.FlagMulticast
	devs := []Device{
		// The VIP's loopback adapter before the VIP was added: link-local only.
		{Name: `\Device\NPF_` + guidLL, Description: "Microsoft KM-TEST Loopback Adapter", Flags: 0x16, Addrs: prefixes("fe80::1c2d:3e4f:5a6b:7c8d/64")},
		// Two adapters holding the same address (a clone left from a template,
		// or a failover pair mid-switch); Npcap writes GUIDs in its own case.
		{Name: `\Device\NPF_` + lowerASCII(guidTeamA), Description: "vmxnet3 Ethernet Adapter", Flags: 0x16, Addrs: prefixes("10.0.0.7/24")},
		{Name: `\Device\NPF_` + guidTeamB, Description: "vmxnet3 Ethernet Adapter #2", Flags: 0x16, Addrs: prefixes("10.0.0.7/24")},
		// DHCP moved the NIC to a new address after Npcap listed it.
		{Name: `\Device\NPF_` + guidNIC, Description: "Intel(R) 82574L Gigabit Network Connection", Flags: 0x16, Addrs: prefixes("10.0.0.5/24")},
		{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture", Flags: 0x37},
	}
	oss := []OSInterface{
		{Index: 1, Name: "Loopback Pseudo-Interface 1", Flags: net.FlagUp | net.FlagLoopback, Addrs: prefixes("::1/128", "127.0.0.1/8"),
			GUID: "{D4E5F6A7-B8C9-4DA0-8B1C-2D3E4F5A6B7C}"},
		withGUID(OSInterface{Index: 6, Name: "Ethernet", Flags: flags, Addrs: prefixes("10.0.0.9/24")}, guidNIC),
		withGUID(OSInterface{Index: 14, Name: "Ethernet 3", Flags: flags, Addrs: prefixes("10.0.0.7/24")}, guidTeamB),
		withGUID(OSInterface{Index: 13, Name: "Ethernet 2", Flags: flags, Addrs: prefixes("10.0.0.7/24")}, guidTeamA),
		withGUID(OSInterface{Index: 21, Name: "Loopback VIP", Flags: flags, Addrs: prefixes("fe80::1c2d:3e4f:5a6b:7c8d/64")}, guidLL),
	}
	got := JoinInterfaces(devs, oss)
	want := []Interface{
		{Name: `\Device\NPF_` + guidLL, Friendly: "Loopback VIP", Description: "Microsoft KM-TEST Loopback Adapter", Index: 21,
			Addrs: prefixes("fe80::1c2d:3e4f:5a6b:7c8d/64"), Flags: []string{"up", "running"}},
		{Name: `\Device\NPF_` + lowerASCII(guidTeamA), Friendly: "Ethernet 2", Description: "vmxnet3 Ethernet Adapter", Index: 13,
			Addrs: prefixes("10.0.0.7/24"), Flags: []string{"up", "running"}},
		{Name: `\Device\NPF_` + guidTeamB, Friendly: "Ethernet 3", Description: "vmxnet3 Ethernet Adapter #2", Index: 14,
			Addrs: prefixes("10.0.0.7/24"), Flags: []string{"up", "running"}},
		{Name: `\Device\NPF_` + guidNIC, Friendly: "Ethernet", Description: "Intel(R) 82574L Gigabit Network Connection", Index: 6,
			Addrs: prefixes("10.0.0.5/24"), Flags: []string{"up", "running"}},
		// Npcap's loopback device is no adapter: it has no GUID, and is not
		// joined to the loopback pseudo-interface by its absent addresses.
		{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture", Flags: []string{"up", "running", "loopback"}},
	}
	if diff := cmp.Diff(want, got, netipOpts); diff != "" {
		t.Errorf("JoinInterfaces (-want +got):\n%s", diff)
	}
	// Each can now be chosen by friendly name and by index.
	for spec, name := range map[string]string{"Loopback VIP": devs[0].Name, "21": devs[0].Name, "Ethernet 2": devs[1].Name,
		"14": devs[2].Name, "Ethernet": devs[3].Name} {
		if ifc, err := FindInterface(got, spec); err != nil || ifc.Name != name {
			t.Errorf("FindInterface(%q) = %s, %v; want %s", spec, ifc.Name, err, name)
		}
	}
}

// With GUIDs known, an address shared with an adapter of another GUID
// joins nothing: better no friendly name than the wrong one.
func TestJoinByGUIDIgnoresAddresses(t *testing.T) {
	devs := []Device{{Name: `\Device\NPF_` + guidNIC, Addrs: prefixes("10.0.0.5/24")}}
	oss := []OSInterface{withGUID(OSInterface{Index: 6, Name: "Ethernet", Addrs: prefixes("10.0.0.5/24")}, guidLoop)}
	if got := JoinInterfaces(devs, oss); got[0].Friendly != "" || got[0].Index != 0 {
		t.Errorf("joined %s to %q (index %d), want no join", devs[0].Name, got[0].Friendly, got[0].Index)
	}
}

func TestNpfGUID(t *testing.T) {
	for _, tt := range []struct {
		name, guid string
		ok         bool
	}{
		{`\Device\NPF_` + guidNIC, guidNIC, true},
		{`\device\npf_` + lowerASCII(guidNIC), lowerASCII(guidNIC), true},
		{`\Device\NPF_Loopback`, "Loopback", false},
		{`\Device\NPF_`, "", false},
		{"eth0", "", false},
		{guidNIC, "", false},
	} {
		guid, ok := npfGUID(tt.name)
		if guid != tt.guid || ok != tt.ok {
			t.Errorf("npfGUID(%q) = %q, %v; want %q, %v", tt.name, guid, ok, tt.guid, tt.ok)
		}
	}
}

func TestWithGUIDs(t *testing.T) {
	oss := []OSInterface{{Index: 1, Name: "Loopback Pseudo-Interface 1"}, {Index: 6, Name: "Ethernet"}}
	got := withGUIDs(oss, map[int]string{6: guidNIC, 9: guidLoop})
	want := []OSInterface{{Index: 1, Name: "Loopback Pseudo-Interface 1"}, {Index: 6, Name: "Ethernet", GUID: guidNIC}}
	if diff := cmp.Diff(want, got, netipOpts); diff != "" {
		t.Errorf("withGUIDs (-want +got):\n%s", diff)
	}
}
