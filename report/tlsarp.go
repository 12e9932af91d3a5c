package report

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// The texts of the two causes seen after or beside the handshake: a TLS
// binding missing in HTTP.sys, and a backend answering ARP for the VIP.

// names lists the SNI names evidence of kind k carries, or says there was none.
func names(f *analyze.Finding, k analyze.EvidenceKind, l Lang) string {
	for _, e := range f.Evidence {
		if e.Kind == k && len(e.Names) > 0 {
			var ns []string
			for _, n := range e.Names {
				ns = append(ns, sniText(n, l))
			}
			return l.list(ns)
		}
	}
	return l.tr("(no SNI)", "（无 SNI）")
}

// alertEvidence is the finding's TLS alert evidence, nil without one.
func alertEvidence(f *analyze.Finding) *analyze.Evidence {
	for i := range f.Evidence {
		if f.Evidence[i].Kind == analyze.EvHelloAlert {
			return &f.Evidence[i]
		}
	}
	return nil
}

// alertNames lists the alerts' names as Wireshark shows them.
func alertNames(e *analyze.Evidence) string {
	var ns []string
	for _, a := range e.Alerts {
		ns = append(ns, analyze.AlertName(a))
	}
	return strings.Join(ns, ", ")
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

func headlineTLS(f *analyze.Finding, l Lang) string {
	if e := alertEvidence(f); e != nil {
		return l.tr(fmt.Sprintf("%s to %s completed, then the server rejected the client's TLS ClientHello with a fatal alert (%s): no certificate is bound for this address and port, or for the name asked (SNI %s).",
			count(f.Attempts, "handshake"), f.Server, alertNames(e), names(f, analyze.EvHelloAlert, l)),
			fmt.Sprintf("发往 %s 的 %d 次握手都已完成，但服务器用致命 TLS 告警（%s）拒绝了客户端的 ClientHello：这个地址和端口，或者所请求的名称（SNI %s）没有绑定证书。",
				f.Server, f.Attempts, alertNames(e), names(f, analyze.EvHelloAlert, l)))
	}
	return l.tr(fmt.Sprintf("%s to %s completed, then the server closed them (RST or FIN) right after the client's TLS ClientHello: no certificate is bound for this address and port, or for the name asked (SNI %s).",
		count(f.Attempts, "handshake"), f.Server, names(f, analyze.EvHelloClosed, l)),
		fmt.Sprintf("发往 %s 的 %d 次握手都已完成，但客户端发出 TLS ClientHello 后服务器立即关闭了连接（RST 或 FIN）：这个地址和端口，或者所请求的名称（SNI %s）没有绑定证书。",
			f.Server, f.Attempts, names(f, analyze.EvHelloClosed, l)))
}

func headlineARP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s answers ARP for the VIP %s: the router sends the VIP's traffic straight to it, past the load balancer.", macAndHost(f, l), f.Server.Addr()),
		fmt.Sprintf("%s 在为 VIP %s 应答 ARP：路由器会把 VIP 的流量直接发给它，绕过负载均衡器。", macAndHost(f, l), f.Server.Addr()))
}

