package report

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// Fix is what to do about a finding on one platform.
type Fix struct {
	Platform string `json:"platform"` // "windows" or "linux"
	Title    string `json:"title"`
	Steps    []Step `json:"steps"`
	Verify   string `json:"verify"`
}

// Step is one thing to do, with the commands that do it.
type Step struct {
	Text     string   `json:"text"`
	Commands []string `json:"commands,omitempty"`
}

// Placeholders the person running the fix fills in; live capture on the
// host will fill them with the real interface indexes and names.
const (
	phNIC      = "<NIC-IDX>"
	phLoopback = "<LOOPBACK-IDX>"
	phLoopName = "<LOOPBACK-NAME>"
	phSite     = "<SITE-NAME>"
	phCert     = "<CERT-THUMBPRINT>"
)

// fixes returns the fixes for a finding, the platform the host's TTL
// suggests first (Windows when unknown: the case slbdiag was built for).
func fixes(f *analyze.Finding, l Lang) []Fix {
	var win, lin Fix
	switch f.Cause {
	case analyze.StrongHostReceive, analyze.WeakHostSend:
		win, lin = dsrWindows(f, l), dsrLinux(f, l)
	case analyze.NoListenerOnVIP:
		win, lin = listenerWindows(f, l), listenerLinux(f, l)
	case analyze.PartialLoss:
		win, lin = lossWindows(f, l), lossLinux(f, l)
	case analyze.ClientsFiltered:
		win, lin = filterWindows(f, l), filterLinux(f, l)
	case analyze.ReturnPathLost:
		win, lin = returnWindows(f, l), returnLinux(f, l)
	case analyze.NoTrafficToVIP:
		win, lin = forwardingWindows(f, l), forwardingLinux(f, l)
	case analyze.TLSBindingMissing:
		win, lin = tlsWindows(f, l), tlsLinux(f, l)
	case analyze.VIPAnswersARP:
		win, lin = arpWindows(f, l), arpLinux(f, l)
	default:
		return nil
	}
	vipFlag := fmt.Sprintf(" --vip %s", f.Server.Addr())
	if f.Cause.OnHostAddress() && !f.Role.IsVIP() {
		vipFlag = ""
	}
	verify := l.tr(fmt.Sprintf("Capture again on the host while clients connect, then run: slbdiag analyze AFTER.pcapng%s --port %d. Every attempt to %s should be completed.",
		vipFlag, f.Server.Port(), f.Server),
		fmt.Sprintf("在客户端发起连接时，在主机上重新抓包，然后运行：slbdiag analyze AFTER.pcapng%s --port %d。所有发往 %s 的连接尝试都应为 completed。",
			vipFlag, f.Server.Port(), f.Server))
	if f.Cause.BesideHandshakes() || f.Cause == analyze.PartialLoss {
		verify = l.tr(fmt.Sprintf("Capture again on the host while clients connect, then run: slbdiag analyze AFTER.pcapng%s --port %d. It should report no %s finding.",
			vipFlag, f.Server.Port(), f.Cause),
			fmt.Sprintf("在客户端发起连接时，在主机上重新抓包，然后运行：slbdiag analyze AFTER.pcapng%s --port %d。结果中不应再出现 %s。",
				vipFlag, f.Server.Port(), f.Cause))
	}
	win.Verify, lin.Verify = verify, verify
	if fxs, ok := fixesFact(f, win, lin, l); ok {
		return fxs
	}
	if f.HostOS == analyze.OSLinux {
		return []Fix{lin, win}
	}
	return []Fix{win, lin}
}

