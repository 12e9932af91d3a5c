package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// evidenceTLSARP is the sentence of the evidence kinds of TLS and ARP:
// what the server answered a ClientHello with, and who claimed the VIP.
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

// phHostName stands for the server name in a command when the capture
// gave none that may go there.
const phHostName = "<HOST-NAME>"
