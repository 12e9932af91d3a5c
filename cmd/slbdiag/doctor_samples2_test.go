package main

// newSamples are the samples of the second round (testdata/hostfacts/README.md
// names each one's form and the published output it is modelled on): one
// per class of what went wrong, A to H. Each row says, at a glance, what the
// sample proves: verdict, confidence, causes, receiving NIC, the interface
// indexes the fix's commands use, and its key lines.
var newSamples = []doctorSample{
	// A. PowerShell only (Server Core): Get-NetAdapter's table,
	// Get-NetIPAddress's list, Get-NetIPInterface's default table (read,
	// holds no weak host settings: named) and a Select-Object list of five
	// properties, Get-NetRoute. The fix names interface 6, no placeholder.
	{file: "windows/en/2019-core-powershell-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"6"}, "only", []int{6}},
		has:    []string{"Get-NetIPInterface (line 41): read, holds no weak-host settings", "Get-NetFirewallRule -DisplayGroup", "set interface 6 weakhostreceive=enabled"},
		hasNot: []string{"<NIC-IDX>"}, exitVal: exitProblems},
	// A. Format-List *: ifAlias and InterfaceAlias, ifIndex and
	// InterfaceIndex in one object. Everything read, firewall off.
	{file: "windows/en/2016-flstar-after.txt", want: doctorVerdict{"OK", "high", nil, []string{"12"}, "only", nil}, exitVal: exitOK},
	// A. netsh level=verbose: one block per interface, each read; the NIC
	// 12 refuses the VIP, the loopback 14 is set up.
	{file: "windows/en/2012r2-verbose-half.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"12"}, "only", []int{12}},
		has: []string{"Already done, as the host facts show: the VIP is on the loopback adapter interface 14 (Loopback)"}, hasNot: []string{"set interface 14", "hdwwiz.exe"}, exitVal: exitProblems},
	// A. Server 2008 R2, cmd.exe: plain ipconfig gives the addresses, route
	// print's interface list tells that "Local Area Connection 2" is the
	// Microsoft Loopback Adapter, and its default route the NIC.
	{file: "windows/en/2008r2-routeprint-half.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"11"}, "only", []int{11}},
		has: []string{"interface 13 (Local Area Connection 2), loopback, Microsoft Loopback Adapter"}, hasNot: []string{"set interface 13", "hdwwiz.exe"}, exitVal: exitProblems},
	// B. The fix applied midway (Set-NetIPInterface) and read back with
	// Get-NetIPInterface: the later read-back wins and the change is named.
	{file: "windows/en/2022-transcript-fixed-midway.txt", want: doctorVerdict{"OK", "high", nil, []string{"12"}, "only", nil},
		has: []string{"Changed in the file: weakhostreceive IPv4 of 12 (Ethernet), disabled (line 28) → enabled (line 94"}, exitVal: exitOK},
	// F. The NIC accepts the VIP, the loopback may not send for it:
	// weak-host-send, said as replies that cannot leave (no empty
	// "answered from" address), the fix on 14 only.
	{file: "windows/en/2019-weaksend-off.txt", want: doctorVerdict{"PROBLEM", "high", []string{"weak-host-send"}, []string{"12"}, "only", []int{14}},
		has: []string{"weakhostsend is disabled on interface 14 (Loopback), so the SYN-ACKs never leave"}, hasNot: []string{"answered from  instead", "set interface 12"}, exitVal: exitProblems},
	// C. Windows Firewall on; the IIS rule disabled, 443 admitted only from
	// 100.64.0.0/10: the clients are dropped.
	{file: "windows/en/2019-firewall-probes-only.txt", want: doctorVerdict{"PROBLEM", "high", []string{"client-traffic-filtered"}, []string{"12"}, "only", nil},
		has: []string{"admits them only from 100.64.0.0/10", "New-NetFirewallRule -DisplayName \"HTTPS from clients\""}, exitVal: exitProblems},
	// C. HTTP.sys's IP listen list holds the NIC's address only.
	{file: "windows/en/2016-iplisten-nic-only.txt", want: doctorVerdict{"PROBLEM", "high", []string{"no-listener-on-vip"}, []string{"12"}, "only", nil},
		has: []string{"HTTP.sys listens only on 10.0.0.5", "netsh http add iplisten ipaddress=192.0.2.10"}, exitVal: exitProblems},
	// C, zh. The same rules on Chinese Server 2012 R2, saved from cmd.exe in GBK.
	{file: "windows/zh/2012r2-firewall-gbk.txt", args: []string{"--lang", "zh"}, want: doctorVerdict{"PROBLEM", "high", []string{"client-traffic-filtered"}, []string{"12"}, "only", nil},
		has: []string{"只放行来自 100.64.0.0/10 的连接"}, exitVal: exitProblems},
	// C, G. The lab's backend (test/lab/lab.sh dsr-firewall): everything
	// set up, an nft rule drops TCP 443 to the VIP; the fix names the rule.
	{file: "linux/lab-dsr-firewall-nft.txt", want: doctorVerdict{"PROBLEM", "high", []string{"client-traffic-filtered"}, []string{"b0"}, "only", nil},
		has:    []string{"ip daddr 192.0.2.10 tcp dport 443 drop", "nft insert rule inet lab input tcp dport 443 accept", "Already done, as the host facts show: the VIP is on lo"},
		hasNot: []string{"ip addr add"}, exitVal: exitProblems},
	// G. The same backend, its service on 10.2.0.2:443 only, no firewall
	// output: the listener, and what to paste for the firewall.
	{file: "linux/lab-nolistener-nofilter.txt", want: doctorVerdict{"PROBLEM", "high", []string{"no-listener-on-vip"}, []string{"b0"}, "only", nil},
		has: []string{"port 443 is bound to 10.2.0.2:443 only", "Not read: the firewall rules (iptables -S, or nft list ruleset)"}, hasNot: []string{"ip addr add"}, exitVal: exitProblems},
	// C. iptables -S: INPUT policy DROP, 443 from the probes only.
	{file: "linux/debian12-iptables-probes-only.txt", want: doctorVerdict{"PROBLEM", "high", []string{"client-traffic-filtered"}, []string{"ens18"}, "only", nil},
		has: []string{"INPUT policy drop, and admits them only from 100.64.0.0/10", "iptables -I INPUT -p tcp --dport 443 -j ACCEPT"}, exitVal: exitProblems},
	// C. iptables -L -n -v on CentOS 7: 443 admitted before the REJECT.
	{file: "linux/centos7-iptables-L-open.txt", want: doctorVerdict{"OK", "high", nil, []string{"eth0"}, "only", nil}, exitVal: exitOK},
	// D. nginx listen [::]:443 only: IPv6-only, no IPv4 VIP.
	{file: "linux/ubuntu-nginx-v6only.txt", want: doctorVerdict{"PROBLEM", "high", []string{"no-listener-on-vip"}, []string{"ens5"}, "only", nil},
		has: []string{"[::]:443 (IPv6 only)"}, exitVal: exitProblems},
	// E, F. The VIP on dummy0 with ARP quiet in all: no leak, and dummy0
	// is no receiving NIC; firewalld's chains admit https.
	{file: "linux/rocky9-dummy0-firewalld.txt", want: doctorVerdict{"OK", "high", nil, []string{"ens192"}, "only", nil}, exitVal: exitOK},
	// E. arp_ignore/arp_announce set on lo only: the NIC still answers.
	{file: "linux/ubuntu-arp-on-lo-only.txt", want: doctorVerdict{"PROBLEM", "high", []string{"vip-answers-arp"}, []string{"ens3"}, "only", nil},
		has: []string{"arp_ignore is 0 on ens3"}, exitVal: exitProblems},
}