// why explains the mechanism behind a finding.
func why(f *analyze.Finding, l Lang) string {
	vip := f.Server.Addr()
	switch f.Cause {
	case analyze.StrongHostReceive:
		if s, ok := whyFact(f, l); ok {
			return s
		}
		return l.tr(fmt.Sprintf("The load balancer delivers the clients' packets to this host with the VIP %s as their destination address (direct server return), but no interface of the host owns %s. "+
			"Since Windows Vista/Server 2008, Windows uses the strong host model: a packet is accepted only on the interface that owns its destination address, so TCP never sees these SYNs, "+
			"nothing answers and IIS logs nothing. Windows Server 2003 (weak host model) accepted them. Linux accepts packets for any local address on any interface, but drops a packet whose destination is no local address at all. "+
			"The fix gives the host the VIP on a loopback adapter (which never answers ARP for it) and lets the NIC accept it.", vip, vip),
			fmt.Sprintf("负载均衡器把客户端的包原样投递到这台主机，目的地址仍是 VIP %s（直接服务器返回，DSR），但主机上没有任何接口拥有 %s。"+
				"从 Windows Vista/Server 2008 起，Windows 默认采用强主机模型：只有拥有目的地址的那个接口才接收该包，所以这些 SYN 根本到不了 TCP，"+
				"没有任何应答，IIS 也不会留下日志。Windows Server 2003 采用弱主机模型，会接收这些包。Linux 在任何接口上都接收发往本机任一地址的包，但目的地址根本不是本机地址的包同样会被丢弃。"+
				"修复的思路是：把 VIP 配置在主机的环回适配器上（环回适配器不会为它应答 ARP），再让网卡接收发往 VIP 的包。", vip, vip))
	case analyze.WeakHostSend:
		return l.tr(fmt.Sprintf("SYNs to the VIP %s are accepted, but the SYN-ACKs leave from %s. The client sent its SYN to %s, so it ignores or resets a reply from another address. "+
			"On Windows the reply may only use the VIP as its source if the interface holding the VIP may send for it (weakhostsend) and the VIP is on a loopback adapter of the host.",
			vip, addrOrNone(f.HostAddr), vip),
			fmt.Sprintf("发往 VIP %s 的 SYN 已被接收，但 SYN-ACK 的源地址是 %s。客户端的 SYN 是发给 %s 的，所以会忽略来自其他地址的应答，或者用 RST 重置它。"+
				"在 Windows 上，只有当 VIP 配置在主机的环回适配器上、并且持有 VIP 的接口允许替它发包（weakhostsend）时，应答才能以 VIP 作为源地址。",
				vip, addrOrNone(f.HostAddr), vip))
	case analyze.NoListenerOnVIP:
		return l.tr(fmt.Sprintf("The host accepts packets for %s but no socket listens on %s: the web server or HTTP.sys is bound to specific addresses that do not include the VIP.", vip, f.Server),
			fmt.Sprintf("主机接收发往 %s 的包，但 %s 上没有套接字在监听：Web 服务器或 HTTP.sys 只绑定了特定的地址，其中不包括 VIP。", vip, f.Server))
	case analyze.ClientsFiltered:
		return l.tr(fmt.Sprintf("The SYNs went to %s, an address this host answers from, so the host model (which decides by destination address) cannot be the cause. "+
			"What differs between the SYNs that were answered and those that were not is their source: the health probes come from the load balancer's probe range, the clients from the Internet. "+
			"A host firewall rule, a network security group or a cloud security group that admits only the probe range drops the clients' SYNs before TCP sees them, and the load balancer keeps the backend healthy because its probes pass.", f.Server),
			fmt.Sprintf("这些 SYN 发往 %s，这是本机用于应答的地址；主机模型是按目的地址做判断的，所以不可能是原因。"+
				"有应答和没应答的 SYN 区别在于源地址：健康检查探测来自负载均衡器的探测地址段，客户端则来自互联网。"+
				"如果主机防火墙规则、网络安全组或云上的安全组只放行探测地址段，客户端的 SYN 就会在到达 TCP 之前被丢弃；而探测能通过，负载均衡器就一直认为这台后端是健康的。", f.Server))
	case analyze.ReturnPathLost:
		return l.tr(fmt.Sprintf("The host received the SYNs and answered them: SYN-ACKs left %s. The clients never acknowledged them (a client that sends its SYN again after the SYN-ACK left shows it never got it), so the SYN-ACKs did not reach them. "+
			"In direct server return the replies go straight from the backend to the client through the backend's own gateway: a wrong default route, a gateway or ACL that drops traffic it did not see enter, "+
			"or reverse-path filtering on the way loses them. If the backend replies from its own address instead of the VIP, the client also drops them.", f.Server.Addr()),
			fmt.Sprintf("主机收到了 SYN 并做了应答：SYN-ACK 已从 %s 发出。但客户端始终没有确认（客户端在 SYN-ACK 发出后再次发送 SYN，说明它没收到），可见 SYN-ACK 没有到达客户端。"+
				"在直接服务器返回（DSR）模式下，应答由后端经自己的网关直接发回客户端：默认路由配错、网关或 ACL 丢弃了没见过其入方向的流量、"+
				"或者途中的反向路径过滤，都会让应答丢失。如果后端用自己的地址而不是 VIP 应答，客户端同样会丢弃。", f.Server.Addr()))
	case analyze.NoTrafficToVIP:
		return l.tr(fmt.Sprintf("The capture was taken where this host's traffic passes (handshakes to %s complete) but contains no SYN to the VIP %s. "+
			"The load balancer sends the VIP's connections to other backends or nowhere: it may consider this backend unhealthy (health probe failing or probing another port), "+
			"the backend may be missing from the pool or have weight 0, or a security group in front of the load balancer drops the clients.", addrOrNone(f.HostAddr), f.Server.Addr()),
			fmt.Sprintf("抓包位置能看到这台主机的流量（发往 %s 的握手都能完成），但其中没有任何发往 VIP %s 的 SYN。"+
				"负载均衡器把 VIP 的连接发给了其他后端，或者根本没有转发：它可能认为这台后端不健康（健康检查探测失败，或探测的是另一个端口），"+
				"这台后端可能不在后端服务器组中或权重为 0，也可能是负载均衡器前面的安全组丢弃了客户端流量。", addrOrNone(f.HostAddr), f.Server.Addr()))
	case analyze.TLSBindingMissing:
		return whyTLS(f, l)
	case analyze.VIPAnswersARP:
		return whyARP(f, l)
	case analyze.PartialLoss:
		return l.tr(fmt.Sprintf("Some SYNs to %s were answered and others were not, or only when the client sent them again. The host model decides per destination address, all or nothing, so it cannot be the cause. "+
			"A full SYN backlog (the service is slow to accept), packet loss on the way in or out, or a rate limit drops some SYNs or SYN-ACKs; each one lost costs the client a retransmission timeout (1 s on Linux, 3 s on Windows, doubling each time), which users feel as intermittent slowness. ", f.Server),
			fmt.Sprintf("发往 %s 的 SYN 有的得到了应答，有的没有，或者要等客户端重发后才得到应答。主机模型按目的地址判断，要么全收、要么全丢，所以不可能是原因。"+
				"SYN 队列已满（服务 accept 不及时）、入方向或出方向丢包、限速，都会丢掉一部分 SYN 或 SYN-ACK；每丢一个，客户端就要等一个重传超时（Linux 为 1 秒，Windows 为 3 秒，每次翻倍），用户感受到的就是时快时慢。", f.Server)) +
			lossPlace(f, l)
	}
	return ""
}

