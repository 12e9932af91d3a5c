package report

import (
	"fmt"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// returnPathLostTexts are the texts of return-path-lost: SYN-ACKs leave and
// never reach the clients.
var returnPathLostTexts = causeTexts{
	about:    aboutReturnPathLost,
	headline: headlineReturnPathLost,
	why:      whyReturnPathLost,
	windows:  returnWindows,
	linux:    returnLinux,

	predictsByHeadline: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvSynAckSent:     saySynAckSent,
		analyze.EvSynAfterSynAck: saySynAfterSynAck,
	},
	missing: map[analyze.EvidenceKind]func(*analyze.Finding, Lang) string{
		analyze.EvSynAfterSynAck: missingSynAfterSynAck,
	},
}

func headlineReturnPathLost(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s answered %s with SYN-ACKs that the clients never acknowledged: the replies are lost on the way back (route, gateway, ACL or asymmetric path).",
		f.Server, count(f.Attempts, "attempt")),
		fmt.Sprintf("%s 对 %d 个连接尝试回复了 SYN-ACK，但客户端始终没有确认：应答在回程路径上丢失（路由、网关、ACL 或非对称路径）。",
			f.Server, f.Attempts))
}

func whyReturnPathLost(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("The host received the SYNs and answered them: SYN-ACKs left %s. The clients never acknowledged them (a client that sends its SYN again after the SYN-ACK left shows it never got it), so the SYN-ACKs did not reach them. "+
		"In direct server return the replies go straight from the backend to the client through the backend's own gateway: a wrong default route, a gateway or ACL that drops traffic it did not see enter, "+
		"or reverse-path filtering on the way loses them. If the backend replies from its own address instead of the VIP, the client also drops them.", f.Server.Addr()),
		fmt.Sprintf("主机收到了 SYN 并做了应答：SYN-ACK 已从 %s 发出。但客户端始终没有确认（客户端在 SYN-ACK 发出后再次发送 SYN，说明它没收到），可见 SYN-ACK 没有到达客户端。"+
			"在直接服务器返回（DSR）模式下，应答由后端经自己的网关直接发回客户端：默认路由配错、网关或 ACL 丢弃了没见过其入方向的流量、"+
			"或者途中的反向路径过滤，都会让应答丢失。如果后端用自己的地址而不是 VIP 应答，客户端同样会丢弃。", f.Server.Addr()))
}

func aboutReturnPathLost(l Lang) (title, pattern string) {
	return l.tr("SYN-ACKs are lost on the way back", "SYN-ACK 在回程路径上丢失"),
		l.tr("The host sends SYN-ACKs, the clients never acknowledge them and keep retransmitting their SYN.",
			"主机发出了 SYN-ACK，客户端却始终没有确认，并且不断重传 SYN。")
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

// exampleClient is a client of the finding's attempts, or a placeholder.
func exampleClient(f *analyze.Finding) string {
	for _, e := range f.Evidence {
		if e.Kind == analyze.EvSynAckSent && e.Addr.IsValid() {
			return e.Addr.String()
		}
	}
	return "<CLIENT-IP>"
}

func saySynAckSent(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s left %s for clients that never acknowledged them (the first SYN-ACK of each handshake).", count(e.Count, "SYN-ACK"), f.Server.Addr()),
		fmt.Sprintf("%s 发出了 %d 个 SYN-ACK（每次握手的第一个），客户端始终没有确认。", f.Server.Addr(), e.Count))
}

func saySynAfterSynAck(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s in handshakes whose SYN-ACK was never acknowledged; in %s the client sent its SYN again after the SYN-ACK left: it never received the SYN-ACK.",
		count(e.Count, "SYN retransmission"), count(e.Attempts, "of them", "of them")),
		fmt.Sprintf("在 SYN-ACK 始终没有被确认的握手中，客户端重传了 %d 个 SYN；其中 %d 个连接尝试是在 SYN-ACK 发出之后重传的：说明客户端没有收到 SYN-ACK。", e.Count, e.Attempts))
}

func missingSynAfterSynAck(f *analyze.Finding, l Lang) string {
	return l.tr("Not observed: a client retransmitting its SYN after the SYN-ACK left. A longer capture, or one on the client, tells a lost SYN-ACK from a client that gave up.",
		"未观察到：客户端在 SYN-ACK 发出之后重传 SYN。抓包时间长一些，或在客户端上抓包，就能区分是 SYN-ACK 丢失还是客户端放弃了连接。")
}
