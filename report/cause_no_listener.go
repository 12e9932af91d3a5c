package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// noListenerTexts are the texts of no-listener-on-vip: SYNs to the VIP are
// refused with RST.
var noListenerTexts = causeTexts{
	about:    aboutNoListener,
	headline: headlineNoListener,
	why:      whyNoListener,
	windows:  listenerWindows,
	linux:    listenerLinux,

	prediction: predictNoListener,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvRefused: sayRefused,
	},
}

func headlineNoListener(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s to VIP %s refused with RST: nothing listens on the VIP (no socket or site binding for it).",
		count(f.Attempts, "SYN"), f.Server),
		fmt.Sprintf("发往 VIP %s 的 %d 个 SYN 被 RST 拒绝：VIP 上没有监听（没有绑定到 VIP 的套接字或站点）。", f.Server, f.Attempts))
}

func whyNoListener(f *analyze.Finding, l Lang) string {
	vip := f.Server.Addr()
	return l.tr(fmt.Sprintf("The host accepts packets for %s but no socket listens on %s: the web server or HTTP.sys is bound to specific addresses that do not include the VIP.", vip, f.Server),
		fmt.Sprintf("主机接收发往 %s 的包，但 %s 上没有套接字在监听：Web 服务器或 HTTP.sys 只绑定了特定的地址，其中不包括 VIP。", vip, f.Server))
}

func aboutNoListener(l Lang) (title, pattern string) {
	return l.tr("nothing listens on the VIP", "VIP 上没有监听"),
		l.tr("SYNs to the VIP are refused with RST while handshakes to the host's own address complete.",
			"发往 VIP 的 SYN 被 RST 拒绝，而发往本机地址的握手都能完成。")
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

// predictNoListener: the facts show the VIP accepted and nothing bound to it.
func predictNoListener(f *analyze.Finding, l Lang) string {
	vip := f.Server
	return l.tr(fmt.Sprintf("This host accepts %s but nothing listens on it: SYNs to it will be refused with RST.", vip),
		fmt.Sprintf("本机接收发往 %s 的包，但没有监听：发往它的 SYN 会被 RST 拒绝。", vip))
}

func sayRefused(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s to %s answered with RST.", count(e.Count, "SYN"), f.Server),
		fmt.Sprintf("发往 %s 的 %d 个 SYN 收到的应答是 RST。", f.Server, e.Count))
}
