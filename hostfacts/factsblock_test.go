package hostfacts

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

var collectedDir = filepath.Join("..", "testdata", "hostfacts", "collected")

// TestCollectedRoundTrip: what WriteCollected writes, the reader reads
// back as it was, raw outputs left aside.
func TestCollectedRoundTrip(t *testing.T) {
	linux := &Facts{OS: "linux", OSVersion: "6.1.0", Source: "x",
		Interfaces: []Interface{
			{Index: 1, Name: "lo", Loopback: true, Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("192.0.2.10/32")}, Conf: IPv4Conf{0, 0, 0}},
			{Index: 2, Name: "eth 0=x", Gateway: true, Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24"), netip.MustParsePrefix("fe80::1/64")}, Conf: IPv4Conf{-1, 2, 1}},
		},
		ConfAll: IPv4Conf{1, 2, 0}, ConfDefault: unreadConf,
		Listeners: []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:443"), netip.MustParseAddrPort("[::]:80")},
		AddrsRead: true, ListenersRead: true, RoutesRead: true, SysctlRead: true,
		Unread: []string{"/proc/net/tcp6: gone"},
	}
	windows := &Facts{OS: "windows", OSVersion: "6.2.9200", Source: "x",
		Interfaces: []Interface{
			{Index: 14, Name: "环回", Description: "Microsoft KM-TEST 环回适配器", Loopback: true, Conf: unreadConf,
				Addrs: []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32")},
				IPv4:  HostModel{Enabled, Enabled}, IPv6: HostModel{Disabled, Enabled}},
			{Index: 12, Name: "以太网", Description: "Red Hat VirtIO", Gateway: true, Down: true, Conf: unreadConf,
				Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24")}, IPv4: HostModel{Disabled, Disabled}},
		},
		ConfAll: unreadConf, ConfDefault: unreadConf,
		SSLBindings: []SSLBinding{{IPPort: netip.MustParseAddrPort("0.0.0.0:443"), Port: 443, CertHash: "ab"},
			{Hostname: "shop.example.cn", Port: 443, CertHash: "cd"}, {Hostname: "*", Port: 8443}},
		Sites: []Site{{Name: "商城 1", ID: 2, State: "Started", Bindings: []SiteBinding{{Protocol: "https", Port: 443, Host: "shop.example.cn"},
			{Protocol: "https", Addr: netip.MustParseAddr("2001:db8::10"), Port: 443}}}},
		Firewall:  []FirewallProfile{{"Domain", Enabled}, {"Private", Enabled}, {"Public", Disabled}},
		IPListen:  []netip.Addr{netip.MustParseAddr("10.0.0.5")},
		AddrsRead: true, RoutesRead: true, SSLRead: true, SitesRead: true, FirewallRead: true, IPListenRead: true,
	}
	for _, want := range []*Facts{linux, windows} {
		var b bytes.Buffer
		err := WriteCollected(&b, &CollectedFile{Header: [][2]string{{"host", "web 1"}, {"vip", "192.0.2.10"}}, Facts: want, Prompt: "$ "})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readCollected(context.Background(), "x", b.String())
		if err != nil {
			t.Fatalf("%s: %v\n%s", want.OS, err, b.String())
		}
		w := *want
		w.Unread = nil
		for _, u := range want.Unread {
			w.Unread = append(w.Unread, "collector step read: "+u)
		}
		if d := cmp.Diff(&w, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); d != "" {
			t.Errorf("%s (-want +got):\n%s\n%s", want.OS, d, b.String())
		}
		c, err := SplitCollected(b.String())
		if err != nil || !c.Complete || c.Header["host"] != "web 1" || c.Script != "slbdiag" {
			t.Errorf("%s: split: %+v, %v", want.OS, c, err)
		}
	}
}

// TestCollectedSamples reads every collector's file of testdata: each is
// complete, and its facts block and raw outputs agree.
func TestCollectedSamples(t *testing.T) {
	for _, tc := range []struct {
		file, os, version, iface string
		unread                   int
	}{
		{"win2008r2-en-before.txt", "windows", "6.1.7601", "Local Area Connection", 0},
		{"win2012-en-after.txt", "windows", "6.2.9200", "Loopback", 0},
		{"win2012-zh-half.txt", "windows", "6.2.9200", "以太网", 0},
		// cmd.exe: the facts block says it holds nothing else.
		{"win2012-zh-cmd-gbk.txt", "windows", "6.2.9200", "以太网", 1},
		{"win2019-en-npcap-before.txt", "windows", "10.0.17763", "Npcap Loopback Adapter", 0},
		{"linux-after.txt", "linux", "6.18.44-fc-v1300", "lo", 0},
	} {
		f, err := ReadFile(context.Background(), filepath.Join(collectedDir, tc.file))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if f.OS != tc.os || f.OSVersion != tc.version {
			t.Errorf("%s: %s %s, want %s %s", tc.file, f.OS, f.OSVersion, tc.os, tc.version)
		}
		if len(f.Disagree) != 0 || len(f.Unread) != tc.unread {
			t.Errorf("%s: disagree %q, unread %q (want %d)", tc.file, f.Disagree, f.Unread, tc.unread)
		}
		found := false
		for _, ifc := range f.Interfaces {
			found = found || ifc.Name == tc.iface
		}
		if !found || !f.AddrsRead {
			t.Errorf("%s: no interface %q, or addresses not read: %+v", tc.file, tc.iface, f.Interfaces)
		}
	}
}

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(collectedDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCollectedDisagree: a facts block that says what the raw outputs
// contradict is reported, and the setting they differ on is not used.
func TestCollectedDisagree(t *testing.T) {
	text := readSample(t, "win2012-en-after.txt")
	for _, r := range [][2]string{
		{"hostmodel idx=12 family=ipv4 send=disabled receive=enabled", "hostmodel idx=12 family=ipv4 send=disabled receive=disabled"},
		{"addr idx=12 prefix=10.0.0.5%2F24", "addr idx=12 prefix=10.0.0.5%2F24\r\naddr idx=12 prefix=10.0.0.9%2F24"},
		{"fwprofile name=Public on=yes", "fwprofile name=Public on=no"},
	} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("sample lacks %q", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	f, err := readCollected(context.Background(), "x", text)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"weakhostreceive (ipv4) of interface 12: disabled in the facts block, enabled in the raw outputs; taken as unknown",
		"address 10.0.0.9: in the facts block, not in the raw outputs",
		"Windows Firewall profile Public: disabled in the facts block, enabled in the raw outputs; taken as unknown",
	}
	if d := cmp.Diff(want, f.Disagree); d != "" {
		t.Errorf("disagree (-want +got):\n%s", d)
	}
	if m := f.ByIndex(12).IPv4; m.WeakHostReceive != Unknown || m.WeakHostSend != Disabled {
		t.Errorf("interface 12 ipv4: %+v, want weakhostreceive unknown, weakhostsend disabled", m)
	}
	if f.Firewall[2].On != Unknown {
		t.Errorf("Public profile: %v, want unknown", f.Firewall[2].On)
	}
}

// TestCollectedCutShort: a file without its footer says the collection
// was cut short; what it holds is still read.
func TestCollectedCutShort(t *testing.T) {
	text := readSample(t, "win2012-en-after.txt")
	text = text[:strings.Index(text, "PS slbdiag> netsh http show sslcert")]
	f, err := readCollected(context.Background(), "x", text)
	if err != nil {
		t.Fatal(err)
	}
	want := "the collector's file ends before its footer: the collection was cut short, and whatever it had not reached is missing"
	if len(f.Unread) != 1 || f.Unread[0] != want {
		t.Errorf("unread: %q, want [%q]", f.Unread, want)
	}
	if f.ByIndex(14) == nil || !f.SSLRead {
		t.Errorf("the facts block before the cut was not read: %+v", f)
	}
	// Cut inside the facts block: what came before it counts.
	text = readSample(t, "linux-after.txt")
	text = text[:strings.Index(text, "sysctl key=")]
	f, err = readCollected(context.Background(), "x", text)
	if err != nil || f.SysctlRead || !f.AddrsRead || len(f.Unread) != 1 {
		t.Errorf("cut in the facts block: %+v, %v", f, err)
	}
}

func TestCollectedBadLines(t *testing.T) {
	text := "slbdiag-collect/1 script=slbdiag-collect.sh version=1\nfacts-begin\nos name=linux version=6.1\n" +
		"iface idx=x name=eth0\naddr idx=2 prefix=10.0.0.500%2F24\nlisten ip=::1 port=70000\nread what=everything\n" +
		"hostmodel idx=2 family=ipx send=enabled receive=enabled\nbinding site=9 binding=http%2F*%3A80%3A\nfacts-end\n"
	f, err := readCollected(context.Background(), "x", text)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`facts block, line 4 (iface): idx "x" is not an interface index`,
		`facts block, line 5 (addr): prefix "10.0.0.500/24" is not an address/length`,
		`facts block, line 6 (listen): "::1" port "70000" is not an address and port`,
		`facts block, line 7 (read): unknown kind of fact "everything"`,
		`facts block, line 8 (hostmodel): family "ipx" is neither ipv4 nor ipv6`,
		`facts block, line 9 (binding): binding of site "9", which no site line names`,
		"the collector's file ends before its footer: the collection was cut short, and whatever it had not reached is missing",
	}
	if d := cmp.Diff(want, f.Unread); d != "" {
		t.Errorf("unread (-want +got):\n%s", d)
	}
}

func TestSplitCollectedErrors(t *testing.T) {
	for _, tc := range []struct{ text, err string }{
		{"slbdiag-collect/2 script=x\n", `collector's file format "2": this slbdiag reads format 1 (a newer slbdiag reads it)`},
		{"slbdiag-collect/1\nfacts-begin\nos name\n", `line 3: "name" is not key=value: not the expected command output`},
		{"slbdiag-collect/1\nfacts-begin\nfacts-end\n", `x: the collector's file names no operating system: not the expected command output`},
	} {
		_, err := readCollected(context.Background(), "x", tc.text)
		if err == nil || !strings.HasSuffix(err.Error(), tc.err) {
			t.Errorf("%q: %v, want %s", tc.text, err, tc.err)
		}
	}
}

func TestParseHTTPIPListenCollected(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
		err  bool
	}{
		{"\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n", []string{}, false},
		{"\nIP 侦听列表中存在的 IP 地址:\n------\n\n    10.0.0.5\n    ::\n\n", []string{"10.0.0.5", "::"}, false},
		{"\nIP addresses present in the IP listen list:\n---------\n    10.0.0.5:80\n    [2001:db8::1]\n", []string{"10.0.0.5", "2001:db8::1"}, false},
		{"The system cannot find the file specified.\n", nil, true},
	} {
		got, err := ParseHTTPIPListen(tc.text)
		if (err != nil) != tc.err {
			t.Errorf("%q: error %v", tc.text, err)
			continue
		}
		if s := strs(got); !tc.err && !cmp.Equal(s, tc.want) {
			t.Errorf("%q: %q, want %q", tc.text, s, tc.want)
		}
	}
}

// TestDecodeOEMCodePage: a cmd.exe collector's file is in the OEM code
// page its header names, 850 here (Western Europe), not GBK.
func TestDecodeOEMCodePage(t *testing.T) {
	text := "slbdiag-collect/1 script=slbdiag-collect.cmd version=1\r\nheader host=W oem_cp=850\r\nfacts-begin\r\nos name=windows\r\nfacts-end\r\noutputs-begin\r\nC:\\slbdiag>ipconfig /all\r\n\r\nCarte Ethernet Connexion réseau:\r\n"
	b, err := charmap.CodePage850.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeFile(b)
	if err != nil || got != text {
		t.Errorf("decodeFile: %q, %v", got, err)
	}
}
