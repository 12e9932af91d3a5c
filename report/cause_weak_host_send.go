package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// weakHostSendTexts are the texts of weak-host-send: the host answers SYNs
// to the VIP from another address.
var weakHostSendTexts = causeTexts{
	about:    aboutWeakHostSend,
	headline: headlineWeakHostSend,
	why:      whyWeakHostSend,
	windows:  dsrWindows,
	linux:    dsrLinux,

	prediction:   predictWeakHostSend,
	hostModelFix: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvWrongSource: sayWrongSource,
	},
}

func headlineWeakHostSend(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("%s to VIP %s answered from %s instead of the VIP: clients drop those replies (host answers for the VIP from its own address).",
		count(f.Attempts, "SYN"), f.Server, addrOrNone(f.HostAddr)),
		fmt.Sprintf("发往 VIP %s 的 %d 个 SYN 由 %s 而不是 VIP 应答：客户端会丢弃这些应答（主机用自己的地址替 VIP 应答）。",
			f.Server, f.Attempts, addrOrNone(f.HostAddr)))
}

func whyWeakHostSend(f *analyze.Finding, l Lang) string {
	vip := f.Server.Addr()
	return l.tr(fmt.Sprintf("SYNs to the VIP %s are accepted, but the SYN-ACKs leave from %s. The client sent its SYN to %s, so it ignores or resets a reply from another address. "+
		"On Windows the reply may only use the VIP as its source if the interface holding the VIP may send for it (weakhostsend) and the VIP is on a loopback adapter of the host.",
		vip, addrOrNone(f.HostAddr), vip),
		fmt.Sprintf("发往 VIP %s 的 SYN 已被接收，但 SYN-ACK 的源地址是 %s。客户端的 SYN 是发给 %s 的，所以会忽略来自其他地址的应答，或者用 RST 重置它。"+
			"在 Windows 上，只有当 VIP 配置在主机的环回适配器上、并且持有 VIP 的接口允许替它发包（weakhostsend）时，应答才能以 VIP 作为源地址。",
			vip, addrOrNone(f.HostAddr), vip))
}

func aboutWeakHostSend(l Lang) (title, pattern string) {
	return l.tr("the host answers for the VIP from its own address", "主机用自己的地址替 VIP 应答"),
		l.tr("SYN-ACKs to SYNs for the VIP come from the host's real address instead of the VIP (outcome wrong-source).",
			"对发往 VIP 的 SYN，SYN-ACK 来自主机的真实地址而不是 VIP（结果为 wrong-source）。")
}

func sayWrongSource(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s for SYNs to %s came from %s.", count(e.Count, "SYN-ACK"), f.Server, e.Addr),
		fmt.Sprintf("对发往 %s 的 SYN，有 %d 个 SYN-ACK 来自 %s。", f.Server, e.Count, e.Addr))
}

// predictWeakHostSend: the facts show the VIP accepted, and weakhostsend
// off on the interface that holds it.
func predictWeakHostSend(f *analyze.Finding, l Lang) string {
	vip := f.Server
	lb := l.tr("the interface that holds it", "持有它的接口")
	if f.Host != nil && !f.Host.VIPOn.IsZero() {
		lb = ifaceText(f.Host.VIPOn, f.Host.OS, l)
	}
	return l.tr(fmt.Sprintf("This host accepts SYNs to %s but cannot answer them from the VIP: weakhostsend is disabled on %s, so the SYN-ACKs never leave.", vip, lb),
		fmt.Sprintf("本机接收发往 %s 的 SYN，但无法以 VIP 为源地址应答：%s的 weakhostsend 为 disabled，SYN-ACK 发不出去。", vip, zhPad(lb)))
}
