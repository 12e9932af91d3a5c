package report

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// tlsBindingTexts are the texts of tls-binding-missing: the server rejects
// the ClientHello (a fatal alert) or closes right after it.
var tlsBindingTexts = causeTexts{
	about:    aboutTlsBinding,
	headline: headlineTlsBinding,
	why:      whyTlsBinding,
	windows:  tlsWindows,
	linux:    tlsLinux,

	predictsByHeadline: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvHelloClosed: sayHelloClosed,
		analyze.EvHelloAlert:  sayHelloAlert,
		analyze.EvHelloServed: sayHelloServed,
	},
}

func headlineTlsBinding(f *analyze.Finding, l Lang) string {
	return headlineTLS(f, l)
}

func whyTlsBinding(f *analyze.Finding, l Lang) string {
	return whyTLS(f, l)
}

func aboutTlsBinding(l Lang) (title, pattern string) {
	return l.tr("no certificate bound for the VIP or the name (HTTP.sys)", "VIP 或名称没有绑定证书（HTTP.sys）"),
		l.tr("Handshakes to the VIP complete; the server answers the client's TLS ClientHello with a fatal alert (unrecognized_name, handshake_failure) or closes the connection (RST or FIN) before sending anything.",
			"发往 VIP 的握手都能完成；但客户端发出 TLS ClientHello 后，服务器回复致命告警（unrecognized_name、handshake_failure），或不发任何数据就关闭连接（RST 或 FIN）。")
}

// names lists the SNI names evidence of kind k carries, or says there was none.
func names(f *analyze.Finding, k analyze.EvidenceKind, l Lang) string {
	for _, e := range f.Evidence {
		if e.Kind == k && len(e.Names) > 0 {
			var ns []string
			for _, n := range e.Names {
				ns = append(ns, sniText(n, l))
			}
			if e.MoreNames > 0 {
				ns = append(ns, l.tr(fmt.Sprintf("other names in %s", count(e.MoreNames, "more handshake")),
					fmt.Sprintf("另有 %d 次握手请求的其他名称", e.MoreNames)))
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

func whyTLS(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("The TCP handshake completes, so the host accepts %s and something listens on it. Then HTTP.sys, the kernel HTTPS listener IIS uses, looks for a certificate bound to the address and port the connection came to (an IP binding such as %s) or to the name in the ClientHello (an SNI binding, hostname:port). "+
		"When it finds none it resets the connection without a word: the client sees a reset and IIS logs nothing. This often follows putting the VIP on a loopback adapter, when the certificate was bound to the host's own address only.", f.Server.Addr(), f.Server),
		fmt.Sprintf("TCP 握手能够完成，说明主机接受了 %s，上面也有程序在监听。随后 HTTP.sys（IIS 使用的内核态 HTTPS 监听）要为这个连接找证书：按连接到达的地址和端口（IP 绑定，如 %s）或按 ClientHello 中的名称（SNI 绑定，主机名:端口）查找。"+
			"找不到时，它会直接重置连接，不给任何提示：客户端看到连接被重置，IIS 日志里什么也没有。这种情况常出现在把 VIP 加到环回适配器之后，而证书只绑定在主机自己的地址上。", f.Server.Addr(), f.Server))
}

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

func sayHelloClosed(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s closed by the server (RST or FIN) right after the client's ClientHello, before it sent anything. Names asked (SNI): %s.", count(e.Count, "connection"), names(f, e.Kind, l)),
		fmt.Sprintf("有 %d 个连接在客户端发出 ClientHello 之后、服务器发出任何数据之前，就被服务器关闭（RST 或 FIN）。所请求的名称（SNI）：%s。", e.Count, names(f, e.Kind, l)))
}

func sayHelloAlert(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("The server answered %s with a fatal TLS alert (%s) instead of a ServerHello, and closed. Names asked (SNI): %s.", count(e.Count, "ClientHello"), alertNames(e), names(f, e.Kind, l)),
		fmt.Sprintf("有 %d 个连接在客户端发出 ClientHello 之后，服务器回复的不是 ServerHello，而是致命 TLS 告警（%s）。所请求的名称（SNI）：%s。", e.Count, alertNames(e), names(f, e.Kind, l)))
}

func sayHelloServed(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s sent by the server in answer to ClientHellos (SNI %s): TLS works for those names.", count(e.Count, "ServerHello"), names(f, e.Kind, l)),
		fmt.Sprintf("服务器对 ClientHello 回复了 %d 个 ServerHello（SNI %s）：这些名称的 TLS 正常。", e.Count, names(f, e.Kind, l)))
}
