//go:build linux

package hostfacts

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// helperEnv makes the test binary, run inside the test's namespace, read
// the facts there and print them as JSON.
const helperEnv = "SLBDIAG_HOSTFACTS_NS_HELPER"

// TestReadLinuxInNamespace sets a backend up in a network namespace of its
// own (the VIP on lo, ARP sysctls, listeners), reads the facts from inside
// it and checks that what was set is what is read.
func TestReadLinuxInNamespace(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("running as the helper")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2 (ip)")
	}
	ns := fmt.Sprintf("slbdhf%d", os.Getpid())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ip("netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	ip("-n", ns, "link", "set", "lo", "up")
	ip("-n", ns, "addr", "add", "192.0.2.10/32", "dev", "lo")
	ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
	ip("-n", ns, "addr", "add", "10.9.0.2/24", "dev", "eth0")
	ip("-n", ns, "link", "set", "eth0", "up")
	for _, kv := range []string{"net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2", "net.ipv4.conf.eth0.rp_filter=2", "net.ipv4.conf.eth0.arp_ignore=0"} {
		ip("netns", "exec", ns, "sysctl", "-qw", kv)
	}

	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestReadLinuxHelper$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var got Facts
	line := ""
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "FACTS ") {
			line = strings.TrimPrefix(l, "FACTS ")
		}
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("helper output: %v\n%s", err, out)
	}

	vip := netip.MustParseAddr("192.0.2.10")
	lo := got.Owner(vip)
	if lo == nil || lo.Name != "lo" || !lo.Loopback {
		t.Fatalf("the VIP is on %+v, want lo", lo)
	}
	eth0 := got.Owner(netip.MustParseAddr("10.9.0.2"))
	if eth0 == nil || eth0.Name != "eth0" || eth0.Loopback || !containsPrefix(eth0.Addrs, "10.9.0.2/24") {
		t.Fatalf("10.9.0.2 is on %+v, want eth0 with 10.9.0.2/24", eth0)
	}
	if got.ConfAll.ARPIgnore != 1 || got.ConfAll.ARPAnnounce != 2 {
		t.Errorf("all: %+v, want arp_ignore=1 arp_announce=2", got.ConfAll)
	}
	if eth0.Conf.RPFilter != 2 || eth0.Conf.ARPIgnore != 0 {
		t.Errorf("eth0: %+v, want rp_filter=2 arp_ignore=0", eth0.Conf)
	}
	if e := got.Effective(eth0); e.ARPIgnore != 1 || e.ARPAnnounce != 2 {
		t.Errorf("effective on eth0: %+v, want arp_ignore=1 (from all) arp_announce=2", e)
	}
	if len(got.Interfaces) != 3 { // lo, eth0, eth1: nothing of the host's own
		t.Errorf("interfaces: %+v, want lo, eth0 and eth1 only", got.Interfaces)
	}
	for _, want := range []string{"192.0.2.10:443", "10.9.0.2:8443", "[::]:9443"} {
		ap := netip.MustParseAddrPort(want)
		if !containsAP(got.Listeners, ap) {
			t.Errorf("listeners %v lack %s", got.Listeners, ap)
		}
	}
	if !got.ListensOn(vip, 443) || got.ListensOn(vip, 8443) {
		t.Errorf("ListensOn: want the VIP on 443, not on 8443 (%v)", got.Listeners)
	}
	if len(got.Unread) != 0 {
		t.Errorf("unread: %q", got.Unread)
	}
}

// TestReadLinuxHelper is the helper's side: it listens, reads the facts of
// the namespace it runs in and prints them.
func TestReadLinuxHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("only as the helper of TestReadLinuxInNamespace")
	}
	for _, addr := range []string{"192.0.2.10:443", "10.9.0.2:8443", "[::]:9443"} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
	}
	f, err := ReadLinux("/proc")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("FACTS %s\n", b)
}

func containsPrefix(ps []netip.Prefix, s string) bool {
	for _, p := range ps {
		if p == netip.MustParsePrefix(s) {
			return true
		}
	}
	return false
}

func containsAP(aps []netip.AddrPort, ap netip.AddrPort) bool {
	for _, a := range aps {
		if a == ap {
			return true
		}
	}
	return false
}
