package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const hostFactsDir = "testdata/hostfacts" // from the repository root, as slbdiag() runs

// TestDoctorHostFacts runs doctor on each saved sample: the verdict, the
// exit code and the lines that carry the facts.
func TestDoctorHostFacts(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
		code int
		want []string
	}{
		{"windows/en/before.txt", nil, exitProblems, []string{
			"PROBLEM: SYNs to 192.0.2.10:443 that reach this host will be dropped",
			"Host facts: weakhostreceive is disabled on interface 12 (Ethernet), the NIC the SYNs arrive on",
			"netsh interface ipv4 set interface 12 weakhostreceive=enabled",
			"interface 12 (Ethernet), default gateway, Microsoft Hyper-V Network Adapter: fe80::5d1c:2e3f:4a5b:6c7d/128, 10.0.0.5/24; weakhostreceive=disabled weakhostsend=disabled",
		}},
		{"windows/en/after.txt", nil, exitOK, []string{
			"OK: this host accepts 192.0.2.10:443",
			"interface 14 (Loopback), loopback, Microsoft KM-TEST Loopback Adapter: fe80::8c3a:11d2:93be:4a07/128, 192.0.2.10/32 (holds the VIP); weakhostreceive=enabled weakhostsend=enabled",
		}},
		{"windows/zh/half.txt", []string{"--lang", "zh"}, exitProblems, []string{
			"问题：到达本机的发往 192.0.2.10:443 的 SYN 会被丢弃",
			"主机配置：192.0.2.10 已配置在环回适配器接口 14（环回）上。",
			"主机配置：SYN 进入的网卡接口 12（以太网）的 weakhostreceive 为 disabled",
			"netsh interface ipv4 set interface 12 weakhostreceive=enabled",
			"Set-NetIPInterface -InterfaceIndex 12 -WeakHostReceive Enabled",
			"Windows 防火墙：域 已启用、专用 已启用、公用 已禁用。",
		}},
		{"linux/backend.txt", nil, exitProblems, []string{
			"PROBLEM: This host accepts 192.0.2.10:443 but nothing listens on it",
			"Host facts: No socket listens on 192.0.2.10:443 or on all addresses; port 443 is bound to 10.0.0.5:443 only.",
			"Host facts: arp_ignore is 0 on eth0",
			"Finding 2: vip-answers-arp (confidence high)",
		}},
	} {
		args := append([]string{"doctor", "--vip", "192.0.2.10", "--host-facts", filepath.Join(hostFactsDir, tc.file)}, tc.args...)
		r := slbdiag(t, nil, args...)
		if r.code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.file, r.code, tc.code, r.stdout, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.file, w, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "<NIC-IDX>") {
			t.Errorf("%s: the NIC's index is known, yet the fix keeps the placeholder:\n%s", tc.file, r.stdout)
		}
	}
}

// TestAnalyzeHostFacts: the seed capture with the backend's configuration.
// The facts name the NIC in the evidence and the fix, or rule the host
// model out; without them the report is the golden one.
func TestAnalyzeHostFacts(t *testing.T) {
	seed := "testdata/pcaps/seed-strong-host.pcapng"
	r := slbdiag(t, nil, "analyze", "--host-facts", filepath.Join(hostFactsDir, "windows/en/before.txt"), seed)
	for _, w := range []string{
		"PROBLEM: strong-host-receive (confidence high): ",
		"Host facts: 192.0.2.10 is an address of no interface of the host",
		"Host facts: weakhostreceive is disabled on interface 12 (Ethernet)",
		"netsh interface ipv4 set interface 12 weakhostreceive=enabled",
		"Set-NetIPInterface -InterfaceIndex 12 -WeakHostReceive Enabled",
	} {
		if !strings.Contains(unwrapped(r.stdout), w) {
			t.Errorf("before: output lacks %q:\n%s", w, r.stdout)
		}
	}
	if r.code != exitProblems || strings.Contains(r.stdout, "<NIC-IDX>") {
		t.Errorf("before: exit %d, want %d, and no <NIC-IDX> left:\n%s", r.code, exitProblems, r.stdout)
	}

	r = slbdiag(t, nil, "analyze", "--host-facts", filepath.Join(hostFactsDir, "windows/en/after.txt"), seed)
	for _, w := range []string{
		"yet the host's configuration accepts the VIP (on the loopback adapter interface 14 (Loopback), weak host model enabled): the host model is not the cause",
		// The report never names as the cause what its facts rule out.
		"PROBLEM: not the host model, and the facts point at no other cause yet (confidence low): ",
		"Host facts: Windows Firewall is on in the Public profile",
		"1. The firewall was not read and may drop the SYNs to port 443",
		"Fix for Windows: the weak host model is set up; bind the VIP and admit it in Windows Firewall",
	} {
		if !strings.Contains(unwrapped(r.stdout), w) {
			t.Errorf("after: output lacks %q:\n%s", w, r.stdout)
		}
	}
	// The site takes the VIP by host name (https/*:443:www.example.com)
	// with an SNI certificate for it: nothing is missing there.
	if strings.Contains(r.stdout, "weakhostreceive=enabled weakhostsend=enabled\n") || strings.Contains(r.stdout, "hdwwiz.exe") ||
		strings.Contains(r.stdout, "HTTP.sys has no certificate") || strings.Contains(r.stdout, "New-WebBinding") {
		t.Errorf("after: the fix repeats what is done:\n%s", r.stdout)
	}

	// doctor and analyze agree on the same facts: HTTP.sys holds a
	// certificate for the host's own address only, so the VIP lacks one in
	// both.
	owncert := filepath.Join(hostFactsDir, "windows/en/2022-remoting-owncert.txt")
	r = slbdiag(t, nil, "analyze", "--host-facts", owncert, seed)
	d := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", owncert)
	for _, out := range []string{r.stdout, d.stdout} {
		if !strings.Contains(out, "Host facts: HTTP.sys has no certificate bound to 192.0.2.10:443 or 0.0.0.0:443") {
			t.Errorf("owncert: doctor and analyze disagree on the certificate:\n%s", out)
		}
	}
	// The capture says which NIC the SYNs arrive on (10.0.0.5 is
	// interface 15's): the fix names it, not the other NIC.
	r = slbdiag(t, nil, "analyze", "--host-facts", filepath.Join(hostFactsDir, "windows/en/2016-twonic-before.txt"), seed)
	if !strings.Contains(r.stdout, "netsh interface ipv4 set interface 15 weakhostreceive=enabled") || strings.Contains(r.stdout, "set interface 17") {
		t.Errorf("two NICs: the fix does not name interface 15 alone:\n%s", r.stdout)
	}

	plain := slbdiag(t, nil, "analyze", seed)
	if strings.Contains(plain.stdout, "Host facts") || !strings.Contains(plain.stdout, "<NIC-IDX>") {
		t.Errorf("without --host-facts the report changed:\n%s", plain.stdout)
	}
}

