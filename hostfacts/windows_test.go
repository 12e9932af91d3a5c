package hostfacts

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readBundle(t *testing.T, locale, name string) []Output {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "hostfacts", "windows", locale, name))
	if err != nil {
		t.Fatal(err)
	}
	return SplitBundle(string(b))
}

// outputOf is the output of the first command of kind k in outs.
func outputOf(t *testing.T, outs []Output, k kind, arg string) string {
	t.Helper()
	for _, o := range outs {
		if ck, _, a := classify(o.Command); ck == k && a == arg {
			return o.Text
		}
	}
	t.Fatalf("no output of kind %d %q in %d outputs", k, arg, len(outs))
	return ""
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func TestParseNetshInterfaces(t *testing.T) {
	for _, tc := range []struct {
		locale, file string
		want         []Interface
	}{
		{"en", "before.txt", []Interface{{Index: 1, Name: "Loopback Pseudo-Interface 1", Software: true}, {Index: 12, Name: "Ethernet"}, {Index: 7, Name: "Ethernet 2", Down: true}}},
		{"zh", "before.txt", []Interface{{Index: 1, Name: "Loopback Pseudo-Interface 1", Software: true}, {Index: 12, Name: "以太网"}, {Index: 7, Name: "以太网 2", Down: true}}},
		{"zh", "half.txt", []Interface{{Index: 1, Name: "Loopback Pseudo-Interface 1", Software: true}, {Index: 12, Name: "以太网"}, {Index: 14, Name: "环回"}}},
	} {
		got, err := ParseNetshInterfaces(outputOf(t, readBundle(t, tc.locale, tc.file), kNetshIfaces, ""))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
}

func TestParseNetshInterface(t *testing.T) {
	off := HostModel{WeakHostSend: Disabled, WeakHostReceive: Disabled}
	on := HostModel{WeakHostSend: Enabled, WeakHostReceive: Enabled}
	for _, tc := range []struct {
		locale, file, idx string
		want              []NetshDetail
	}{
		{"en", "before.txt", "12", []NetshDetail{{Index: 12, Name: "Ethernet", Model: off}}},
		{"zh", "before.txt", "12", []NetshDetail{{Index: 12, Name: "以太网", Model: off}}},
		{"zh", "half.txt", "14", []NetshDetail{{Index: 14, Name: "环回", Model: on}}},
	} {
		got, err := ParseNetshInterface(outputOf(t, readBundle(t, tc.locale, tc.file), kNetshIface, tc.idx))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
}

func TestParseIpconfig(t *testing.T) {
	for _, tc := range []struct {
		locale, file string
		want         []Interface
	}{
		{"en", "before.txt", []Interface{
			{Name: "Ethernet", Description: "Microsoft Hyper-V Network Adapter", Gateway: true, Addrs: []netip.Prefix{pfx("fe80::5d1c:2e3f:4a5b:6c7d/128"), pfx("10.0.0.5/24")}},
			{Name: "Ethernet 2", Description: "Microsoft Hyper-V Network Adapter #2", Down: true}}},
		{"en", "after.txt", []Interface{
			{Name: "Ethernet", Description: "Intel(R) 82574L Gigabit Network Connection", Gateway: true, Addrs: []netip.Prefix{pfx("10.0.0.5/24")}},
			{Name: "Loopback", Description: "Microsoft KM-TEST Loopback Adapter", Loopback: true, Addrs: []netip.Prefix{pfx("fe80::8c3a:11d2:93be:4a07/128"), pfx("192.0.2.10/32")}}}},
		{"zh", "before.txt", []Interface{
			{Name: "以太网", Description: "Red Hat VirtIO Ethernet Adapter", Gateway: true, Addrs: []netip.Prefix{pfx("fe80::7a2b:3c4d:5e6f:8091/128"), pfx("10.0.0.5/24")}},
			{Name: "以太网 2", Description: "Red Hat VirtIO Ethernet Adapter #2", Down: true}}},
		{"zh", "half.txt", []Interface{
			{Name: "以太网", Description: "Red Hat VirtIO Ethernet Adapter", Gateway: true, Addrs: []netip.Prefix{pfx("10.0.0.5/24")}},
			{Name: "环回", Description: "Microsoft KM-TEST 环回适配器", Loopback: true, Addrs: []netip.Prefix{pfx("192.0.2.10/32")}}}},
	} {
		got, err := ParseIpconfig(outputOf(t, readBundle(t, tc.locale, tc.file), kIpconfig, ""))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
}

func TestParseNetIPInterface(t *testing.T) {
	got, err := ParseNetIPInterface(outputOf(t, readBundle(t, "en", "after.txt"), kNetIPInterface, ""))
	if err != nil {
		t.Fatal(err)
	}
	want := []NetIPInterface{
		{Index: 14, Alias: "Loopback", Model: HostModel{WeakHostSend: Enabled, WeakHostReceive: Enabled}},
		{Index: 12, Alias: "Ethernet", Model: HostModel{WeakHostSend: Disabled, WeakHostReceive: Enabled}},
		{Index: 1, Alias: "Loopback Pseudo-Interface 1", Model: HostModel{WeakHostSend: Disabled, WeakHostReceive: Disabled}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseSSLCert(t *testing.T) {
	hash := "5b1e0c9a3f4d2e8b7c6a1d0f9e8d7c6b5a4f3e2d"
	for _, tc := range []struct {
		locale, file string
		want         []SSLBinding
	}{
		{"en", "before.txt", []SSLBinding{{IPPort: netip.MustParseAddrPort("0.0.0.0:443"), Port: 443, CertHash: hash}}},
		{"en", "after.txt", []SSLBinding{{Hostname: "www.example.com", Port: 443, CertHash: hash},
			{IPPort: netip.MustParseAddrPort("10.0.0.5:443"), Port: 443, CertHash: hash}}},
		{"zh", "before.txt", []SSLBinding{{IPPort: netip.MustParseAddrPort("0.0.0.0:443"), Port: 443, CertHash: hash}}},
		{"zh", "half.txt", []SSLBinding{{IPPort: netip.MustParseAddrPort("10.0.0.5:443"), Port: 443, CertHash: hash},
			{Hostname: "shop.example.cn", Port: 443, CertHash: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"}}},
	} {
		got, err := ParseSSLCert(outputOf(t, readBundle(t, tc.locale, tc.file), kSSLCert, ""))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
	if got, err := ParseSSLCert("\nSSL Certificate bindings:\n-------------------------\n\n"); err != nil || len(got) != 0 {
		t.Errorf("no bindings: got %v, %v; want none, no error", got, err)
	}
	if _, err := ParseSSLCert("The system cannot find the file specified.\n"); err == nil {
		t.Error("an error message parsed as sslcert output")
	}
}

func TestParseAppcmdSites(t *testing.T) {
	star443 := SiteBinding{Protocol: "https", Port: 443}
	http80 := SiteBinding{Protocol: "http", Port: 80}
	own := SiteBinding{Protocol: "https", Addr: netip.MustParseAddr("10.0.0.5"), Port: 443}
	for _, tc := range []struct {
		locale, file string
		want         []Site
	}{
		{"en", "before.txt", []Site{{Name: "Default Web Site", ID: 1, State: "Started", Bindings: []SiteBinding{http80, star443}}}},
		{"en", "after.txt", []Site{{Name: "Default Web Site", ID: 1, State: "Stopped", Bindings: []SiteBinding{http80}},
			{Name: "shop", ID: 2, State: "Started", Bindings: []SiteBinding{own, {Protocol: "https", Port: 443, Host: "www.example.com"}}}}},
		{"zh", "before.txt", []Site{{Name: "Default Web Site", ID: 1, State: "Started", Bindings: []SiteBinding{http80, star443}}}},
		{"zh", "half.txt", []Site{{Name: "Default Web Site", ID: 1, State: "Stopped", Bindings: []SiteBinding{http80}},
			{Name: "商城", ID: 2, State: "Started", Bindings: []SiteBinding{own, {Protocol: "https", Port: 443, Host: "shop.example.cn"}}}}},
	} {
		got, err := ParseAppcmdSites(outputOf(t, readBundle(t, tc.locale, tc.file), kAppcmd, ""))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
}

func TestParseFirewallProfiles(t *testing.T) {
	for _, tc := range []struct {
		locale, file string
		want         []FirewallProfile
	}{
		{"en", "before.txt", []FirewallProfile{{"Domain", Enabled}, {"Private", Enabled}, {"Public", Enabled}}},
		{"zh", "before.txt", []FirewallProfile{{"域", Enabled}, {"专用", Enabled}, {"公用", Enabled}}},
		{"zh", "half.txt", []FirewallProfile{{"域", Enabled}, {"专用", Enabled}, {"公用", Disabled}}},
	} {
		got, err := ParseFirewallProfiles(outputOf(t, readBundle(t, tc.locale, tc.file), kFirewall, ""))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tc.locale, tc.file, d)
		}
	}
}

func TestParseVer(t *testing.T) {
	for _, tc := range []struct{ locale, file, want, name string }{
		{"en", "before.txt", "10.0.20348", "Windows Server 2022"},
		{"en", "after.txt", "6.3.9600", "Windows Server 2012 R2"},
		{"zh", "before.txt", "10.0.17763", "Windows Server 2019"},
		{"zh", "half.txt", "6.2.9200", "Windows Server 2012"},
	} {
		got, err := ParseVer(outputOf(t, readBundle(t, tc.locale, tc.file), kVer, ""))
		if err != nil || got != tc.want || WindowsName(got) != tc.name {
			t.Errorf("%s/%s: got %q (%s), %v; want %q (%s)", tc.locale, tc.file, got, WindowsName(got), err, tc.want, tc.name)
		}
	}
}

// TestFromOutputs joins every output of a bundle into one Facts value,
// CRLF line ends and all, as a customer's file from Windows has them.
func TestFromOutputs(t *testing.T) {
	off := HostModel{WeakHostSend: Disabled, WeakHostReceive: Disabled}
	on := HostModel{WeakHostSend: Enabled, WeakHostReceive: Enabled}
	b, err := os.ReadFile(filepath.Join("..", "testdata", "hostfacts", "windows", "zh", "half.txt"))
	if err != nil {
		t.Fatal(err)
	}
	crlf := strings.ReplaceAll(string(b), "\n", "\r\n")
	got, err := FromOutputs("half.txt", SplitBundle(crlf))
	if err != nil {
		t.Fatal(err)
	}
	own := SiteBinding{Protocol: "https", Addr: netip.MustParseAddr("10.0.0.5"), Port: 443}
	want := &Facts{OS: "windows", OSVersion: "6.2.9200", Source: "half.txt", ConfAll: unreadConf, ConfDefault: unreadConf,
		Interfaces: []Interface{
			{Index: 1, Name: "Loopback Pseudo-Interface 1", Software: true, Conf: unreadConf},
			{Index: 12, Name: "以太网", Description: "Red Hat VirtIO Ethernet Adapter", Gateway: true, Addrs: []netip.Prefix{pfx("10.0.0.5/24")}, IPv4: off, Conf: unreadConf},
			{Index: 14, Name: "环回", Description: "Microsoft KM-TEST 环回适配器", Loopback: true, Addrs: []netip.Prefix{pfx("192.0.2.10/32")}, IPv4: on, Conf: unreadConf},
		},
		SSLBindings: []SSLBinding{{IPPort: netip.MustParseAddrPort("10.0.0.5:443"), Port: 443, CertHash: "5b1e0c9a3f4d2e8b7c6a1d0f9e8d7c6b5a4f3e2d"},
			{Hostname: "shop.example.cn", Port: 443, CertHash: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"}},
		Sites: []Site{{Name: "Default Web Site", ID: 1, State: "Stopped", Bindings: []SiteBinding{{Protocol: "http", Port: 80}}},
			{Name: "商城", ID: 2, State: "Started", Bindings: []SiteBinding{own, {Protocol: "https", Port: 443, Host: "shop.example.cn"}}}},
		Firewall:  []FirewallProfile{{"域", Enabled}, {"专用", Enabled}, {"公用", Disabled}},
		AddrsRead: true, SSLRead: true, SitesRead: true, FirewallRead: true, RoutesRead: true,
	}
	cmpIP := cmp.Options{cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })}
	if d := cmp.Diff(want, got, cmpIP); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	vip := netip.MustParseAddr("192.0.2.10")
	if o := got.Owner(vip); o == nil || o.Index != 14 {
		t.Errorf("Owner(%s) = %+v, want interface 14", vip, o)
	}
	if got.SSLCovers(netip.AddrPortFrom(vip, 443), "") || !got.SSLCovers(netip.AddrPortFrom(vip, 443), "shop.example.cn") {
		t.Error("SSLCovers: want no IP binding for the VIP, an SNI binding for shop.example.cn")
	}
}

// TestFromOutputsEveryBundle checks each sample yields the interfaces its
// README line describes, the VIP where it says.
func TestFromOutputsEveryBundle(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	for _, tc := range []struct {
		locale, file string
		vipIdx       int // 0: the VIP on no interface
		nic          HostModel
	}{
		{"en", "before.txt", 0, HostModel{Disabled, Disabled}},
		{"en", "after.txt", 14, HostModel{Disabled, Enabled}},
		{"zh", "before.txt", 0, HostModel{Disabled, Disabled}},
		{"zh", "half.txt", 14, HostModel{Disabled, Disabled}},
	} {
		f, err := FromOutputs(tc.file, readBundle(t, tc.locale, tc.file))
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.locale, tc.file, err)
		}
		if len(f.Unread) > 0 {
			t.Errorf("%s/%s: unread: %q", tc.locale, tc.file, f.Unread)
		}
		idx := 0
		if o := f.Owner(vip); o != nil {
			idx = o.Index
		}
		nic := f.ByIndex(12)
		if idx != tc.vipIdx || nic == nil || nic.IPv4 != tc.nic {
			t.Errorf("%s/%s: VIP on %d, NIC %+v; want VIP on %d, NIC IPv4 %+v", tc.locale, tc.file, idx, nic, tc.vipIdx, tc.nic)
		}
	}
}

func TestSplitBundlePrompts(t *testing.T) {
	text := "junk before\nPS C:\\Users\\admin> netsh int ipv4 sh int 12\nA\nC:\\>ipconfig /all\nB\nroot@web01:~# sysctl -a\nC\n[root@web01 ~]# ss -ltn\nD\n$ echo hi\nE\n"
	got := SplitBundle(text)
	// Every prompt ends the output before it, whether slbdiag reads its
	// command or not.
	want := []Output{{"netsh int ipv4 sh int 12", "A", 2}, {"ipconfig /all", "B", 4}, {"sysctl -a", "C", 6}, {"ss -ltn", "D", 8}, {"echo hi", "E", 10}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