// psLater marks a PowerShell command that needs Server 2012 or later.
func psLater(l Lang) string {
	return l.tr("   # PowerShell, Server 2012 and later", "   # PowerShell，Server 2012 及以上版本")
}

func dsrWindows(f *analyze.Finding, l Lang) Fix {
	vip, port := f.Server.Addr(), f.Server.Port()
	ipv, mask := "ipv4", "255.255.255.255"
	prefix := 32
	if vip.Is6() && !vip.Is4In6() {
		ipv, mask, prefix = "ipv6", "", 128
	}
	addAddr := fmt.Sprintf("netsh interface %s add address %q %s %s", ipv, phLoopName, vip, mask)
	if mask == "" {
		addAddr = fmt.Sprintf("netsh interface %s add address %q %s", ipv, phLoopName, vip)
	}
	return Fix{Platform: "windows", Title: l.tr("Windows Server 2008 and later: the VIP on a loopback adapter, weak host model on the NIC and the loopback",
		"Windows Server 2008 及以上版本——VIP 配置在环回适配器上，网卡和环回适配器启用弱主机模型"), Steps: []Step{
		{Text: l.tr("Install the Microsoft KM-TEST Loopback Adapter (Server 2008/2008 R2: \"Microsoft Loopback Adapter\"): Device Manager > Action > Add legacy hardware > Network adapters > Microsoft. Give it the VIP as a /"+fmt.Sprint(prefix)+" address, so the host owns the VIP without answering ARP for it.",
			fmt.Sprintf("安装 Microsoft KM-TEST 环回适配器（Server 2008/2008 R2 上叫 Microsoft 环回适配器）：设备管理器 > 操作 > 添加过时硬件 > 网络适配器 > Microsoft。给它配置 VIP，前缀长度 /%d，这样主机拥有 VIP，却不会为它应答 ARP。", prefix)),
			Commands: []string{"hdwwiz.exe", addAddr,
				fmt.Sprintf("New-NetIPAddress -InterfaceAlias %q -IPAddress %s -PrefixLength %d -SkipAsSource $true%s", phLoopName, vip, prefix, psLater(l))}},
		{Text: l.tr("Find the interface indexes (Idx column) of the NIC the SYNs arrive on and of the loopback adapter, then enable the weak host model on those two only.",
			"查出 SYN 进入的网卡和环回适配器的接口索引（Idx 列），然后只在这两个接口上启用弱主机模型。"),
			Commands: []string{
				fmt.Sprintf("netsh interface %s show interfaces", ipv),
				fmt.Sprintf("netsh interface %s set interface %s weakhostreceive=enabled", ipv, phNIC),
				fmt.Sprintf("netsh interface %s set interface %s weakhostreceive=enabled weakhostsend=enabled", ipv, phLoopback),
				fmt.Sprintf("Set-NetIPInterface -InterfaceIndex %s -WeakHostReceive Enabled%s", phNIC, psLater(l)),
				fmt.Sprintf("Set-NetIPInterface -InterfaceIndex %s -WeakHostReceive Enabled -WeakHostSend Enabled", phLoopback)}},
		{Text: l.tr(fmt.Sprintf("Bind the site to %s:%d (or All Unassigned) with its certificate, and check HTTP.sys has a certificate for that address.", vip, port),
			fmt.Sprintf("把站点绑定到 %s:%d（或“全部未分配”）并配好证书，再确认 HTTP.sys 上有该地址的证书。", vip, port)),
			Commands: []string{
				fmt.Sprintf("New-WebBinding -Name %q -Protocol https -IPAddress %s -Port %d", phSite, vip, port),
				fmt.Sprintf("netsh http add sslcert ipport=%s certhash=%s appid={4dc3e181-e14b-4a21-b022-59fc669b0914}", netip.AddrPortFrom(vip, port), phCert),
				"netsh http show sslcert"}},
		{Text: l.tr("Allow the port for the VIP in Windows Firewall (the loopback adapter often lands in the Public profile).",
			"在 Windows 防火墙中为 VIP 放行该端口（环回适配器经常被归入“公用”配置文件）。"),
			Commands: []string{fmt.Sprintf("New-NetFirewallRule -DisplayName \"HTTPS on VIP %s\" -Direction Inbound -Protocol TCP -LocalAddress %s -LocalPort %d -Action Allow", vip, vip, port)}},
	}}
}

