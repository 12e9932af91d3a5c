package hostfacts

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFilterDecide: what each filter does with a client's SYN to the VIP
// on 443 (from 198.51.100.7) and a probe's (from 100.64.1.1), as the
// kernel or Windows Firewall would: first match in a chain, jumps and
// RETURN, conntrack states, a rule slbdiag does not fully read giving
// both outcomes; block over allow on Windows.
func TestFilterDecide(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	client, probe := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("100.64.1.1")
	ipt := func(s string) *Filter {
		fl, err := ParseIptablesS(s)
		if err != nil {
			t.Fatal(err)
		}
		return fl
	}
	for _, tc := range []struct {
		name           string
		fl             *Filter
		client, probes int
	}{
		{"policy drop, 443 from probes", ipt("-P INPUT DROP\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -s 100.64.0.0/10 -p tcp -m tcp --dport 443 -j ACCEPT\n"), OutDrop, OutAccept},
		{"policy accept, REJECT at the end, 443 before it", ipt("-P INPUT ACCEPT\n-A INPUT -p tcp -m state --state NEW -m tcp --dport 443 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"), OutAccept, OutAccept},
		// ufw: the user chain is reached through jumps; RETURN goes back.
		{"ufw chains", ipt("-P INPUT DROP\n-N ufw-before-input\n-N ufw-not-local\n-N ufw-user-input\n-A INPUT -j ufw-before-input\n-A ufw-before-input -i lo -j ACCEPT\n-A ufw-before-input -j ufw-not-local\n-A ufw-before-input -j ufw-user-input\n-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN\n-A ufw-not-local -j DROP\n-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT\n"), OutAccept, OutAccept},
		// An ipset match may or may not hold the client.
		{"ipset", ipt("-P INPUT DROP\n-A INPUT -p tcp -m set --match-set allowed src -m tcp --dport 443 -j ACCEPT\n"), OutAccept | OutDrop, OutAccept | OutDrop},
		{"nft sets", mustNft(t, "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tip saddr { 100.64.0.0/10, 168.63.129.16 } tcp dport { 80, 443 } counter packets 12 bytes 720 accept\n\t}\n}\n"), OutDrop, OutAccept},
		{"iptables -L without -v", mustL(t, "Chain INPUT (policy DROP)\ntarget     prot opt source               destination\nACCEPT     all  --  0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED\nACCEPT     tcp  --  100.64.0.0/10        0.0.0.0/0            tcp dpt:443\n"), OutDrop, OutAccept},
		// Without -n, with --line-numbers, firewalld's chains (kube-router#602, trick77/nftables-blacklist#82).
		{"iptables -v -L --line-numbers, names", mustL(t, "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\nnum   pkts bytes target     prot opt in     out     source               destination\n1      41M   12G ACCEPT     all  --  any    any     anywhere             anywhere             ctstate RELATED,ESTABLISHED\n2     295K   18M ACCEPT     all  --  lo     any     anywhere             anywhere\n3     738K  216M INPUT_ZONES  all  --  any    any     anywhere             anywhere\n4       24  1576 REJECT     all  --  any    any     anywhere             anywhere             reject-with icmp-host-prohibited\n\nChain INPUT_ZONES (1 references)\nnum   pkts bytes target     prot opt in     out     source               destination\n1      300 18000 ACCEPT     tcp  --  any    any     100.64.0.0/10        anywhere             tcp dpt:https\n"), OutDrop, OutAccept},
		{"windows: block wins over allow", mustWin(t, "Rule Name: Allow HTTPS\n---\nEnabled: Yes\nDirection: In\nProfiles: Domain,Private,Public\nRemoteIP: Any\nProtocol: TCP\nLocalPort: 443\nAction: Allow\n\nRule Name: Block scanners\n---\nEnabled: Yes\nDirection: In\nProfiles: Domain,Private,Public\nRemoteIP: 198.51.100.0/255.255.255.0\nProtocol: Any\nLocalPort: Any\nAction: Block\n"), OutDrop, OutAccept},
		{"windows: only some profiles", mustWin(t, "Rule Name: Allow HTTPS\n---\nEnabled: Yes\nDirection: In\nProfiles: Domain\nRemoteIP: Any\nProtocol: TCP\nLocalPort: 443\nAction: Allow\n"), OutAccept | OutDrop, OutAccept | OutDrop},
	} {
		got := []int{tc.fl.Decide(SYN{Src: client, Dst: vip, Port: 443, InIf: "eth0"}), tc.fl.Decide(SYN{Src: probe, Dst: vip, Port: 443, InIf: "eth0"})}
		if d := cmp.Diff([]int{tc.client, tc.probes}, got); d != "" {
			t.Errorf("%s: client, probe (-want +got):\n%s", tc.name, d)
		}
	}
}

