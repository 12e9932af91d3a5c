//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCollectInNamespace sets up a backend in a network namespace, with a
// client namespace that dials the VIP through it, and steps it through
// the states of a DSR setup. In each, the facts file `slbdiag collect
// --vip` writes and the one slbdiag-collect.sh writes inside the backend must give
// the verdict the backend's real behaviour shows: a dial that times out
// (the VIP not local), is refused (no listener) or connects.
func TestCollectInNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	for _, tool := range []string{"ip", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	be := fmt.Sprintf("collect-%d-be", os.Getpid())
	cl := fmt.Sprintf("collect-%d-cl", os.Getpid())
	sh := func(args ...string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, ns := range []string{be, cl} {
		sh("ip", "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
		sh("ip", "-n", ns, "link", "set", "lo", "up")
	}
	sh("ip", "-n", be, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", cl)
	sh("ip", "-n", be, "addr", "add", "10.9.0.2/24", "dev", "eth0")
	sh("ip", "-n", cl, "addr", "add", "10.9.0.1/24", "dev", "eth0")
	sh("ip", "-n", be, "link", "set", "eth0", "up")
	sh("ip", "-n", cl, "link", "set", "eth0", "up")
	sh("ip", "-n", be, "route", "add", "default", "via", "10.9.0.1")
	sh("ip", "-n", cl, "route", "add", "192.0.2.10/32", "via", "10.9.0.2")
	labnet := filepath.Join(t.TempDir(), "labnet")
	sh("go", "build", "-o", labnet, "../../test/lab/labnet")
	script, err := filepath.Abs("../../collect/slbdiag-collect.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	dial := func() string {
		out, err := exec.CommandContext(ctx, "ip", "netns", "exec", cl, labnet, "dial", "-timeout", "1500ms", "192.0.2.10:443").Output()
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		word, _, _ := strings.Cut(strings.TrimSpace(string(out)), ":")
		return word
	}
	for i, st := range []struct {
		name  string
		setup func()
		real  string // what the client's dial shows
		want  collectVerdict
	}{
		{"VIP nowhere", func() {}, "timeout", collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"eth0"}}},
		{"VIP on lo, ARP quiet, nothing listening", func() {
			sh("ip", "-n", be, "addr", "add", "192.0.2.10/32", "dev", "lo")
			sh("ip", "netns", "exec", be, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2")
		}, "refused", collectVerdict{"PROBLEM", []string{"no-listener-on-vip"}, []string{"eth0"}}},
		{"a listener on all addresses", func() { startListener(ctx, t, be, labnet, "0.0.0.0:443") }, "connected", collectVerdict{"OK", nil, []string{"eth0"}}},
		{"an nftables ruleset that admits 443", func() {
			if _, err := exec.LookPath("nft"); err != nil {
				t.Skip("no nft (Debian package nftables): the last state is not checked")
			}
			cmd := exec.CommandContext(ctx, "ip", "netns", "exec", be, "nft", "-f", "-")
			cmd.Stdin = strings.NewReader("table inet slbdiag {\n chain input {\n  type filter hook input priority 0; policy drop;\n  iif lo accept\n  ct state established,related accept\n  tcp dport 443 accept\n }\n}\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("nft: %v\n%s", err, out)
			}
		}, "connected", collectVerdict{"OK", nil, []string{"eth0"}}},
	} {
		st.setup()
		if got := dial(); got != st.real {
			t.Fatalf("%s: the client's dial shows %q, want %q: the lab is not in the state meant", st.name, got, st.real)
		}
		own := filepath.Join(dir, fmt.Sprintf("state%d-slbdiag.txt", i))
		sh("ip", "netns", "exec", be, binary, "collect", "--vip", "192.0.2.10", "-o", own)
		outdir := filepath.Join(dir, fmt.Sprintf("state%d", i))
		os.Mkdir(outdir, 0o755)
		cmd := exec.CommandContext(ctx, "ip", "netns", "exec", be, "sh", script, "192.0.2.10", "443")
		cmd.Env = append(os.Environ(), "SLBDIAG_OUTDIR="+outdir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("slbdiag-collect.sh: %v\n%s", err, out)
		}
		files, _ := filepath.Glob(filepath.Join(outdir, "slbdiag-facts-*.txt"))
		if len(files) != 1 {
			t.Fatalf("slbdiag-collect.sh wrote %q, want one facts file", files)
		}
		for _, f := range []string{own, files[0]} {
			got, _ := doctorJSON(t, f)
			if d := cmp.Diff(st.want, got); d != "" {
				t.Errorf("%s, %s (-want +got):\n%s", st.name, filepath.Base(f), d)
			}
			if text := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", f).stdout; strings.Contains(text, "disagree") || strings.Contains(text, "Not read") {
				t.Errorf("%s, %s: the facts file is not whole:\n%s", st.name, filepath.Base(f), text)
			}
		}
	}
}

// startListener runs labnet listen in ns until the test ends.
func startListener(ctx context.Context, t *testing.T, ns, labnet, addr string) {
	t.Helper()
	srv := exec.CommandContext(ctx, "ip", "netns", "exec", ns, labnet, "listen", addr)
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	s := bufio.NewScanner(out)
	if !s.Scan() || !strings.Contains(s.Text(), "listening") {
		t.Fatalf("labnet did not listen on %s", addr)
	}
	go func() {
		for s.Scan() {
		}
	}()
}