func dsrLinux(f *analyze.Finding, l Lang) Fix {
	vip := f.Server.Addr()
	steps := []Step{}
	if vip.Is4() || vip.Is4In6() {
		steps = append(steps,
			Step{Text: l.tr("Put the VIP on lo, so the kernel accepts packets for it.", "把 VIP 配置在 lo 上，让内核接收发往它的包。"),
				Commands: []string{fmt.Sprintf("ip addr add %s/32 dev lo", vip.Unmap())}},
			Step{Text: l.tr("Keep the host from answering ARP for the VIP or announcing it (persist in /etc/sysctl.d/).",
				"禁止主机为 VIP 应答 ARP 或对外通告它（写入 /etc/sysctl.d/ 使其永久生效）。"),
				Commands: []string{"sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"}},
			Step{Text: l.tr("If replies to clients leave through another interface than the SYNs came in on, make reverse-path filtering loose on the receiving interface.",
				"如果发给客户端的应答与 SYN 不走同一个接口，把接收接口的反向路径过滤（rp_filter）改为宽松模式。"),
				Commands: []string{"sysctl -w net.ipv4.conf.all.rp_filter=2"}})
	} else {
		steps = append(steps, Step{Text: l.tr("Put the VIP on lo, so the kernel accepts packets for it (lo never answers neighbour solicitations for it).",
			"把 VIP 配置在 lo 上，让内核接收发往它的包（lo 不会为它应答邻居请求）。"),
			Commands: []string{fmt.Sprintf("ip -6 addr add %s/128 dev lo", vip)}})
	}
	steps = append(steps, Step{Text: l.tr(fmt.Sprintf("Check the service listens on all addresses or on %s.", vip),
		fmt.Sprintf("确认服务监听在所有地址或 %s 上。", vip)),
		Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}})
	return Fix{Platform: "linux", Title: l.tr("Linux: the VIP on lo, ARP kept quiet", "Linux——VIP 配置在 lo 上，并抑制 ARP 应答"), Steps: steps}
}

