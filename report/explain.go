package report

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
)

// causeText is a cause's title and the pattern that gives it away in a
// capture.
func causeText(c analyze.Cause, l Lang) (title, pattern string) {
	switch c {
	case analyze.StrongHostReceive:
		return l.tr("SYNs to the VIP reach the host and are dropped (strong host model)", "发往 VIP 的 SYN 到达主机后被丢弃（强主机模型）"),
			l.tr("SYNs to the VIP arrive at the host's MAC and none is answered, while handshakes to the host's own address on the same port complete; the VIP never appears as a source address.",
				"发往 VIP 的 SYN 到达了主机的 MAC，却没有一个得到应答，而同一端口上发往本机地址的握手都能完成；VIP 从未作为源地址出现。")
	case analyze.WeakHostSend:
		return l.tr("the host answers for the VIP from its own address", "主机用自己的地址替 VIP 应答"),
			l.tr("SYN-ACKs to SYNs for the VIP come from the host's real address instead of the VIP (outcome wrong-source).",
				"对发往 VIP 的 SYN，SYN-ACK 来自主机的真实地址而不是 VIP（结果为 wrong-source）。")
	case analyze.NoListenerOnVIP:
		return l.tr("nothing listens on the VIP", "VIP 上没有监听"),
			l.tr("SYNs to the VIP are refused with RST while handshakes to the host's own address complete.",
				"发往 VIP 的 SYN 被 RST 拒绝，而发往本机地址的握手都能完成。")
	case analyze.ClientsFiltered:
		return l.tr("probes pass, clients are filtered", "探测能通过，客户端被过滤"),
			l.tr("SYNs go to the host's own address; those from the health-probe ranges complete, the clients' are never answered.",
				"SYN 发往本机地址；来自健康检查探测地址段的握手都能完成，客户端的 SYN 却始终没有应答。")
	case analyze.ReturnPathLost:
		return l.tr("SYN-ACKs are lost on the way back", "SYN-ACK 在回程路径上丢失"),
			l.tr("The host sends SYN-ACKs, the clients never acknowledge them and keep retransmitting their SYN.",
				"主机发出了 SYN-ACK，客户端却始终没有确认，并且不断重传 SYN。")
	case analyze.NoTrafficToVIP:
		return l.tr("the load balancer sends no VIP traffic to this host", "负载均衡器没有把 VIP 流量转发到这台主机"),
			l.tr("A capture on the backend, with handshakes to its own address, and not one SYN to the VIP.",
				"在后端上抓的包里有发往本机地址的握手，却没有一个发往 VIP 的 SYN。")
	case analyze.TLSBindingMissing:
		return l.tr("no certificate bound for the VIP or the name (HTTP.sys)", "VIP 或名称没有绑定证书（HTTP.sys）"),
			l.tr("Handshakes to the VIP complete; the server answers the client's TLS ClientHello with a fatal alert (unrecognized_name, handshake_failure) or closes the connection (RST or FIN) before sending anything.",
				"发往 VIP 的握手都能完成；但客户端发出 TLS ClientHello 后，服务器回复致命告警（unrecognized_name、handshake_failure），或不发任何数据就关闭连接（RST 或 FIN）。")
	case analyze.VIPAnswersARP:
		return l.tr("a backend answers ARP for the VIP", "后端在为 VIP 应答 ARP"),
			l.tr("ARP replies or announcements for the VIP come from a backend's MAC, not the load balancer's.",
				"VIP 的 ARP 应答或通告来自某台后端的 MAC，而不是负载均衡器。")
	case analyze.PartialLoss:
		return l.tr("some SYNs are lost: overload or loss, not configuration", "部分 SYN 丢失：过载或丢包，而不是配置问题"),
			l.tr("Some SYNs to a destination are answered and others, retransmitted, are not; or handshakes complete only after the client sent its SYN again, seconds late.",
				"发往同一目的地址的 SYN 有的得到了应答，另一些（被重传的）没有；或者握手要等客户端重发 SYN 后才完成，晚了几秒。")
	}
	return "", ""
}

// CauseTitle is a cause's one-line title.
func CauseTitle(c analyze.Cause, l Lang) string {
	title, _ := causeText(c, l)
	return title
}

// ListCauses writes the usage of 'slbdiag explain' and every cause with
// its title.
func ListCauses(w io.Writer, l Lang) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, l.tr("Usage: slbdiag explain [--lang en|zh] CAUSE\n\nCauses:\n", "用法：slbdiag explain [--lang en|zh] CAUSE\n\n原因：\n"))
	for _, c := range analyze.Causes() {
		fmt.Fprintf(bw, "  %-24s %s\n", c, CauseTitle(c, l))
	}
	return bw.Flush()
}

// Explain writes a cause's pattern, explanation and fixes without a
// capture, filled with example addresses.
func Explain(w io.Writer, c analyze.Cause, vip netip.AddrPort, host netip.Addr, l Lang) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	f := exampleFinding(c, vip, host)
	title, pattern := causeText(c, l)
	p("%s%s%s\n\n", c, l.colon(), title)
	p(l.tr("In a capture:\n  %s\n\n", "抓包中的特征：\n  %s\n\n"), pattern)
	p(l.tr("Why:\n  %s\n", "原因分析：\n  %s\n"), why(f, l))
	p(l.tr("\nThe fixes below use example addresses: VIP %s, host %s. 'slbdiag analyze' fills in the real ones from a capture.\n",
		"\n下面的修复方案使用示例地址：VIP %s，主机 %s。'slbdiag analyze' 会根据抓包填入实际地址。\n"), vip, host)
	for _, fx := range fixes(f, l) {
		p("\n")
		writeFix(p, fx, "", l)
	}
	return bw.Flush()
}

// exampleFinding is a finding of cause c about the example addresses.
func exampleFinding(c analyze.Cause, vip netip.AddrPort, host netip.Addr) *analyze.Finding {
	f := &analyze.Finding{Cause: c, Server: vip, HostAddr: host}
	if c.OnHostAddress() {
		f.Server = netip.AddrPortFrom(host, vip.Port())
	}
	return f
}

// writeFix writes a fix's steps, commands and verification, indented.
func writeFix(p printer, fx Fix, indent string, l Lang) {
	p(l.tr("%sFix, %s:\n", "%s修复方案：%s\n"), indent, fx.Title)
	for n, st := range fx.Steps {
		p("%s  %d. %s\n", indent, n+1, st.Text)
		for _, c := range st.Commands {
			p("%s       %s\n", indent, c)
		}
	}
	p(l.tr("%s  Verify: %s\n", "%s  验证：%s\n"), indent, fx.Verify)
}