func TestHostFactsFileErrors(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.bin")
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i*7919 + i*i*31 + 17) // not text in any encoding
	}
	os.WriteFile(random, b, 0o644)
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, bytes.Repeat([]byte("C:\\>ipconfig /all\r\n"), 2<<20), 0o644)
	none := filepath.Join(dir, "none.txt")
	os.WriteFile(none, []byte("hello\n"), 0o644)
	for _, tc := range []struct{ file, want string }{
		{random, "the file is not text"},
		{big, "larger than 32 MiB"},
		{none, "no output of a command slbdiag reads"},
		{filepath.Join(dir, "missing.txt"), "no such file"},
	} {
		r := slbdiag(t, nil, "analyze", "--host-facts", tc.file, "testdata/pcaps/seed-strong-host.pcapng")
		if r.code != exitError || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %q before any analysis", tc.file, r.code, r.stderr, tc.want)
		}
	}
}

func TestParseDoctorErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no VIP given: --vip ADDR"},
		{[]string{"--vip", "192.0.2.0/24"}, `--vip: "192.0.2.0/24" is not an address (doctor checks one VIP)`},
		{[]string{"--vip", "192.0.2.10", "--port", "0"}, `--port: "0" is not a port (1-65535)`},
		{[]string{"--vip", "192.0.2.10", "--format", "jsonl"}, `--format: unknown format "jsonl" (want one of: text, markdown, html, json)`},
		{[]string{"--vip", "192.0.2.10", "extra"}, `unexpected argument "extra"`},
	} {
		_, err := parseDoctor(tc.args, &bytes.Buffer{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestDoctorInNamespace runs doctor for real on a Linux backend built in a
// network namespace of its own: first with the VIP nowhere, then on lo
// with ARP kept quiet and a listener on all addresses.
func TestDoctorInNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2 (ip)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ns := fmt.Sprintf("slbddoc%d", os.Getpid())
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ip("netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	ip("-n", ns, "link", "set", "lo", "up")
	ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
	ip("-n", ns, "addr", "add", "10.9.0.2/24", "dev", "eth0")
	ip("-n", ns, "link", "set", "eth0", "up")
	ip("-n", ns, "link", "set", "eth1", "up")
	inNS := func(args ...string) result {
		t.Helper()
		cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns, binary}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}

	r := inNS("doctor", "--vip", "192.0.2.10")
	for _, w := range []string{
		"PROBLEM: SYNs to 192.0.2.10:443 that reach this host will be dropped: the VIP is not one of its addresses (put it on lo).",
		"Host facts (this host, Linux ",
		"eth0 (", "): 10.9.0.2/24", "arp_ignore=0 arp_announce=0",
		"Host facts: 192.0.2.10 is on no interface, not even lo",
		"ip addr add 192.0.2.10/32 dev lo",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("VIP nowhere: output lacks %q:\n%s%s", w, r.stdout, r.stderr)
		}
	}
	if r.code != exitProblems {
		t.Errorf("VIP nowhere: exit %d, want %d", r.code, exitProblems)
	}
	// A live capture reads the same facts as it starts and says what they
	// predict, on stderr; the report is the capture's own.
	r = inNS("capture", "-i", "eth0", "--vip", "192.0.2.10", "-d", "300ms")
	if strings.Contains(r.stderr, "without libpcap") {
		t.Log("this slbdiag was built without libpcap: the capture hook is not checked")
	} else if want := "slbdiag: host facts: PROBLEM: SYNs to 192.0.2.10:443 that reach this host will be dropped: the VIP is not one of its addresses (put it on lo).\n"; !strings.HasPrefix(r.stderr, want) {
		t.Errorf("capture: stderr does not start with %q:\n%s", want, r.stderr)
	}

	// The fix, applied: the VIP on lo, ARP quiet, a listener on all
	// addresses.
	ip("-n", ns, "addr", "add", "192.0.2.10/32", "dev", "lo")
	ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2")
	labnet := filepath.Join(t.TempDir(), "labnet")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", labnet, "../../test/lab/labnet").CombinedOutput(); err != nil {
		t.Fatalf("building labnet: %v\n%s", err, out)
	}
	srv := exec.CommandContext(ctx, "ip", "netns", "exec", ns, labnet, "listen", "0.0.0.0:443")
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if strings.Contains(s.Text(), "listening") {
				ready <- true
				break
			}
		}
		close(ready)
		for s.Scan() {
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("labnet ended before listening")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("labnet did not listen within 10s")
	}

	r = inNS("doctor", "--vip", "192.0.2.10")
	for _, w := range []string{
		"OK: this host accepts 192.0.2.10:443",
		"lo (1), loopback: 127.0.0.1/8, 192.0.2.10/32, ::1/128 (holds the VIP)",
		"; arp_ignore=1 arp_announce=2",
		"Listening on port 443: [::]:443.", // Go listens on 0.0.0.0 with a dual-stack socket
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("fixed: output lacks %q:\n%s%s", w, r.stdout, r.stderr)
		}
	}
	if r.code != exitOK {
		t.Errorf("fixed: exit %d, want 0", r.code)
	}
}