func listenerWindows(f *analyze.Finding, l Lang) Fix {
	vip, port := f.Server.Addr(), f.Server.Port()
	return Fix{Platform: "windows", Title: l.tr("Windows: bind the site and HTTP.sys to the VIP", "Windows——把站点和 HTTP.sys 绑定到 VIP"), Steps: []Step{
		{Text: l.tr("See which addresses listen on the port, and whether HTTP.sys is limited to a list of addresses (an IP listen list without the VIP).",
			"查看哪些地址在监听该端口，以及 HTTP.sys 是否只监听一个地址列表（IP 监听列表里没有 VIP）。"),
			Commands: []string{fmt.Sprintf("netstat -ano | findstr :%d", port), "netsh http show iplisten"}},
		{Text: l.tr("Add the VIP to the listen list (or delete the list so HTTP.sys listens on all addresses), and bind the site to the VIP or All Unassigned.",
			"把 VIP 加入监听列表（或删除该列表，让 HTTP.sys 监听所有地址），并把站点绑定到 VIP 或“全部未分配”。"),
			Commands: []string{fmt.Sprintf("netsh http add iplisten ipaddress=%s", vip),
				fmt.Sprintf("New-WebBinding -Name %q -Protocol https -IPAddress %s -Port %d", phSite, vip, port)}},
	}}
}

func listenerLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: l.tr("Linux: make the service listen on the VIP", "Linux——让服务监听 VIP"), Steps: []Step{
		{Text: l.tr(fmt.Sprintf("See which addresses listen on port %d; bind the service to 0.0.0.0 (or ::) or to %s.", f.Server.Port(), f.Server.Addr()),
			fmt.Sprintf("查看哪些地址在监听端口 %d；把服务绑定到 0.0.0.0（或 ::）或 %s。", f.Server.Port(), f.Server.Addr())),
			Commands: []string{fmt.Sprintf("ss -ltnp 'sport = :%d'", f.Server.Port())}},
		{Text: l.tr("A service that binds the VIP before the address exists needs non-local binds.",
			"如果服务在 VIP 地址配置好之前就要绑定它，需要允许绑定非本机地址。"),
			Commands: []string{"sysctl -w net.ipv4.ip_nonlocal_bind=1"}},
	}}
}

// locatedStep replaces the advice to capture elsewhere when the captures
// given already named the stretch where packets vanished.
func locatedStep(l Lang) Step {
	return Step{Text: l.tr("The captures given already locate the loss between their two capture points (see above): check the devices between them (the load balancer, a firewall, routers) for drops; no further capture is needed to find the stretch.",
		"所给的抓包已经把丢包定位在两个抓包点之间（见上文）：请检查它们之间的设备（负载均衡器、防火墙、路由器）的丢包情况，无需再抓包来定位。")}
}

// captureBothEnds is the step that finds where missing SYNs were lost.
func captureBothEnds(f *analyze.Finding, l Lang) Step {
	if slices.Contains(f.Located, "syn") {
		return locatedStep(l)
	}
	if f.Place == analyze.PlaceClient {
		return Step{Text: l.tr("Capture on the server (or at the load balancer) at the same time as on the client, and give slbdiag both files: it names the stretch where the SYNs or SYN-ACKs vanish.",
			"在客户端抓包的同时，在服务器（或负载均衡器）上也抓包，把两个文件都交给 slbdiag：它会指出 SYN 或 SYN-ACK 在哪一段消失。")}
	}
	return Step{Text: l.tr("Capture at the load balancer or the client at the same time, to see whether the missing SYNs reached the host at all.",
		"同时在负载均衡器或客户端上抓包，确认缺失的 SYN 到底有没有到达主机。")}
}

