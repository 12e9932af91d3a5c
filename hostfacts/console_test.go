package hostfacts

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestSplitBundleEveryPrompt: every common prompt starts an output and
// ends the one before it, whether slbdiag reads the command or not.
func TestSplitBundleEveryPrompt(t *testing.T) {
	text := strings.Join([]string{
		"Microsoft Windows [Version 10.0.17763.5830]",
		"(c) 2018 Microsoft Corporation. All rights reserved.",
		"C:\\Windows\\system32>netsh interface ipv4 show interfaces",
		"A",
		"PS C:\\Users\\x> ipconfig /all",
		"B",
		"[web01]: PS C:\\Users\\x\\Documents> netsh http show sslcert",
		"C",
		"PS> hostname",
		"web01",
		"PS>ver",
		"D",
		"**********************",
		"Windows PowerShell transcript end",
		"End time: 20250611093147",
		"**********************",
		"ops@web02:~$ ip -j addr",
		"[]",
		"ops@web02:~$ hostnamectl",
		" Static hostname: web02",
		"[root@rs1 ~]# ss -ltn",
		"E",
		"# sysctl -a",
		"F",
		"$ cat /proc/net/tcp",
		"G",
		"",
	}, "\r\n")
	got := SplitBundle(text)
	want := []Output{{"ver", "Microsoft Windows [Version 10.0.17763.5830]", 1},
		{"netsh interface ipv4 show interfaces", "A", 3}, {"ipconfig /all", "B", 5}, {"netsh http show sslcert", "C", 7},
		{"hostname", "web01", 9}, {"ver", "D", 11}, {"ip -j addr", "[]", 17}, {"hostnamectl", " Static hostname: web02", 19},
		{"ss -ltn", "E", 21}, {"sysctl -a", "F", 23}, {"cat /proc/net/tcp", "G", 25}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestDecode(t *testing.T) {
	const text = "PS C:\\> netsh advfirewall show allprofiles state\r\n域配置文件 设置:\r\n状态                                  打开\r\n"
	utf16le := func(bom bool, s string) []byte {
		var b []byte
		if bom {
			b = []byte{0xFF, 0xFE}
		}
		for _, c := range utf16.Encode([]rune(s)) {
			b = append(b, byte(c), byte(c>>8))
		}
		return b
	}
	utf16be := []byte{0xFE, 0xFF}
	for _, c := range utf16.Encode([]rune(text)) {
		utf16be = append(utf16be, byte(c>>8), byte(c))
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 2048)
	for i := range random {
		random[i] = byte((i*2654435761)>>13 ^ i*7)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		err  error
	}{
		{"utf-8", []byte(text), nil},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...), nil},
		{"utf-16le with BOM", utf16le(true, text), nil},
		{"utf-16le without BOM", utf16le(false, text), nil},
		{"utf-16be with BOM", utf16be, nil},
		{"gbk", []byte(gbk), nil},
		{"random bytes", random, ErrNotText},
		{"binary with NULs", append([]byte("PS C:\\> ver\n"), 0, 1, 2, 3, 0, 0, 0, 5), ErrNotText},
	} {
		got, err := Decode(tc.in)
		if !errors.Is(err, tc.err) || (err == nil && got != text) {
			t.Errorf("%s: %q, %v; want the text, %v", tc.name, got, err, tc.err)
		}
	}
}