func mustNft(t *testing.T, s string) *Filter {
	fl, err := ParseNft(s)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func mustL(t *testing.T, s string) *Filter {
	fl, err := ParseIptablesL(s)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func mustWin(t *testing.T, s string) *Filter {
	fl, err := ParseFirewallRules(s)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

// TestPSTableWide: a Format-Table row whose alias is Chinese is cut by
// console columns, in which each Chinese character takes two.
func TestPSTableWide(t *testing.T) {
	text := "\nifIndex InterfaceAlias                  AddressFamily NlMtu(Bytes) InterfaceMetric Dhcp     ConnectionState PolicyStore\n" +
		"------- --------------                  ------------- ------------ --------------- ----     --------------- -----------\n" +
		"12      以太网                          IPv4                  1500              15 Disabled Connected       ActiveStore\n" +
		"7       以太网 2                        IPv4                  1500               5 Enabled  Disconnected    ActiveStore\n"
	got, err := ParseNetIPInterface(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []NetIPInterface{{Index: 12, Alias: "以太网"}, {Index: 7, Alias: "以太网 2", Down: true}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if HasModel(got) {
		t.Error("the default table holds no weak host settings")
	}
}

// TestRoutePrint: the interface list, and the default route's interface
// address, in English and Chinese (the columns are the same).
func TestRoutePrint(t *testing.T) {
	zh := "===========================================================================\n接口列表\n 13...02 00 4c 4f 4f 50 ......Microsoft KM-TEST 环回适配器\n 12...00 15 5d 01 02 05 ......Intel(R) 82574L 千兆网络连接\n  1...........................Software Loopback Interface 1\n===========================================================================\n\nIPv4 路由表\n===========================================================================\n活动路由:\n网络目标        网络掩码          网关       接口   跃点数\n          0.0.0.0          0.0.0.0         10.0.0.1         10.0.0.5     15\n       192.0.2.10  255.255.255.255            在链路上        192.0.2.10    281\n"
	got, err := ParseRoutePrint(zh)
	if err != nil {
		t.Fatal(err)
	}
	want := RoutePrint{Ifaces: []Interface{{Index: 13, Description: "Microsoft KM-TEST 环回适配器"}, {Index: 12, Description: "Intel(R) 82574L 千兆网络连接"}, {Index: 1, Description: "Software Loopback Interface 1"}},
		Gateways: []netip.Addr{netip.MustParseAddr("10.0.0.5")}}
	if d := cmp.Diff(want, got, cmpIP); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestNetFirewallRuleTable: Get-NetFirewallRule with its port and address
// filters as columns (the Format-Table of itluke.online's recipe, as in
// dmcushing/securing's FirewallRuleDisplay.ps1) is a filter; the cmdlet's
// own list view is none.
func TestNetFirewallRuleTable(t *testing.T) {
	text := "\nDisplayName                                Protocol LocalPort RemotePort RemoteAddress              Enabled Direction Action\n" +
		"-----------                                -------- --------- ---------- -------------              ------- --------- ------\n" +
		"World Wide Web Services (HTTPS Traffic-In) TCP      443       Any        Any                          False   Inbound  Allow\n" +
		"SLB health probe HTTPS                     TCP      443       Any        100.64.0.0/255.192.0.0        True   Inbound  Allow\n" +
		"Remote Desktop - User Mode (TCP-In)        TCP      3389      Any        Any                           True   Inbound  Allow\n"
	fl, ok := ParseNetFirewallRule(text)
	if !ok {
		t.Fatal("no filter read")
	}
	vip := netip.MustParseAddr("192.0.2.10")
	got := []int{fl.Decide(SYN{Src: netip.MustParseAddr("198.51.100.7"), Dst: vip, Port: 443}), fl.Decide(SYN{Src: netip.MustParseAddr("100.64.1.1"), Dst: vip, Port: 443})}
	if d := cmp.Diff([]int{OutDrop, OutAccept}, got); d != "" {
		t.Errorf("client, probe (-want +got):\n%s", d)
	}
	view := "\nName                  : IIS-WebServerRole-HTTPS-In-TCP\nDisplayName           : World Wide Web Services (HTTPS Traffic-In)\nEnabled               : True\nProfile               : Any\nDirection             : Inbound\nAction                : Allow\n"
	if _, ok := ParseNetFirewallRule(view); ok {
		t.Error("the cmdlet's own view holds no port: it is no filter")
	}
}

// TestUfwStatus: ufw's rules as `ufw status` and `ufw status verbose`
// print them (Ubuntu 22.04), app profiles and IPv6 rows included.
func TestUfwStatus(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	client, probe := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("100.64.1.1")
	for _, tc := range []struct {
		name, text     string
		client, probes int
	}{
		{"probes only", "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n443/tcp                    ALLOW IN    100.64.0.0/10\n22/tcp (v6)                ALLOW IN    Anywhere (v6)\n443/tcp (v6)               ALLOW IN    Anywhere (v6)\n", OutDrop, OutAccept},
		{"app profile", "Status: active\n\nTo                         Action      From\n--                         ------      ----\nOpenSSH                    ALLOW       Anywhere\nNginx Full                 ALLOW       Anywhere\nOpenSSH (v6)               ALLOW       Anywhere (v6)\nNginx Full (v6)            ALLOW       Anywhere (v6)\n", OutAccept, OutAccept},
		{"inactive", "Status: inactive\n", OutAccept, OutAccept},
	} {
		fl, err := ParseUfwStatus(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []int{fl.Decide(SYN{Src: client, Dst: vip, Port: 443}), fl.Decide(SYN{Src: probe, Dst: vip, Port: 443})}
		if d := cmp.Diff([]int{tc.client, tc.probes}, got); d != "" {
			t.Errorf("%s: client, probe (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestFirewallCmd: firewalld's zone as `firewall-cmd --list-all` prints
// it (CentOS 7, Rocky 9): services, ports, rich rules, the default target
// refusing the rest.
func TestFirewallCmd(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	client, probe := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("100.64.1.1")
	zone := func(services, ports, rich string) string {
		return "public (active)\n  target: default\n  icmp-block-inversion: no\n  interfaces: eth0\n  sources: \n  services: " + services + "\n  ports: " + ports + "\n  protocols: \n  masquerade: no\n  forward-ports: \n  source-ports: \n  icmp-blocks: \n  rich rules: \n" + rich
	}
	for _, tc := range []struct {
		name, text     string
		client, probes int
	}{
		{"https service", zone("dhcpv6-client https ssh", "", ""), OutAccept, OutAccept},
		{"443 port", zone("dhcpv6-client ssh", "443/tcp", ""), OutAccept, OutAccept},
		{"rich rule for the probes", zone("dhcpv6-client ssh", "", "\trule family=\"ipv4\" source address=\"100.64.0.0/10\" port port=\"443\" protocol=\"tcp\" accept\n"), OutDrop, OutAccept},
	} {
		fl, err := ParseFirewallCmd(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []int{fl.Decide(SYN{Src: client, Dst: vip, Port: 443, InIf: "eth0"}), fl.Decide(SYN{Src: probe, Dst: vip, Port: 443, InIf: "eth0"})}
		if d := cmp.Diff([]int{tc.client, tc.probes}, got); d != "" {
			t.Errorf("%s: client, probe (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestNftSeveralBaseChains: a SYN must pass every input base chain:
// iptables-nft's "ip filter" accepting all does not outvote firewalld's
// table refusing it.
func TestNftSeveralBaseChains(t *testing.T) {
	fl := mustNft(t, "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\ntable inet firewalld {\n\tchain filter_INPUT {\n\t\ttype filter hook input priority filter + 10; policy accept;\n\t\tct state { established, related } accept\n\t\tiifname \"lo\" accept\n\t\tjump filter_IN_public_allow\n\t\treject with icmpx admin-prohibited\n\t}\n\n\tchain filter_IN_public_allow {\n\t\ttcp dport 22 accept\n\t}\n}\n")
	if got := fl.Decide(SYN{Src: netip.MustParseAddr("198.51.100.7"), Dst: netip.MustParseAddr("192.0.2.10"), Port: 443}); got != OutDrop {
		t.Errorf("got %d, want OutDrop", got)
	}
	if got := fl.Decide(SYN{Src: netip.MustParseAddr("198.51.100.7"), Dst: netip.MustParseAddr("192.0.2.10"), Port: 22}); got != OutAccept {
		t.Errorf("port 22: got %d, want OutAccept", got)
	}
}

// TestNftNoInputHook: an empty ruleset, or one that only NATs, filters no
// inbound SYN; an error message in its place is not read as one.
func TestNftNoInputHook(t *testing.T) {
	for _, text := range []string{"", "table ip nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t}\n}\n"} {
		fl, err := ParseNft(text)
		if err != nil || fl.Policy != "accept" || len(fl.Chains[fl.Entry]) != 0 {
			t.Errorf("%q: %+v, %v; want an empty accepting filter", text, fl, err)
		}
	}
	if _, err := ParseNft("Error: Could not process rule: Operation not permitted\n"); err == nil {
		t.Error("an nft error message read as a ruleset")
	}
}