func lossWindows(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "windows", Title: l.tr("Windows: look for SYN backlog drops and loss, not host settings", "Windows——排查 SYN 队列溢出和丢包，而不是主机设置"), Steps: []Step{
		{Text: l.tr("Check TCP failure counters and whether the service keeps up (connection backlog).",
			"查看 TCP 失败计数，以及服务是否处理得过来（连接队列）。"),
			Commands: []string{"netstat -s -p tcp", fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
		captureBothEnds(f, l),
	}}
}

func lossLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: l.tr("Linux: look for SYN backlog drops and loss, not host settings", "Linux——排查 SYN 队列溢出和丢包，而不是主机设置"), Steps: []Step{
		{Text: l.tr("Check listen queue overflows and drops, and the accept backlog of the listener (Recv-Q against Send-Q).",
			"查看监听队列溢出和丢弃计数，以及监听套接字的 accept 队列（对比 Recv-Q 和 Send-Q）。"),
			Commands: []string{"nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDrop", fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
		captureBothEnds(f, l),
	}}
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

func returnWindows(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "windows", Title: l.tr("Windows: follow the SYN-ACKs' way back", "Windows——沿 SYN-ACK 的回程路径排查"), Steps: []Step{
		{Text: l.tr("See which route and source address the replies to a client take; in direct server return they must leave through the backend's own gateway with the VIP as source.",
			"查看发给客户端的应答走哪条路由、用哪个源地址；在直接服务器返回（DSR）模式下，应答必须经后端自己的网关发出，并以 VIP 作为源地址。"),
			Commands: []string{"route print", "Find-NetRoute -RemoteIPAddress " + exampleClient(f)}},
		returnCapture(f, l),
	}}
}

// returnCapture is the step that finds where SYN-ACKs are lost, unless
// the captures given already did.
func returnCapture(f *analyze.Finding, l Lang) Step {
	if slices.Contains(f.Located, "synack") {
		return locatedStep(l)
	}
	return Step{Text: l.tr("Capture on the client (or at the gateway) at the same time: if the SYN-ACKs never arrive there, the gateway, an ACL or a stateful firewall that saw no SYN drops them.",
		"同时在客户端（或网关）上抓包：如果 SYN-ACK 根本没到那里，就是网关、ACL 或没见过对应 SYN 的有状态防火墙把它丢了。")}
}

func returnLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: l.tr("Linux: follow the SYN-ACKs' way back", "Linux——沿 SYN-ACK 的回程路径排查"), Steps: []Step{
		{Text: l.tr("See which route and source address the replies to a client take.", "查看发给客户端的应答走哪条路由、用哪个源地址。"),
			Commands: []string{fmt.Sprintf("ip route get %s from %s", exampleClient(f), f.Server.Addr().Unmap())}},
		{Text: l.tr("Check reverse-path filtering and firewall drops on the way out.", "检查反向路径过滤和出方向的防火墙丢包。"),
			Commands: []string{"sysctl net.ipv4.conf.all.rp_filter", "nstat -az TcpExtTCPSynRetrans"}},
		returnCapture(f, l),
	}}
}

// checkForwarding is the first step of both forwarding fixes.
func checkForwarding(f *analyze.Finding, l Lang) Step {
	return Step{Text: l.tr(fmt.Sprintf("In the load balancer, check this backend's health status, pool membership and weight, and the port its health probe uses (it must be one this host answers, e.g. %d).", f.Server.Port()),
		fmt.Sprintf("在负载均衡器上检查这台后端的健康状态、是否在后端服务器组中、权重，以及健康检查探测使用的端口（必须是本机会应答的端口，例如 %d）。", f.Server.Port()))}
}