func TestParseIPAddrForms(t *testing.T) {
	text := `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet 192.0.2.10/32 brd 192.0.2.10 scope global lo:0
       valid_lft forever preferred_lft forever
2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    inet 10.0.0.7/24 brd 10.0.0.255 scope global eth0
3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000
`
	brief := "lo               UNKNOWN        127.0.0.1/8 192.0.2.10/32 ::1/128\neth0@if7         UP             10.0.0.7/24 fe80::1/64\neth1             DOWN           \n"
	want := []Interface{
		{Index: 1, Name: "lo", Loopback: true, Addrs: []netip.Prefix{pfx("127.0.0.1/8"), pfx("192.0.2.10/32")}, Conf: unreadConf},
		{Index: 2, Name: "eth0", Addrs: []netip.Prefix{pfx("10.0.0.7/24")}, Conf: unreadConf},
		{Index: 3, Name: "eth1", Down: true, Conf: unreadConf},
	}
	wantBrief := []Interface{
		{Name: "lo", Loopback: true, Addrs: []netip.Prefix{pfx("127.0.0.1/8"), pfx("192.0.2.10/32"), pfx("::1/128")}, Conf: unreadConf},
		{Name: "eth0", Addrs: []netip.Prefix{pfx("10.0.0.7/24"), pfx("fe80::1/64")}, Conf: unreadConf},
		{Name: "eth1", Down: true, Conf: unreadConf},
	}
	for _, tc := range []struct {
		name, text string
		want       []Interface
	}{{"text", text, want}, {"brief", brief, wantBrief}} {
		got, err := ParseIPAddr(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, got, cmpIP); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	_, err := ParseIPAddr("Option \"-j\" is unknown, try \"ip -help\".\n")
	if err == nil || !strings.Contains(err.Error(), `it printed "Option \"-j\" is unknown`) {
		t.Errorf("old iproute2: error %v, want it to say what ip printed", err)
	}
}

func TestParseSSForms(t *testing.T) {
	old := `State      Recv-Q Send-Q Local Address:Port               Peer Address:Port
LISTEN     0      128          *:22                       *:*                   users:(("sshd",pid=1012,fd=3))
LISTEN     0      511    192.0.2.10:443                   *:*
LISTEN     0      128         :::22                      :::*
`
	newSS := `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      511                *:80              *:*
LISTEN 0      511             [::]:443          [::]:*
`
	netid := `Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
udp   UNCONN 0      0            0.0.0.0:38072      0.0.0.0:*
tcp   LISTEN 0      511          0.0.0.0:80         0.0.0.0:*
tcp   ESTAB  0      0         10.10.0.41:33070    10.10.0.9:3268
`
	for _, tc := range []struct {
		name, text string
		want       []netip.AddrPort
	}{
		{"old", old, aps("[::]:22", "192.0.2.10:443", "[::]:22")},
		{"netid", netid, aps("0.0.0.0:80")},
		// iproute2 4.14 and later: *:443 is dual stack, [::]:443 IPv6 only.
		{"new", newSS, aps("[::]:80", "[::%v6only]:443")},
	} {
		got, err := ParseSS(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, got, cmpIP); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestWrappedRows: a console copy breaks rows at 80 columns; the rest of
// a name or description is on the next line, and nothing after it is
// lost.
func TestWrappedRows(t *testing.T) {
	table := "\nIdx     Met         MTU          State                Name\n---  ----------  ----------  ------------  ---------------------------\n" +
		" 15          25        1500  connected     Production network, rack 12, switch po\nrt 4\n 17          35        1500  disconnected  Backup\n"
	ifs, err := ParseNetshInterfaces(table)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Interface{{Index: 15, Name: "Production network, rack 12, switch port 4"}, {Index: 17, Name: "Backup", Down: true}}, ifs); d != "" {
		t.Errorf("netsh (-want +got):\n%s", d)
	}
	ipcfg := "以太网适配器 以太网:\n\n   描述. . . . . . . . . . . . . . . : Intel(R) Ethernet Controller X710 for 10G\nbE SFP+ #2\n   IPv4 地址 . . . . . . . . . . . . : 10.0.0.5(首选)\n   子网掩码  . . . . . . . . . . . . : 255.255.255.0\n   默认网关. . . . . . . . . . . . . : 10.0.0.1\n"
	got, err := ParseIpconfig(ipcfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []Interface{{Name: "以太网", Description: "Intel(R) Ethernet Controller X710 for 10GbE SFP+ #2", Gateway: true, Addrs: []netip.Prefix{pfx("10.0.0.5/24")}}}
	if d := cmp.Diff(want, got, cmpIP); d != "" {
		t.Errorf("ipconfig (-want +got):\n%s", d)
	}
}

func TestAdapterKind(t *testing.T) {
	for _, tc := range []struct {
		name, desc         string
		loopback, software bool
	}{
		{"Loopback", "Microsoft KM-TEST Loopback Adapter", true, false},
		{"以太网 3", "Microsoft KM-TEST 环回适配器", true, false},
		{"Local Area Connection 2", "Microsoft Loopback Adapter", true, false},
		{"本地连接 2", "Microsoft 环回适配器", true, false},
		{"Npcap Loopback Adapter", "Microsoft KM-TEST Loopback Adapter", false, true}, // old Npcap renamed a KM-TEST adapter
		{"Npcap Loopback Adapter", "Npcap Loopback Adapter", false, true},
		{"Loopback Pseudo-Interface 1", "", false, true},
		{"Ethernet", "Intel(R) 82574L Gigabit Network Connection", false, false},
		{"VIP loopback", "", true, false}, // no description: the name is the hint
	} {
		if l, s := adapterKind(tc.name, tc.desc); l != tc.loopback || s != tc.software {
			t.Errorf("%q/%q: loopback %v software %v; want %v %v", tc.name, tc.desc, l, s, tc.loopback, tc.software)
		}
	}
}

func TestFirewallStates(t *testing.T) {
	text := "\n域配置文件 设置:\n------\n状态                                  打开\n\n专用 配置文件设置:\n------\n状态                                  关闭\n\n公用配置文件 设置:\n------\n状态启用\n确定。\n"
	got, err := ParseFirewallProfiles(text)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]FirewallProfile{{"域", Enabled}, {"专用", Disabled}, {"公用", Enabled}}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestNetIPInterfaceDefaultView: `Get-NetIPInterface | Format-List`
// without a property list starts each object with InterfaceAlias.
func TestNetIPInterfaceDefaultView(t *testing.T) {
	text := "\n\nInterfaceAlias       : Ethernet\nInterfaceIndex       : 15\nAddressFamily        : IPv4\nWeakHostSend         : Disabled\nWeakHostReceive      : Enabled\n\nInterfaceAlias       : Ethernet 3\nInterfaceIndex       : 29\nAddressFamily        : IPv4\nWeakHostSend         : Enabled\nWeakHostReceive      : Enabled\n"
	got, err := ParseNetIPInterface(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []NetIPInterface{{Index: 15, Alias: "Ethernet", Model: HostModel{Disabled, Enabled}}, {Index: 29, Alias: "Ethernet 3", Model: HostModel{Enabled, Enabled}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// bigPaste is a Windows paste with n interfaces in netsh and ipconfig.
func bigPaste(n int) string {
	var b strings.Builder
	b.WriteString("C:\\>netsh interface ipv4 show interfaces\n\nIdx     Met         MTU          State                Name\n---  ----------  ----------  ------------  ---------------------------\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%5d          25        1500  connected     vEthernet %d\n", i+100, i)
	}
	b.WriteString("\nC:\\>ipconfig /all\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Ethernet adapter vEthernet %d:\n\n   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter #%d\n   IPv4 Address. . . . . . . . . . . : 10.%d.%d.5(Preferred)\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n\n", i, i, i>>8&255, i&255)
	}
	return b.String()
}

// TestLargePasteLinear: 40,000 interfaces took 23 s when interfaces were
// looked up by scanning. Reading four times the interfaces must take
// about four times as long, not sixteen: the ratio of the times, each the
// best of five, says so whatever the machine's speed or -race.
func TestLargePasteLinear(t *testing.T) {
	const n = 3000
	small, large := bigPaste(n), bigPaste(4*n)
	best := func(text string, want int) time.Duration {
		var d time.Duration
		for i := 0; i < 5; i++ {
			start := time.Now()
			f, err := Parse(context.Background(), "big", text)
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Interfaces) != want || f.ByIndex(want+100) == nil || len(f.ByIndex(want+100).Addrs) != 1 {
				t.Fatalf("%d interfaces; the last %+v", len(f.Interfaces), f.ByIndex(want+100))
			}
			if i == 0 || took < d {
				d = took
			}
		}
		return d
	}
	// The collector's pauses grow with the heap, not with the work: off
	// while timing, so that a loaded machine does not pass for quadratic.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	ts, tl := best(small, n), best(large, 4*n)
	if ratio := float64(tl) / float64(ts); ratio > 10 {
		t.Errorf("%d interfaces took %v, %d took %v: %.1f times as long for 4 times the work", n, ts, 4*n, tl, ratio)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "big", bigPaste(5000)); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestReadFileTooLarge(t *testing.T) {
	name := filepath.Join(t.TempDir(), "big.txt")
	fh, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	fh.Truncate(MaxFileSize + 1) // sparse: no 32 MiB written
	fh.Close()
	if _, err := ReadFile(context.Background(), name); !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
}

func BenchmarkParseLargePaste(b *testing.B) {
	text := bigPaste(10000)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Parse(context.Background(), "big", text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadmeCommandsRead: every command docs/HOSTFACTS.md asks a customer to paste
// is one slbdiag reads, so the list stays true.
func TestReadmeCommandsRead(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "HOSTFACTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "Start-Transcript -Path")
	j := strings.Index(text, "Stop-Transcript")
	if i < 0 || j < i {
		t.Fatal("README has no Windows command list")
	}
	var cmds []string
	for _, l := range strings.Split(text[i:j], "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" {
			cmds = append(cmds, l)
		}
	}
	m := regexp.MustCompile(`for c in ((?:'[^']+' ?)+); do`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("README has no Linux command list")
	}
	for _, c := range strings.Split(strings.Trim(m[1], "' "), "' '") {
		cmds = append(cmds, c)
	}
	if len(cmds) < 12 {
		t.Fatalf("%d commands in README: %q", len(cmds), cmds)
	}
	for _, c := range cmds {
		if k, _, _ := classify(c); k == kUnknown {
			t.Errorf("README asks for %q, which slbdiag does not read", c)
		}
	}
}

// TestPowerShellOnlyService: Get-NetFirewallProfile's list and
// Get-WebBinding's table give the firewall state and the IIS bindings on
// a host with PowerShell only.
func TestPowerShellOnlyService(t *testing.T) {
	text := "PS C:\\> Get-NetFirewallProfile | Format-List Name,Enabled\n\n\nName    : Domain\nEnabled : True\n\nName    : Private\nEnabled : True\n\nName    : Public\nEnabled : False\n\n\n" +
		"PS C:\\> Get-WebBinding\n\nprotocol bindingInformation sslFlags\n-------- ------------------ --------\nhttp     *:80:                     0\nhttps    192.0.2.10:443:           0\n\n\n" +
		"PS C:\\> Get-NetIPAddress -AddressFamily IPv4 | Format-Table ifIndex,IPAddress,PrefixLength\n\nifIndex IPAddress  PrefixLength\n------- ---------  ------------\n14      192.0.2.10           32\n12      10.0.0.5             24\n\n\n"
	f, err := Parse(context.Background(), "ps", text)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]FirewallProfile{{"Domain", Enabled}, {"Private", Enabled}, {"Public", Disabled}}, f.Firewall); d != "" || !f.FirewallRead {
		t.Errorf("firewall (-want +got):\n%s", d)
	}
	if !f.SitesRead || f.SiteFor(netip.MustParseAddr("192.0.2.10"), 443) == nil || f.SiteFor(netip.MustParseAddr("10.0.0.5"), 443) != nil {
		t.Errorf("sites %+v: want the https binding on 192.0.2.10:443 only", f.Sites)
	}
	if ifc := f.Owner(netip.MustParseAddr("192.0.2.10")); ifc == nil || ifc.Index != 14 || !f.AddrsRead {
		t.Errorf("the VIP on %+v, want interface 14", ifc)
	}
}
