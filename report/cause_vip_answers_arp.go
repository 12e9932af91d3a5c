package report

import (
	"fmt"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
)

// vipAnswersARPTexts are the texts of vip-answers-arp: a backend answers ARP
// for the VIP.
var vipAnswersARPTexts = causeTexts{
	about:    aboutVipAnswersARP,
	headline: headlineVipAnswersARP,
	why:      whyVipAnswersARP,
	windows:  arpWindows,
	linux:    arpLinux,

	prediction: predictVIPAnswersARP,
	fact:       factVIPAnswersARP,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvARPClaim: sayARPClaim,
	},
}

func headlineVipAnswersARP(f *analyze.Finding, l Lang) string {
	return headlineARP(f, l)
}

func whyVipAnswersARP(f *analyze.Finding, l Lang) string {
	return whyARP(f, l)
}

func aboutVipAnswersARP(l Lang) (title, pattern string) {
	return l.tr("a backend answers ARP for the VIP", "后端在为 VIP 应答 ARP"),
		l.tr("ARP replies or announcements for the VIP come from a backend's MAC, not the load balancer's.",
			"VIP 的 ARP 应答或通告来自某台后端的 MAC，而不是负载均衡器。")
}

// arpMAC is the MAC that claimed the VIP, and the host address it sends from.
func arpMAC(f *analyze.Finding) (string, netip.Addr) {
	for _, e := range f.Evidence {
		if e.Kind == analyze.EvARPClaim {
			return e.MAC, e.Addr
		}
	}
	return "", netip.Addr{}
}

func macAndHost(f *analyze.Finding, l Lang) string {
	mac, host := arpMAC(f)
	if host.IsValid() {
		return fmt.Sprintf("%s (%s)", mac, host)
	}
	return mac
}

func headlineARP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s answers ARP for the VIP %s: the router sends the VIP's traffic straight to it, past the load balancer.", macAndHost(f, l), f.Server.Addr()),
		fmt.Sprintf("%s 在为 VIP %s 应答 ARP：路由器会把 VIP 的流量直接发给它，绕过负载均衡器。", macAndHost(f, l), f.Server.Addr()))
}

func whyARP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("In direct server return every backend holds the VIP, but only the load balancer may answer ARP for it. A backend that answers (the VIP on its NIC instead of a loopback adapter, or Linux with arp_ignore=0 and arp_announce=0) makes the router deliver the VIP's packets for %s to that backend: "+
		"the load balancer and its health checks are bypassed, and connections break whenever the router's ARP entry flips between backends.", f.Server.Addr()),
		fmt.Sprintf("在直接服务器返回（DSR）模式下，每台后端都配置了 VIP，但只有负载均衡器可以为它应答 ARP。后端一旦应答（VIP 配在网卡上而不是环回适配器上，或 Linux 的 arp_ignore=0、arp_announce=0），路由器就会把发往 %s 的包直接交给这台后端："+
			"负载均衡器和它的健康检查都被绕过，而且路由器的 ARP 表项在不同后端之间来回切换时，连接就会中断。", f.Server.Addr()))
}

func arpWindows(f *analyze.Finding, l Lang) Fix {
	vip := f.Server.Addr()
	return Fix{Platform: "windows", Title: l.tr("Windows: the VIP on the loopback adapter only", "Windows——VIP 只能配在环回适配器上"), Steps: []Step{
		{Text: l.tr("See which interfaces hold the VIP; it must be on the loopback adapter only, never on the NIC.", "查看哪些接口上配置了 VIP；它只能在环回适配器上，绝不能在网卡上。"),
			Commands: []string{"netsh interface ipv4 show ipaddresses", fmt.Sprintf("Get-NetIPAddress -IPAddress %s", vip)}},
		{Text: l.tr("Remove the VIP from the NIC, and keep it on the loopback adapter as a /32.", "从网卡上删除 VIP，只在环回适配器上保留 /32 地址。"),
			Commands: []string{fmt.Sprintf("netsh interface ipv4 delete address \"<NIC-NAME>\" %s", vip)}},
	}}
}

func arpLinux(f *analyze.Finding, l Lang) Fix {
	vip := f.Server.Addr()
	return Fix{Platform: "linux", Title: l.tr("Linux: keep the VIP on lo and ARP quiet", "Linux——VIP 只放在 lo 上，并让 ARP 保持安静"), Steps: []Step{
		{Text: l.tr("See which interfaces hold the VIP; it belongs on lo only.", "查看哪些接口上配置了 VIP；它只应该在 lo 上。"),
			Commands: []string{fmt.Sprintf("ip -br addr | grep -w %s", vip), fmt.Sprintf("ip addr del %s/32 dev <NIC-NAME>", vip)}},
		{Text: l.tr("Stop answering and announcing ARP for addresses on lo (persist in /etc/sysctl.d/).", "不再为 lo 上的地址应答或通告 ARP（写入 /etc/sysctl.d/ 以持久化）。"),
			Commands: []string{"sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"}},
	}}
}

// predictVIPAnswersARP: the facts show the VIP where the host answers ARP
// for it.
func predictVIPAnswersARP(f *analyze.Finding, l Lang) string {
	vip := f.Server
	return l.tr(fmt.Sprintf("This host will answer ARP for %s: the VIP leaks to the network and pulls its traffic past the load balancer.", vip.Addr()),
		fmt.Sprintf("本机会为 %s 应答 ARP：VIP 泄露到网络上，会把本该经过负载均衡器的流量直接引到本机。", vip.Addr()))
}

// factVIPAnswersARP: the VIP on a network adapter is, for this cause, the
// adapter that answers ARP for it.
func factVIPAnswersARP(f *analyze.Finding, e *analyze.Evidence, l Lang) (en, zh string, ok bool) {
	if e.Kind != analyze.EvFactVIPOnOther {
		return "", "", false
	}
	vip, ifc := f.Server.Addr(), ifaceText(e.Fact.Iface, hostOS(f), l)
	return fmt.Sprintf("%s is an address of %s, a network adapter rather than a loopback adapter: the host answers ARP for it there.", vip, ifc),
		fmt.Sprintf("%s 配置在%s这块网卡上，而不是环回适配器上：主机会在这块网卡上为它应答 ARP。", vip, zhPad(ifc)), true
}

func sayARPClaim(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	owner := ""
	if e.Addr.IsValid() {
		owner = l.tr(fmt.Sprintf(" (the MAC that %s sends from)", e.Addr), fmt.Sprintf("（%s 发包所用的 MAC）", e.Addr))
	}
	return l.tr(fmt.Sprintf("%s from %s%s claim %s.", count(e.Count, "ARP reply or announcement", "ARP replies or announcements"), e.MAC, owner, f.Server.Addr()),
		fmt.Sprintf("来自 %s%s 的 %d 个 ARP 应答或通告声称自己拥有 %s。", e.MAC, owner, e.Count, f.Server.Addr()))
}