func forwardingWindows(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "windows", Title: forwardingTitle(l), Steps: []Step{
		checkForwarding(f, l),
		{Text: l.tr("Check the health probe reaches the host and is answered: its handshakes appear in this capture from the probe range.",
			"确认健康检查探测能到达主机并得到应答：本次抓包中应能看到来自探测地址段的握手。"),
			Commands: []string{fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
	}}
}

func forwardingLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: forwardingTitle(l), Steps: []Step{
		checkForwarding(f, l),
		{Text: l.tr("Check the health probe reaches the host and is answered.", "确认健康检查探测能到达主机并得到应答。"),
			Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
	}}
}

func forwardingTitle(l Lang) string {
	return l.tr("The load balancer: make it send the VIP to this backend", "负载均衡器——让它把 VIP 流量转发到这台后端")
}

// exampleClient is a client of the finding's attempts, or a placeholder.
func exampleClient(f *analyze.Finding) string {
	for _, e := range f.Evidence {
		if e.Kind == analyze.EvSynAckSent && e.Addr.IsValid() {
			return e.Addr.String()
		}
	}
	return "<CLIENT-IP>"
}

// whyFact explains a strong-host-receive finding whose host facts show
// the host holds the VIP: the drop is real, the host model is not it.
func whyFact(f *analyze.Finding, l Lang) (string, bool) {
	if _, ok := headlineFact(f, l); !ok {
		return "", false
	}
	vip := f.Server.Addr()
	return l.tr(fmt.Sprintf("The load balancer delivers the clients' SYNs to this host with the VIP %s as their destination address, and nothing answers them: on the wire, what the strong host model does to a VIP the host does not hold. "+
		"But the host's configuration shows it holds %s where the host model accepts it, so something else drops the SYNs before TCP answers: a host firewall rule (its drop counters show it), "+
		"or no listener or binding for the VIP (a listener refuses with RST, so a silent drop points at the firewall first).", vip, vip),
		fmt.Sprintf("负载均衡器把客户端的 SYN 投递到这台主机，目的地址是 VIP %s，但没有任何应答：在包上看，这正是强主机模型对主机并未持有的 VIP 所做的。"+
			"但主机配置表明它持有 %s，而且主机模型会接收它，所以是别的东西在 TCP 应答之前丢弃了 SYN：主机防火墙规则（看它的丢包计数），"+
			"或者 VIP 上没有监听或绑定（没有监听时会回 RST，所以静默丢弃首先要查防火墙）。", vip, vip)), true
}

// lossPlace says where a partial loss must be, as far as the capture
// point tells.
func lossPlace(f *analyze.Finding, l Lang) string {
	switch {
	case len(f.Located) > 0:
		return l.tr("The captures given locate it: see the stretch named above.", "所给的抓包已经定位了丢包位置：见上文指出的区段。")
	case f.Place == analyze.PlaceClient:
		return l.tr("This capture was taken at the client: its SYNs left and no SYN-ACK came back in time, so either the SYNs or the SYN-ACKs were lost between this client and the server's TCP (the path, the load balancer, or the server's backlog). A capture on the server at the same time tells which.",
			"这份抓包取自客户端：SYN 已经发出，SYN-ACK 没有及时回来，所以丢失的是 SYN 或 SYN-ACK，位置在这个客户端与服务器 TCP 之间（路径、负载均衡器或服务器的队列）。同时在服务器上抓包就能区分是哪一种。")
	case f.Place == analyze.PlaceBackend || f.Place == analyze.PlaceLAN:
		return l.tr("This capture was taken on the server: the SYNs it answered late reached it, so the host itself dropped them (a full SYN or accept backlog, a SYN rate limit or firewall), or its SYN-ACKs were lost on the way back.",
			"这份抓包取自服务器：那些迟迟才被应答的 SYN 已经到达了它，所以要么是主机自己丢弃了它们（SYN 队列或 accept 队列已满、SYN 限速或防火墙），要么是它的 SYN-ACK 在回程中丢失。")
	}
	return l.tr("Where this capture was taken does not tell which side of it loses them: capture at the client and on the server at the same time and give slbdiag both files, and it names the stretch.",
		"从这份抓包的位置看不出丢包在它的哪一侧：请同时在客户端和服务器上抓包，把两个文件都交给 slbdiag，它会指出丢包的区段。")
}