func evidenceTLSARP(f *analyze.Finding, e *analyze.Evidence, l Lang) (string, bool) {
	switch e.Kind {
	case analyze.EvHelloClosed:
		return l.tr(fmt.Sprintf("%s closed by the server (RST or FIN) right after the client's ClientHello, before it sent anything. Names asked (SNI): %s.", count(e.Count, "connection"), names(f, e.Kind, l)),
			fmt.Sprintf("有 %d 个连接在客户端发出 ClientHello 之后、服务器发出任何数据之前，就被服务器关闭（RST 或 FIN）。所请求的名称（SNI）：%s。", e.Count, names(f, e.Kind, l))), true
	case analyze.EvHelloAlert:
		return l.tr(fmt.Sprintf("The server answered %s with a fatal TLS alert (%s) instead of a ServerHello, and closed. Names asked (SNI): %s.", count(e.Count, "ClientHello"), alertNames(e), names(f, e.Kind, l)),
			fmt.Sprintf("有 %d 个连接在客户端发出 ClientHello 之后，服务器回复的不是 ServerHello，而是致命 TLS 告警（%s）。所请求的名称（SNI）：%s。", e.Count, alertNames(e), names(f, e.Kind, l))), true
	case analyze.EvHelloServed:
		return l.tr(fmt.Sprintf("%s sent by the server in answer to ClientHellos (SNI %s): TLS works for those names.", count(e.Count, "ServerHello"), names(f, e.Kind, l)),
			fmt.Sprintf("服务器对 ClientHello 回复了 %d 个 ServerHello（SNI %s）：这些名称的 TLS 正常。", e.Count, names(f, e.Kind, l))), true
	case analyze.EvARPClaim:
		owner := ""
		if e.Addr.IsValid() {
			owner = l.tr(fmt.Sprintf(" (the MAC that %s sends from)", e.Addr), fmt.Sprintf("（%s 发包所用的 MAC）", e.Addr))
		}
		return l.tr(fmt.Sprintf("%s from %s%s claim %s.", count(e.Count, "ARP reply or announcement", "ARP replies or announcements"), e.MAC, owner, f.Server.Addr()),
			fmt.Sprintf("来自 %s%s 的 %d 个 ARP 应答或通告声称自己拥有 %s。", e.MAC, owner, e.Count, f.Server.Addr())), true
	}
	return "", false
}

func whyTLS(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("The TCP handshake completes, so the host accepts %s and something listens on it. Then HTTP.sys, the kernel HTTPS listener IIS uses, looks for a certificate bound to the address and port the connection came to (an IP binding such as %s) or to the name in the ClientHello (an SNI binding, hostname:port). "+
		"When it finds none it resets the connection without a word: the client sees a reset and IIS logs nothing. This often follows putting the VIP on a loopback adapter, when the certificate was bound to the host's own address only.", f.Server.Addr(), f.Server),
		fmt.Sprintf("TCP 握手能够完成，说明主机接受了 %s，上面也有程序在监听。随后 HTTP.sys（IIS 使用的内核态 HTTPS 监听）要为这个连接找证书：按连接到达的地址和端口（IP 绑定，如 %s）或按 ClientHello 中的名称（SNI 绑定，主机名:端口）查找。"+
			"找不到时，它会直接重置连接，不给任何提示：客户端看到连接被重置，IIS 日志里什么也没有。这种情况常出现在把 VIP 加到环回适配器之后，而证书只绑定在主机自己的地址上。", f.Server.Addr(), f.Server))
}

func whyARP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("In direct server return every backend holds the VIP, but only the load balancer may answer ARP for it. A backend that answers (the VIP on its NIC instead of a loopback adapter, or Linux with arp_ignore=0 and arp_announce=0) makes the router deliver the VIP's packets for %s to that backend: "+
		"the load balancer and its health checks are bypassed, and connections break whenever the router's ARP entry flips between backends.", f.Server.Addr()),
		fmt.Sprintf("在直接服务器返回（DSR）模式下，每台后端都配置了 VIP，但只有负载均衡器可以为它应答 ARP。后端一旦应答（VIP 配在网卡上而不是环回适配器上，或 Linux 的 arp_ignore=0、arp_announce=0），路由器就会把发往 %s 的包直接交给这台后端："+
			"负载均衡器和它的健康检查都被绕过，而且路由器的 ARP 表项在不同后端之间来回切换时，连接就会中断。", f.Server.Addr()))
}

// phHostName stands for the server name in a command when the capture
// gave none that may go there.
const phHostName = "<HOST-NAME>"

