package report

import (
	"fmt"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// Verdict is the one line that says what is wrong and how sure slbdiag is.
func Verdict(r *analyze.Result, l Lang) string {
	label, text := verdict(r, l)
	return label + l.colon() + text
}

// vipGuessed says first that the --vip given saw nothing and which
// destination looks like the VIP meant; empty when there is none.
func vipGuessed(r *analyze.Result, l Lang) string {
	if len(r.VIPGuesses) == 0 {
		return ""
	}
	var given, guessed []string
	for _, p := range r.VIPs {
		if p.IsSingleIP() {
			given = append(given, p.Addr().String())
		} else {
			given = append(given, p.String())
		}
	}
	for _, a := range r.VIPGuesses {
		guessed = append(guessed, a.String())
	}
	return l.tr(fmt.Sprintf("No traffic to %s (--vip); %s received SYNs and never answered: is that the VIP? Diagnosed as one. ",
		l.list(given), l.list(guessed)),
		fmt.Sprintf("没有发往 %s（--vip）的流量；%s 收到了 SYN 却从未应答：它是不是您要找的 VIP？以下按 VIP 诊断。",
			l.list(given), l.list(guessed)))
}

// verdict is the verdict's label (PROBLEM, OK, NO DATA) and its sentence.
func verdict(r *analyze.Result, l Lang) (label, text string) {
	c := r.Summary.Counts
	switch {
	case len(r.Findings) > 0:
		return l.tr("PROBLEM", "问题"), vipGuessed(r, l) + headline(&r.Findings[0], l)
	case r.Problem():
		return l.tr("PROBLEM", "问题"), vipGuessed(r, l) + unexplained(r, l)
	case cutShort(r):
		// A watch incident's packets were cut before its failures: the
		// trigger saw them, so neither OK nor NO DATA may be said.
		w, _ := r.CutShort()
		return l.tr("INCOMPLETE", "不完整"), l.tr(
			fmt.Sprintf("the watch saw %s in this incident, but it was cut short at %s (%s) and they are not in its packets.", count(w.Attempts, "failed attempt"), count(w.Count, "packet"), w.Detail),
			fmt.Sprintf("watch 在此事件中看到 %d 次失败的握手尝试，但事件在第 %d 个数据包处被截断（%s），这些尝试不在其数据包中。", w.Attempts, w.Count, w.Detail))
	case c.Total() > 0:
		judged, pending := c.Total()-c[analyze.Pending], c[analyze.Pending]
		s := allCompleted(judged, l)
		if pending > 0 {
			s += l.tr(fmt.Sprintf(" %d more began too close to the end of the capture to judge.", pending),
				fmt.Sprintf("另有 %d 次握手开始时离抓包结束太近，无法判定。", pending))
		}
		return l.tr("OK", "正常"), s
	}
	return l.tr("NO DATA", "无数据"), l.tr(
		fmt.Sprintf("no SYN to port %s in %s: check the capture point, --port and the capture filter.", r.Ports, count(r.Summary.Frames, "frame")),
		fmt.Sprintf("%d 帧中没有发往端口 %s 的 SYN：请检查抓包位置、--port 参数和抓包过滤器。", r.Summary.Frames, r.Ports))
}

func cutShort(r *analyze.Result) bool {
	_, ok := r.CutShort()
	return ok
}

// unexplained describes failed handshakes no finding explains.
func unexplained(r *analyze.Result, l Lang) string {
	c := r.Summary.Counts
	var where []string
	allHost := true
	for _, d := range r.Destinations {
		if d.Counts.Failed() == 0 {
			continue
		}
		allHost = allHost && d.Role == analyze.RoleHost
		if len(where) < 3 {
			where = append(where, d.Server.String())
		} else if len(where) == 3 {
			where = append(where, "…")
		}
	}
	s := l.tr(fmt.Sprintf("%d of %s failed (%s) at %s; no known cause matches the pattern.",
		c.Failed(), count(c.Total(), "handshake"), breakdown(c, l), strings.Join(where, ", ")),
		fmt.Sprintf("%s 上的 %d 次握手中有 %d 次失败（%s），不符合任何已知原因的特征。",
			l.list(where), c.Total(), c.Failed(), breakdown(c, l)))
	if allHost {
		s += l.tr(" The destinations are addresses this host answers from, so the host model is not the cause: look at the service, a firewall or the path.",
			"这些目的地址都是本机用于应答的地址，所以原因不在主机模型：请检查服务本身、防火墙或网络路径。")
	}
	return s
}

// breakdown lists the non-zero failure counts, e.g. "3 unanswered, 1 refused".
func breakdown(c analyze.Counts, l Lang) string { return joinCounts(c, analyze.Outcome.Failed, l) }

// joinCounts lists the non-zero counts of the outcomes keep selects.
func joinCounts(c analyze.Counts, keep func(analyze.Outcome) bool, l Lang) string {
	var parts []string
	for _, o := range analyze.Outcomes() {
		if keep(o) && c[o] > 0 {
			parts = append(parts, l.tr(fmt.Sprintf("%d %s", c[o], o), fmt.Sprintf("%d 个 %s", c[o], o)))
		}
	}
	return l.list(parts)
}

func roleName(role analyze.Role, l Lang) string {
	switch role {
	case analyze.RoleVIP:
		return "VIP"
	case analyze.RoleLikelyVIP:
		return l.tr("likely VIP", "疑似 VIP")
	case analyze.RoleHost:
		return l.tr("host address", "本机地址")
	}
	return l.tr("silent", "静默地址")
}

// headline is a finding in one sentence, confidence included.
func headline(f *analyze.Finding, l Lang) string {
	s := textsFor(f.Cause).headline(f, l)
	if fs, ok := headlineFact(f, l); ok {
		s = fs // the host's configuration contradicts the capture's reading
	}
	return s + l.tr(fmt.Sprintf(" Cause: %s, confidence %s.", f.Cause, f.Confidence),
		fmt.Sprintf("原因：%s，置信度：%s。", f.Cause, l.confidence(string(f.Confidence))))
}

// evidenceText says what one piece of evidence shows.
func evidenceText(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	if s, ok := evidenceTLSARP(f, e, l); ok {
		return s
	}
	if s, ok := evidenceFact(f, e, l); ok {
		return s
	}
	switch e.Kind {
	case analyze.EvSynsUnanswered:
		return l.tr(fmt.Sprintf("%s to %s, none answered.", count(e.Count, "SYN transmission"), f.Server),
			fmt.Sprintf("发往 %s 的 SYN 共 %d 个（含重传），全部没有应答。", f.Server, e.Count))
	case analyze.EvRetransmissions:
		return l.tr(fmt.Sprintf("%s (%s sent their SYN again): the clients were waiting, so the SYNs were lost, not slow.",
			count(e.Count, "SYN retransmission"), count(e.Attempts, "attempt")),
			fmt.Sprintf("客户端重传了 %d 个 SYN（%d 个连接尝试重发了 SYN）：客户端一直在等应答，说明 SYN 丢了，而不是服务端响应慢。", e.Count, e.Attempts))
	case analyze.EvNeverSource:
		return l.tr(fmt.Sprintf("%s never appears as a source address: nothing on this side answers for it (the filter shows no packet).", f.Server.Addr()),
			fmt.Sprintf("%s 从未作为源地址出现：这一侧没有任何设备替它应答（该过滤器显示不出任何包）。", f.Server.Addr()))
	case analyze.EvHostMAC:
		return l.tr(fmt.Sprintf("The SYNs were delivered to %s, the MAC that %s sends from: they reached this host, which dropped them.", e.MAC, e.Addr),
			fmt.Sprintf("这些 SYN 的目的 MAC 是 %s，也就是 %s 发包用的 MAC：SYN 已经到达本机，是本机把它们丢弃了。", e.MAC, e.Addr))
	case analyze.EvOwnAddrWorks:
		return l.tr(fmt.Sprintf("%s to the host's own address %s on port %d completed: the service listens and answers.", count(e.Count, "handshake"), e.Addr, f.Server.Port()),
			fmt.Sprintf("发往本机地址 %s 端口 %d 的 %d 次握手都已完成：服务在监听，并且正常应答。", e.Addr, f.Server.Port(), e.Count))
	case analyze.EvOtherHostsAnswer:
		return l.tr(fmt.Sprintf("%s to %s delivered to other MACs completed: the load balancer and the VIP work on other backends; only this one drops the SYNs.", count(e.Count, "handshake"), f.Server),
			fmt.Sprintf("发往 %s、投递到其他 MAC 的 %d 次握手都已完成：负载均衡器和 VIP 在其他后端上工作正常，只有这台主机丢弃了 SYN。", f.Server, e.Count))
	case analyze.EvSomeAnswered:
		return l.tr(fmt.Sprintf("%s to the same destination completed: the host accepts this address, so its host model is not the cause.", count(e.Count, "handshake")),
			fmt.Sprintf("发往同一目的地址的 %d 次握手已完成：主机接收这个地址，所以原因不在主机模型。", e.Count))
	case analyze.EvWrongSource:
		return l.tr(fmt.Sprintf("%s for SYNs to %s came from %s.", count(e.Count, "SYN-ACK"), f.Server, e.Addr),
			fmt.Sprintf("对发往 %s 的 SYN，有 %d 个 SYN-ACK 来自 %s。", f.Server, e.Count, e.Addr))
	case analyze.EvRefused:
		return l.tr(fmt.Sprintf("%s to %s answered with RST.", count(e.Count, "SYN"), f.Server),
			fmt.Sprintf("发往 %s 的 %d 个 SYN 收到的应答是 RST。", f.Server, e.Count))
	case analyze.EvClientsFail:
		return l.tr(fmt.Sprintf("%s from clients (outside the health-probe ranges) to %s, none answered.", count(e.Count, "SYN transmission"), f.Server),
			fmt.Sprintf("客户端（健康检查探测地址段以外）发往 %s 的 SYN 共 %d 个（含重传），全部没有应答。", f.Server, e.Count))
	case analyze.EvProbesComplete:
		return l.tr(fmt.Sprintf("%s from the health-probe ranges to %s completed: the service listens and answers them.", count(e.Count, "handshake"), f.Server),
			fmt.Sprintf("来自健康检查探测地址段、发往 %s 的 %d 次握手都已完成：服务在监听，并且正常应答探测。", f.Server, e.Count))
	case analyze.EvSynAckSent:
		return l.tr(fmt.Sprintf("%s left %s for clients that never acknowledged them (the first SYN-ACK of each handshake).", count(e.Count, "SYN-ACK"), f.Server.Addr()),
			fmt.Sprintf("%s 发出了 %d 个 SYN-ACK（每次握手的第一个），客户端始终没有确认。", f.Server.Addr(), e.Count))
	case analyze.EvSynAfterSynAck:
		return l.tr(fmt.Sprintf("%s in handshakes whose SYN-ACK was never acknowledged; in %s the client sent its SYN again after the SYN-ACK left: it never received the SYN-ACK.",
			count(e.Count, "SYN retransmission"), count(e.Attempts, "of them", "of them")),
			fmt.Sprintf("在 SYN-ACK 始终没有被确认的握手中，客户端重传了 %d 个 SYN；其中 %d 个连接尝试是在 SYN-ACK 发出之后重传的：说明客户端没有收到 SYN-ACK。", e.Count, e.Attempts))
	case analyze.EvSlowCompleted:
		return l.tr(fmt.Sprintf("%s in %s that completed only after the client sent its SYN again: they waited up to %s for the SYN-ACK, %s on average.",
			count(e.Count, "SYN retransmission"), count(e.Attempts, "handshake"), delay(e.DelayMax), delay(e.DelayMean)),
			fmt.Sprintf("有 %d 次握手要等客户端重发 SYN 后才完成，共重传了 %d 个 SYN：等待 SYN-ACK 的时间最长 %s，平均 %s。",
				e.Attempts, e.Count, delay(e.DelayMax), delay(e.DelayMean)))
	case analyze.EvNoSynToVIP:
		return l.tr(fmt.Sprintf("No SYN to %s in the capture (the filter shows no packet).", f.Server.Addr()),
			fmt.Sprintf("抓包中没有发往 %s 的 SYN（该过滤器显示不出任何包）。", f.Server.Addr()))
	}
	return string(e.Kind)
}

// missingText says what evidence would raise a finding's confidence.
func missingText(f *analyze.Finding, k analyze.EvidenceKind, l Lang) string {
	switch k {
	case analyze.EvHostMAC:
		return l.tr("Not observed: that the SYNs reached this host's MAC. A capture taken on the backend's own Ethernet interface (not SLL \"any\", not in the path) shows it.",
			"未观察到：SYN 是否到达了本机的 MAC。在后端自己的以太网接口上抓包（不要用 SLL 的 \"any\" 接口，也不要在路径中间抓）就能看到。")
	case analyze.EvOwnAddrWorks:
		return l.tr(fmt.Sprintf("Not observed: a handshake to the host's own address on port %d. Capture one (a health check, or curl -k https://<host address>/ from another machine) alongside: if it completes, the service is fine and the VIP is the problem.", f.Server.Port()),
			fmt.Sprintf("未观察到：发往本机地址端口 %d 的握手。请同时抓一个（健康检查，或在另一台机器上执行 curl -k https://<本机地址>/）：如果它能完成，说明服务正常，问题出在 VIP。", f.Server.Port()))
	case analyze.EvRetransmissions:
		return l.tr("Not observed: client retransmissions of the unanswered SYNs; a longer capture tells lost SYNs from slow replies.",
			"未观察到：客户端对未应答 SYN 的重传。抓包时间长一些，就能区分是 SYN 丢失还是应答太慢。")
	case analyze.EvSynAfterSynAck:
		return l.tr("Not observed: a client retransmitting its SYN after the SYN-ACK left. A longer capture, or one on the client, tells a lost SYN-ACK from a client that gave up.",
			"未观察到：客户端在 SYN-ACK 发出之后重传 SYN。抓包时间长一些，或在客户端上抓包，就能区分是 SYN-ACK 丢失还是客户端放弃了连接。")
	case analyze.EvHostConfig:
		vip := f.Server.Addr()
		return l.tr(fmt.Sprintf("Not observed: the host's own configuration. The packets look the same when no interface of the host holds the VIP %s (strong-host-receive) and when it holds it but a host firewall drops the clients' SYNs to it. "+
			"Two facts decide: which interface holds %s (ip -br addr, or Get-NetIPAddress -IPAddress %s) and the firewall's rules and drop counters (nft list ruleset, iptables -L -v -n, or Get-NetFirewallRule and Get-NetFirewallProfile). "+
			"Run slbdiag doctor --vip %s on the host, or pass its saved outputs with --host-facts.", vip, vip, vip, vip),
			fmt.Sprintf("未观察到：主机自身的配置。主机上没有任何接口持有 VIP %s（strong-host-receive），与持有 VIP 但主机防火墙丢弃了客户端发往它的 SYN，这两种情况在包上看起来完全一样。"+
				"决定性的是两项事实：哪个接口持有 %s（ip -br addr，或 Get-NetIPAddress -IPAddress %s），以及防火墙的规则和丢包计数（nft 规则集、iptables -L -v -n，或 Get-NetFirewallRule 和 Get-NetFirewallProfile）。"+
				"请在主机上运行 slbdiag doctor --vip %s，或用 --host-facts 传入保存的命令输出。", vip, vip, vip, vip))
	case analyze.EvLoadBalancerSide:
		return l.tr("Not observed: the load balancer's own view. Its health status for this backend, the backend pool membership and weight, and a capture on the load balancer show whether it forwards the VIP anywhere.",
			"未观察到：负载均衡器自身的情况。查看它对这台后端的健康检查状态、后端服务器组成员和权重，并在负载均衡器上抓包，就能知道它是否把 VIP 的流量转发到了别处。")
	}
	return string(k)
}

// count writes n with its noun, singular or plural: count(1, "SYN") is
// "1 SYN", count(3, "SYN") "3 SYNs". A second form gives an irregular
// plural, or a phrase: count(n, "SYN was", "SYNs were"). Chinese needs no
// plural: its sentences write the number with a measure word.
// clientCount is a finding's number of clients, marked when estimated.
func clientCount(f *analyze.Finding) string {
	if f.ClientsEstimated {
		return fmt.Sprintf("≈%d clients (±%d%%)", f.Clients, analyze.EstimateError)
	}
	return count(f.Clients, "client")
}

func clientCountZh(f *analyze.Finding) string {
	if f.ClientsEstimated {
		return fmt.Sprintf("约 %d（±%d%%）", f.Clients, analyze.EstimateError)
	}
	return fmt.Sprint(f.Clients)
}

func count(n int, forms ...string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", forms[0])
	}
	if len(forms) > 1 {
		return fmt.Sprintf("%d %s", n, forms[1])
	}
	return fmt.Sprintf("%d %ss", n, forms[0])
}

// evidenceOf is the finding's evidence of kind k, nil without one.
func evidenceOf(f *analyze.Finding, k analyze.EvidenceKind) *analyze.Evidence {
	for i := range f.Evidence {
		if f.Evidence[i].Kind == k {
			return &f.Evidence[i]
		}
	}
	return nil
}
