package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// clientsFilteredTexts are the texts of client-traffic-filtered: health
// probes complete, clients are dropped.
var clientsFilteredTexts = causeTexts{
	about:    aboutClientsFiltered,
	headline: headlineClientsFiltered,
	why:      whyClientsFiltered,
	windows:  filterWindows,
	linux:    filterLinux,

	prediction: predictClientsFiltered,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvClientsFail:    sayClientsFail,
		analyze.EvProbesComplete: sayProbesComplete,
	},
}

func headlineClientsFiltered(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s in %s from %s to %s were never answered while health probes to it completed: something admits the probes and drops the clients (host firewall or security group), not the host model.",
		count(f.Syns, "SYN"), count(f.Attempts, "attempt"), clientCount(f), f.Server),
		fmt.Sprintf("来自 %s 个客户端、%d 个连接尝试的 %d 个 SYN 发往 %s，始终没有应答，而发往同一地址的健康检查探测都已完成：有设备放行了探测、丢弃了客户端流量（主机防火墙或安全组），与主机模型无关。",
			clientCountZh(f), f.Attempts, f.Syns, f.Server))
}

func whyClientsFiltered(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("The SYNs went to %s, an address this host answers from, so the host model (which decides by destination address) cannot be the cause. "+
		"What differs between the SYNs that were answered and those that were not is their source: the health probes come from the load balancer's probe range, the clients from the Internet. "+
		"A host firewall rule, a network security group or a cloud security group that admits only the probe range drops the clients' SYNs before TCP sees them, and the load balancer keeps the backend healthy because its probes pass.", f.Server),
		fmt.Sprintf("这些 SYN 发往 %s，这是本机用于应答的地址；主机模型是按目的地址做判断的，所以不可能是原因。"+
			"有应答和没应答的 SYN 区别在于源地址：健康检查探测来自负载均衡器的探测地址段，客户端则来自互联网。"+
			"如果主机防火墙规则、网络安全组或云上的安全组只放行探测地址段，客户端的 SYN 就会在到达 TCP 之前被丢弃；而探测能通过，负载均衡器就一直认为这台后端是健康的。", f.Server))
}

func aboutClientsFiltered(l Lang) (title, pattern string) {
	return l.tr("probes pass, clients are filtered", "探测能通过，客户端被过滤"),
		l.tr("SYNs go to the host's own address; those from the health-probe ranges complete, the clients' are never answered.",
			"SYN 发往本机地址；来自健康检查探测地址段的握手都能完成，客户端的 SYN 却始终没有应答。")
}

func filterWindows(f *analyze.Finding, l Lang) Fix {
	port := f.Server.Port()
	return Fix{Platform: "windows", Title: l.tr("Windows: admit the clients, not only the probes", "Windows——放行客户端，而不只是探测"), Steps: []Step{
		{Text: l.tr(fmt.Sprintf("List the inbound rules for port %d with their remote address scope; a rule limited to the probe range admits the probes and not the clients.", port),
			fmt.Sprintf("列出端口 %d 的入站规则及其远程地址范围；只限定探测地址段的规则会放行探测、挡住客户端。", port)),
			Commands: []string{
				fmt.Sprintf("Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq %d | Get-NetFirewallRule | Where-Object Direction -eq Inbound | Format-Table DisplayName,Enabled,Action,Profile", port),
				fmt.Sprintf("Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq %d | Get-NetFirewallRule | Get-NetFirewallAddressFilter", port),
				"netsh advfirewall show allprofiles"}},
		{Text: l.tr(fmt.Sprintf("Widen the rule's remote addresses to the clients, or add one; check the cloud network security group too: it must admit the clients to %s.", f.Server),
			fmt.Sprintf("把规则的远程地址扩大到客户端，或者新增一条规则；同时检查云上的网络安全组：它必须允许客户端访问 %s。", f.Server)),
			Commands: []string{fmt.Sprintf("New-NetFirewallRule -DisplayName \"HTTPS from clients\" -Direction Inbound -Protocol TCP -LocalPort %d -RemoteAddress Any -Action Allow", port)}},
	}}
}

func filterLinux(f *analyze.Finding, l Lang) Fix {
	port := f.Server.Port()
	return Fix{Platform: "linux", Title: l.tr("Linux: admit the clients, not only the probes", "Linux——放行客户端，而不只是探测"), Steps: []Step{
		{Text: l.tr(fmt.Sprintf("Look for rules on port %d that accept only the probe range, and count what they drop.", port),
			fmt.Sprintf("找出端口 %d 上只放行探测地址段的规则，并统计它们丢弃了多少包。", port)),
			Commands: []string{"nft list ruleset", fmt.Sprintf("iptables -L INPUT -n -v | grep -w %d", port)}},
		{Text: l.tr(fmt.Sprintf("Admit the clients to port %d in the host firewall, and in the cloud security group in front of the host.", port),
			fmt.Sprintf("在主机防火墙和主机前面的云安全组中，都放行客户端访问端口 %d。", port)),
			Commands: []string{fmt.Sprintf("nft add rule inet filter input tcp dport %d accept", port)}},
	}}
}

func sayClientsFail(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s from clients (outside the health-probe ranges) to %s, none answered.", count(e.Count, "SYN transmission"), f.Server),
		fmt.Sprintf("客户端（健康检查探测地址段以外）发往 %s 的 SYN 共 %d 个（含重传），全部没有应答。", f.Server, e.Count))
}

func sayProbesComplete(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s from the health-probe ranges to %s completed: the service listens and answers them.", count(e.Count, "handshake"), f.Server),
		fmt.Sprintf("来自健康检查探测地址段、发往 %s 的 %d 次握手都已完成：服务在监听，并且正常应答探测。", f.Server, e.Count))
}

// predictClientsFiltered: the facts show a firewall that drops the
// clients' SYNs.
func predictClientsFiltered(f *analyze.Finding, l Lang) string {
	vip := f.Server
	return l.tr(fmt.Sprintf("This host accepts %s, but its firewall drops clients' SYNs to it: only what the rules admit (the health probes, often) gets through.", vip),
		fmt.Sprintf("本机接收发往 %s 的包，但防火墙会丢弃客户端发往它的 SYN：只有规则放行的来源（往往只是健康检查探测）能通过。", vip))
}
