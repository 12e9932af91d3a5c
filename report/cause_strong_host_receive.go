package report

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// strongHostReceiveTexts are the texts of strong-host-receive: SYNs to a VIP
// reach the host and are dropped, because no interface of the host owns the
// VIP (the strong host model), or a host firewall drops them.
var strongHostReceiveTexts = causeTexts{
	about:    aboutStrongHostReceive,
	headline: headlineStrongHostReceive,
	why:      whyStrongHostReceive,
	windows:  dsrWindows,
	linux:    dsrLinux,

	prediction:   predictStrongHostReceive,
	hostModelFix: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvNeverSource:      sayNeverSource,
		analyze.EvHostMAC:          sayHostMAC,
		analyze.EvOtherHostsAnswer: sayOtherHostsAnswer,
	},
	missing: map[analyze.EvidenceKind]func(*analyze.Finding, Lang) string{
		analyze.EvHostMAC: missingHostMAC,
	},
}

func headlineStrongHostReceive(f *analyze.Finding, l Lang) string {
	if s, ok := headlineFact(f, l); ok {
		return s // the host's configuration contradicts the capture's reading
	}
	via := ""
	if f.Via != "" {
		via = l.tr(fmt.Sprintf(" delivered to %s (%s)", printable(f.Via), addrOrNone(f.HostAddr)),
			fmt.Sprintf("，投递到 %s（%s）", printable(f.Via), addrOrNone(f.HostAddr)))
	}
	why := l.tr("they reach the host and its strong host model drops them, because the VIP is not an address of the interface they arrive on.",
		"这些 SYN 已到达本机，但 VIP 不是接收网卡上的地址，被强主机模型丢弃。")
	if f.HostOS == analyze.OSLinux {
		why = l.tr("they reach the host, which drops them because the VIP is not one of its addresses (Linux accepts any of its own addresses on any interface, but the VIP is not one).",
			"这些 SYN 已到达本机，但 VIP 不是本机的地址，因而被丢弃（Linux 在任何接口上都接收发往本机任一地址的包，但 VIP 不在其中）。")
	}
	if slices.Contains(f.Missing, analyze.EvHostConfig) {
		why += l.tr(" Or a host firewall drops them: the packets look the same, the host's configuration tells (below).",
			"也可能是主机防火墙丢弃了它们：两者在包上看起来一样，要看主机配置（见下文）。")
	}
	return l.tr(fmt.Sprintf("%s in %s from %s to VIP %s%s were never answered: %s",
		count(f.Syns, "SYN"), count(f.Attempts, "attempt"), clientCount(f), f.Server, via, why),
		fmt.Sprintf("来自 %s 个客户端、%d 个连接尝试的 %d 个 SYN 发往 VIP %s%s，始终没有应答：%s",
			clientCountZh(f), f.Attempts, f.Syns, f.Server, via, why))
}

func whyStrongHostReceive(f *analyze.Finding, l Lang) string {
	vip := f.Server.Addr()
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
}

func aboutStrongHostReceive(l Lang) (title, pattern string) {
	return l.tr("SYNs to the VIP reach the host and are dropped (strong host model)", "发往 VIP 的 SYN 到达主机后被丢弃（强主机模型）"),
		l.tr("SYNs to the VIP arrive at the host's MAC and none is answered, while handshakes to the host's own address on the same port complete; the VIP never appears as a source address.",
			"发往 VIP 的 SYN 到达了主机的 MAC，却没有一个得到应答，而同一端口上发往本机地址的握手都能完成；VIP 从未作为源地址出现。")
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

// headlineFact is the headline of a strong-host-receive finding the host's
// configuration contradicts: the SYNs are dropped, but not by the host
// model.
func headlineFact(f *analyze.Finding, l Lang) (string, bool) {
	if f.Cause != analyze.StrongHostReceive || f.Host == nil || f.Confidence != analyze.Low {
		return "", false
	}
	var where, whereZh string
	switch {
	case hasFact(f, analyze.EvFactHostModelReady):
		lb := ifaceText(f.Host.Loopback, f.Host.OS, l)
		where, whereZh = "on the loopback adapter "+lb+", weak host model enabled", "配置在环回适配器"+zhPad(lb)+"上，并已启用弱主机模型"
	case hasFact(f, analyze.EvFactVIPOnLoopback) || hasFact(f, analyze.EvFactVIPOnNIC):
		where, whereZh = "an address of the host", "是本机地址"
	default:
		return "", false
	}
	return l.tr(fmt.Sprintf("%s in %s to VIP %s were never answered, yet the host's configuration accepts the VIP (%s): the host model is not the cause; look at the firewall and the listener or bindings (host facts below).",
		count(f.Syns, "SYN"), count(f.Attempts, "attempt"), f.Server, where),
		fmt.Sprintf("发往 VIP %s 的 %d 个连接尝试（%d 个 SYN）始终没有应答，但主机配置表明它接收该 VIP（%s）：原因不在主机模型，请检查防火墙以及监听或绑定（见下方主机配置）。",
			f.Server, f.Attempts, f.Syns, whereZh)), true
}

// predictStrongHostReceive: the facts show no interface accepts the VIP.
func predictStrongHostReceive(f *analyze.Finding, l Lang) string {
	vip := f.Server
	if f.Host != nil && f.Host.OS == "linux" {
		return l.tr(fmt.Sprintf("SYNs to %s that reach this host will be dropped: the VIP is not one of its addresses (put it on lo).", vip),
			fmt.Sprintf("到达本机的发往 %s 的 SYN 会被丢弃：VIP 不是本机的地址（应配置在 lo 上）。", vip))
	}
	return l.tr(fmt.Sprintf("SYNs to %s that reach this host will be dropped: no interface accepts the VIP on the NIC they arrive on (strong host model).", vip),
		fmt.Sprintf("到达本机的发往 %s 的 SYN 会被丢弃：SYN 进入的网卡不接收发往该 VIP 的包（强主机模型）。", vip))
}

func sayNeverSource(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s never appears as a source address: nothing on this side answers for it (the filter shows no packet).", f.Server.Addr()),
		fmt.Sprintf("%s 从未作为源地址出现：这一侧没有任何设备替它应答（该过滤器显示不出任何包）。", f.Server.Addr()))
}

func sayHostMAC(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("The SYNs were delivered to %s, the MAC that %s sends from: they reached this host, which dropped them.", e.MAC, e.Addr),
		fmt.Sprintf("这些 SYN 的目的 MAC 是 %s，也就是 %s 发包用的 MAC：SYN 已经到达本机，是本机把它们丢弃了。", e.MAC, e.Addr))
}

func sayOtherHostsAnswer(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s to %s delivered to other MACs completed: the load balancer and the VIP work on other backends; only this one drops the SYNs.", count(e.Count, "handshake"), f.Server),
		fmt.Sprintf("发往 %s、投递到其他 MAC 的 %d 次握手都已完成：负载均衡器和 VIP 在其他后端上工作正常，只有这台主机丢弃了 SYN。", f.Server, e.Count))
}

func missingHostMAC(f *analyze.Finding, l Lang) string {
	return l.tr("Not observed: that the SYNs reached this host's MAC. A capture taken on the backend's own Ethernet interface (not SLL \"any\", not in the path) shows it.",
		"未观察到：SYN 是否到达了本机的 MAC。在后端自己的以太网接口上抓包（不要用 SLL 的 \"any\" 接口，也不要在路径中间抓）就能看到。")
}