// hostName is a name a reset ClientHello asked for, for the fix's
// commands: ok is false when there was none, or none valid for a command
// (see commandHostName), and bad is then the first invalid one.
func hostName(f *analyze.Finding) (name, bad string, ok bool) {
	for _, e := range f.Evidence {
		if e.Kind != analyze.EvHelloClosed {
			continue
		}
		for _, n := range e.Names {
			switch {
			case commandHostName(n):
				return n, "", true
			case n != "" && bad == "":
				bad = n
			}
		}
	}
	return "", bad, false
}

// nameNote says, when the name asked is not one a command may hold, that
// the commands keep a placeholder, and shows the name as data.
func nameNote(bad string, l Lang) string {
	if bad == "" {
		return ""
	}
	s := strconv.Quote(bad) // escaped: it came from a packet
	return l.tr(fmt.Sprintf(" The name the clients asked for, %s, is not a valid DNS name, so it is not put in the commands: replace %s with the site's real name.", s, phHostName),
		fmt.Sprintf("客户端请求的名称 %s 不是合法的 DNS 名称，因此没有代入命令：请把 %s 换成站点的真实名称。", s, phHostName))
}

func tlsWindows(f *analyze.Finding, l Lang) Fix {
	vip, port := f.Server.Addr(), f.Server.Port()
	name, bad, ok := hostName(f)
	hostPort, header := phHostName+fmt.Sprintf(":%d", port), phHostName
	if ok {
		hostPort, header = cmdQuote(fmt.Sprintf("%s:%d", name, port)), psQuote(name)
	}
	return Fix{Platform: "windows", Title: l.tr("Windows: bind the certificate for the VIP in HTTP.sys", "Windows——在 HTTP.sys 中为 VIP 绑定证书"), Steps: []Step{
		{Text: l.tr("List the certificate bindings: an IP:port binding for the VIP, a hostname:port binding for each name asked, or 0.0.0.0:port.", "列出证书绑定：应当有 VIP 的 IP:端口 绑定、所请求的每个名称的 主机名:端口 绑定，或者 0.0.0.0:端口 绑定。"),
			Commands: []string{"netsh http show sslcert"}},
		{Text: l.tr("Bind the site's certificate to the VIP (IP binding), or to the name (SNI binding), and bind the site to the VIP in IIS.", "把站点证书绑定到 VIP（IP 绑定）或绑定到名称（SNI 绑定），并在 IIS 中把站点绑定到 VIP。") + nameNote(bad, l),
			Commands: []string{
				fmt.Sprintf("netsh http add sslcert ipport=%s certhash=%s appid={4dc3e181-e14b-4a21-b022-59fc669b0914}", netip.AddrPortFrom(vip, port), phCert),
				fmt.Sprintf("netsh http add sslcert hostnameport=%s certhash=%s certstorename=MY appid={4dc3e181-e14b-4a21-b022-59fc669b0914}", hostPort, phCert),
				fmt.Sprintf("New-WebBinding -Name %q -Protocol https -IPAddress %s -Port %d -HostHeader %s -SslFlags 1", phSite, vip, port, header)}},
	}}
}

func tlsLinux(f *analyze.Finding, l Lang) Fix {
	name, bad, ok := hostName(f)
	server := phHostName
	if ok {
		server = shQuote(name)
	}
	return Fix{Platform: "linux", Title: l.tr("Linux: check the server's certificate for the VIP and the names", "Linux——检查服务对 VIP 和各名称的证书配置"), Steps: []Step{
		{Text: l.tr("Ask for the certificate as a client does, with the name it asks for; a reset here is the fault the capture shows.", "像客户端一样、带上它请求的名称去取证书；如果这里也被重置，就是抓包里看到的故障。") + nameNote(bad, l),
			Commands: []string{fmt.Sprintf("openssl s_client -connect %s -servername %s </dev/null", f.Server, server)}},
		{Text: l.tr("Check which server block or virtual host answers for that address and name, and that it has a certificate.", "检查哪个 server 块或虚拟主机负责这个地址和名称，以及它是否配置了证书。"),
			Commands: []string{fmt.Sprintf("ss -ltnp 'sport = :%d'", f.Server.Port())}},
	}}
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