func TestDoctorJSON(t *testing.T) {
	r := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--port", "443,8443", "--format", "json", "--host-facts", filepath.Join(hostFactsDir, "linux/backend.txt"))
	type check struct {
		VIP      string `json:"vip"`
		Verdict  string `json:"verdict"`
		Findings []struct {
			Cause    string `json:"cause"`
			Evidence []struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"evidence"`
			Fix map[string]json.RawMessage `json:"fix"`
		} `json:"findings"`
	}
	var doc struct {
		Schema  string  `json:"schema"`
		Verdict string  `json:"verdict"`
		Checks  []check `json:"checks"`
		Facts   struct {
			OS         string `json:"os"`
			Interfaces []struct {
				Name string `json:"name"`
			} `json:"interfaces"`
			Listeners []string `json:"listeners"`
		} `json:"facts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if doc.Schema != "slbdiag-doctor/1" || doc.Verdict != "PROBLEM" || doc.Facts.OS != "linux" || len(doc.Facts.Interfaces) != 2 ||
		len(doc.Checks) != 2 || r.code != exitProblems {
		t.Fatalf("exit %d, doc %+v", r.code, doc)
	}
	for i, want := range []string{"192.0.2.10:443", "192.0.2.10:8443"} {
		c := doc.Checks[i]
		var causes []string
		for _, f := range c.Findings {
			causes = append(causes, f.Cause)
		}
		if c.VIP != want || c.Verdict != "PROBLEM" || strings.Join(causes, ",") != "no-listener-on-vip,vip-answers-arp" ||
			c.Findings[0].Evidence[0].Kind != "host-fact-no-listener-on-vip" || c.Findings[0].Fix["linux"] == nil {
			t.Errorf("check %d: %+v, want %s with no-listener-on-vip,vip-answers-arp", i, c, want)
		}
	}
	text := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--port", "443,8443", "--host-facts", filepath.Join(hostFactsDir, "linux/backend.txt"))
	if !strings.HasPrefix(text.stdout, "=== 192.0.2.10:443 ===\nPROBLEM: This host accepts 192.0.2.10:443 but nothing listens on it") ||
		!strings.Contains(text.stdout, "\n\n=== 192.0.2.10:8443 ===\nPROBLEM: This host accepts 192.0.2.10:8443 but nothing listens on it") {
		t.Errorf("text: a check per port, each under its heading:\n%s", text.stdout)
	}
	// JSON is a contract: snake_case keys throughout, as analyze writes them.
	var generic any
	if err := json.Unmarshal([]byte(r.stdout), &generic); err != nil {
		t.Fatal(err)
	}
	for _, k := range jsonKeys(generic, "") {
		if !reSnakeKey.MatchString(k[strings.LastIndex(k, ".")+1:]) {
			t.Errorf("key %s is not snake_case", k)
		}
	}
}

var reSnakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// jsonKeys lists every object key in v, as paths; the keys of a fix map
// (platforms) are keys like any other.
func jsonKeys(v any, path string) []string {
	var keys []string
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			keys = append(keys, path+"."+k)
			keys = append(keys, jsonKeys(e, path+"."+k)...)
		}
	case []any:
		for _, e := range v {
			keys = append(keys, jsonKeys(e, path+"[]")...)
		}
	}
	return keys
}
