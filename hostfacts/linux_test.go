package hostfacts

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var cmpIP = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b }),
}

func aps(ss ...string) []netip.AddrPort {
	var out []netip.AddrPort
	for _, s := range ss {
		out = append(out, netip.MustParseAddrPort(s))
	}
	return out
}

func TestLinuxBundle(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "hostfacts", "linux", "backend.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromOutputs("backend.txt", SplitBundle(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := &Facts{OS: "linux", Source: "backend.txt",
		ConfAll:     IPv4Conf{ARPIgnore: 0, ARPAnnounce: 0, RPFilter: 0},
		ConfDefault: IPv4Conf{ARPIgnore: 0, ARPAnnounce: 0, RPFilter: 1},
		Interfaces: []Interface{
			{Index: 1, Name: "lo", Loopback: true, Addrs: []netip.Prefix{pfx("127.0.0.1/8"), pfx("192.0.2.10/32"), pfx("::1/128")}, Conf: IPv4Conf{0, 0, 0}},
			{Index: 2, Name: "eth0", Addrs: []netip.Prefix{pfx("10.0.0.5/24"), pfx("fe80::216:3eff:fe0a:1b2c/64")}, Conf: IPv4Conf{0, 0, 1}},
		},
		// ss, then /proc/net/tcp: the same sockets once.
		Listeners:     aps("127.0.0.53:53", "10.0.0.5:443", "0.0.0.0:22", "[::%v6only]:22"),
		ListenersRead: true, AddrsRead: true, SysctlRead: true,
	}
	if d := cmp.Diff(want, got, cmpIP); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	vip := netip.MustParseAddr("192.0.2.10")
	if o := got.Owner(vip); o == nil || o.Name != "lo" {
		t.Errorf("Owner(VIP) = %v, want lo", o)
	}
	if got.ListensOn(vip, 443) || !got.ListensOn(netip.MustParseAddr("10.0.0.5"), 443) || !got.ListensOn(vip, 22) {
		t.Error("ListensOn: want 10.0.0.5:443 and *:22, not the VIP on 443")
	}
	if e := got.Effective(got.ByIndex(2)); e != (IPv4Conf{0, 0, 1}) {
		t.Errorf("Effective(eth0) = %+v", e)
	}
}

func TestParseProcNetTCP6(t *testing.T) {
	text := "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n" +
		"   1: B80D0120000000000000000010000000:20FB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0\n" +
		"   2: 0000000000000000FFFF00000A02000A:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0\n"
	got, err := ParseProcNetTCP(text)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(aps("[::]:443", "[2001:db8::10]:8443", "10.0.2.10:443"), got, cmpIP); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := ParseProcNetTCP("hello\n"); err == nil {
		t.Error("want an error for text without the header")
	}
}

func TestEffectiveTakesTheLarger(t *testing.T) {
	f := &Facts{ConfAll: IPv4Conf{ARPIgnore: 1, ARPAnnounce: 0, RPFilter: 2}}
	ifc := &Interface{Conf: IPv4Conf{ARPIgnore: 0, ARPAnnounce: 2, RPFilter: 1}}
	if got, want := f.Effective(ifc), (IPv4Conf{1, 2, 2}); got != want {
		t.Errorf("Effective = %+v, want %+v", got, want)
	}
}

// TestOtherLinuxForms: netstat's listeners, and the ARP sysctls as grep
// and cat print them from /proc/sys.
func TestOtherLinuxForms(t *testing.T) {
	text := "[root@rs1 ~]# netstat -tlnp\nActive Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      1021/sshd           \ntcp        0      0 10.0.0.5:443            0.0.0.0:*               LISTEN      1187/nginx: master  \ntcp6       0      0 :::22                   :::*                    LISTEN      1021/sshd           \n" +
		"[root@rs1 ~]# grep . /proc/sys/net/ipv4/conf/*/arp_ignore\n/proc/sys/net/ipv4/conf/all/arp_ignore:1\n/proc/sys/net/ipv4/conf/eth0/arp_ignore:0\n/proc/sys/net/ipv4/conf/lo/arp_ignore:0\n" +
		"[root@rs1 ~]# cat /proc/sys/net/ipv4/conf/all/arp_announce\n2\n"
	f, err := Parse(context.Background(), "rs1", text)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(aps("0.0.0.0:22", "10.0.0.5:443", "[::]:22"), f.Listeners, cmpIP); d != "" {
		t.Errorf("listeners (-want +got):\n%s", d)
	}
	if f.ConfAll.ARPIgnore != 1 || f.ConfAll.ARPAnnounce != 2 || !f.SysctlRead {
		t.Errorf("all: %+v, sysctl read %v; want arp_ignore 1, arp_announce 2", f.ConfAll, f.SysctlRead)
	}
	if eth := f.iface("eth0"); eth.Conf.ARPIgnore != 0 {
		t.Errorf("eth0: %+v", eth.Conf)
	}
}
