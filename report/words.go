package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/internal/english"
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
		fmt.Sprintf("%d 帧中没有发往端口 %s 的 SYN：请检查抓包位置、--port 参数和抓包过滤器。", r.Summary.Frames, r.Ports)) + elsewhereText(r, l)
}

// elsewhereText says where the SYNs went when none went to the watched
// ports, and the command that watches those ports instead.
func elsewhereText(r *analyze.Result, l Lang) string {
	if len(r.Elsewhere) == 0 {
		return ""
	}
	var where []string
	var ports []uint16
	for _, e := range r.Elsewhere {
		where = append(where, l.tr(fmt.Sprintf("%s (%s)", e.Server, count(e.SYNs, "SYN")), fmt.Sprintf("%s（%d 个 SYN）", e.Server, e.SYNs)))
		if !slices.Contains(ports, e.Server.Port()) {
			ports = append(ports, e.Server.Port())
		}
	}
	if r.ElsewhereMore > 0 {
		where = append(where, l.tr(count(r.ElsewhereMore, "SYN")+" to other servers", fmt.Sprintf("发往其他服务器的 %d 个 SYN", r.ElsewhereMore)))
	}
	slices.Sort(ports)
	list := make([]string, len(ports))
	for i, p := range ports {
		list[i] = strconv.Itoa(int(p))
	}
	cmd := rerunCommand(r, "--port", strings.Join(list, ","))
	return l.tr(" The SYNs in the capture went to "+l.list(where)+"; to judge those: "+cmd,
		"抓包中的 SYN 发往了 "+l.list(where)+"；要判定它们，请运行："+cmd)
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
	if vips := likelyVIPs(r); len(vips) > 0 {
		cmd := rerunWithVIP(r, vips)
		s += l.tr(fmt.Sprintf(" If %s is the VIP (no handshake to it completed, while others did), name it, and the causes that hold for a VIP are looked for: %s",
			strings.Join(vips, " or "), cmd),
			fmt.Sprintf("如果 %s 是 VIP（发往它的握手一个都没完成，而发往其他地址的完成了），请指明它，slbdiag 会按 VIP 的原因重新诊断：%s", strings.Join(vips, " 或 "), cmd))
	}
	return s
}

// likelyVIPs are, when no VIP was given, the destinations whose every
// judged handshake failed while handshakes to other destinations
// completed: what a load balancer's VIP looks like from the backend.
func likelyVIPs(r *analyze.Result) []string {
	if len(r.VIPs) > 0 {
		return nil
	}
	completed := false
	var failing []string
	seen := map[string]bool{}
	for _, d := range r.Destinations {
		switch a := d.Server.Addr().Unmap().String(); {
		case d.Counts[analyze.Completed] > 0:
			completed = true
		case d.Counts.Failed() > 0 && !seen[a] && len(failing) < 3:
			seen[a] = true
			failing = append(failing, a)
		}
	}
	if !completed {
		return nil
	}
	return failing
}

// rerunWithVIP is the command line that analyzes the same inputs with
// vips named.
func rerunWithVIP(r *analyze.Result, vips []string) string {
	flags := []string{"--vip", strings.Join(vips, ",")}
	if r.Ports != "" && r.Ports != "443" {
		flags = append(flags, "--port", shQuote(printable(r.Ports)))
	}
	return rerunCommand(r, flags...)
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
	s, notHostModel := causeHeadline(f, l)
	if notHostModel {
		return s + l.tr(" Cause: not the host model; the facts point at no other one yet, confidence low.", "原因：不是主机模型；主机配置尚未指向其他原因，置信度：低。")
	}
	return s + l.tr(fmt.Sprintf(" Cause: %s, confidence %s.", f.Cause, f.Confidence),
		fmt.Sprintf("原因：%s，置信度：%s。", f.Cause, l.confidence(string(f.Confidence))))
}

// causeHeadline is a finding's sentence, as the host's facts may have
// reworded it; notHostModel says the facts ruled out the host model of a
// strong-host-receive finding and point at no other cause.
func causeHeadline(f *analyze.Finding, l Lang) (s string, notHostModel bool) {
	if s, ok := headlineRecaused(f, l); ok {
		return s, false
	}
	_, ruledOut := headlineFact(f, l)
	return textsFor(f.Cause).headline(f, l), ruledOut && f.Cause == analyze.StrongHostReceive
}

// evidenceText says what one piece of evidence shows.
func evidenceText(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	if say := ownEvidence(e.Kind); say != nil {
		return say(f, e, l)
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
	case analyze.EvOwnAddrWorks:
		return l.tr(fmt.Sprintf("%s to the host's own address %s on port %d completed: the service listens and answers.", count(e.Count, "handshake"), e.Addr, f.Server.Port()),
			fmt.Sprintf("发往本机地址 %s 端口 %d 的 %d 次握手都已完成：服务在监听，并且正常应答。", e.Addr, f.Server.Port(), e.Count))
	}
	return string(e.Kind)
}

// missingText says what evidence would raise a finding's confidence.
func missingText(f *analyze.Finding, k analyze.EvidenceKind, l Lang) string {
	if say := ownMissing(k); say != nil {
		return say(f, l)
	}
	switch k {
	case analyze.EvOwnAddrWorks:
		return l.tr(fmt.Sprintf("Not observed: a handshake to the host's own address on port %d. Capture one (a health check, or curl -k https://<host address>/ from another machine) alongside: if it completes, the service is fine and the VIP is the problem.", f.Server.Port()),
			fmt.Sprintf("未观察到：发往本机地址端口 %d 的握手。请同时抓一个（健康检查，或在另一台机器上执行 curl -k https://<本机地址>/）：如果它能完成，说明服务正常，问题出在 VIP。", f.Server.Port()))
	case analyze.EvRetransmissions:
		return l.tr("Not observed: client retransmissions of the unanswered SYNs; a longer capture tells lost SYNs from slow replies.",
			"未观察到：客户端对未应答 SYN 的重传。抓包时间长一些，就能区分是 SYN 丢失还是应答太慢。")
	case analyze.EvHostConfig:
		vip := f.Server.Addr()
		return l.tr(fmt.Sprintf("Not observed: the host's own configuration. The packets look the same when no interface of the host holds the VIP %s (strong-host-receive) and when it holds it but a host firewall drops the clients' SYNs to it. "+
			"Two facts decide: which interface holds %s (ip -br addr, or Get-NetIPAddress -IPAddress %s) and the firewall's rules and drop counters (nft list ruleset, iptables -L -v -n, or Get-NetFirewallRule and Get-NetFirewallProfile). "+
			"Run slbdiag doctor --vip %s on the host, or pass its saved outputs with --host-facts.", vip, vip, vip, vip),
			fmt.Sprintf("未观察到：主机自身的配置。主机上没有任何接口持有 VIP %s（strong-host-receive），与持有 VIP 但主机防火墙丢弃了客户端发往它的 SYN，这两种情况在包上看起来完全一样。"+
				"决定性的是两项事实：哪个接口持有 %s（ip -br addr，或 Get-NetIPAddress -IPAddress %s），以及防火墙的规则和丢包计数（nft 规则集、iptables -L -v -n，或 Get-NetFirewallRule 和 Get-NetFirewallProfile）。"+
				"请在主机上运行 slbdiag doctor --vip %s，或用 --host-facts 传入保存的命令输出。", vip, vip, vip, vip))
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

func count(n int, forms ...string) string { return english.Plural(n, forms...) }

// evidenceOf is the finding's evidence of kind k, nil without one.
func evidenceOf(f *analyze.Finding, k analyze.EvidenceKind) *analyze.Evidence {
	for i := range f.Evidence {
		if f.Evidence[i].Kind == k {
			return &f.Evidence[i]
		}
	}
	return nil
}

// redactedText says at the top of a redacted report what was replaced and
// what was kept; "" when nothing was.
func redactedText(r *analyze.Result, l Lang) string {
	red := r.Redacted
	if !red.Any() {
		return ""
	}
	var en, zh []string
	if red.Clients > 0 {
		en = append(en, count(red.Clients, "client address", "client addresses")+" replaced with stand-ins from 198.18.0.0/15 and 100::/64")
		zh = append(zh, fmt.Sprintf("%d 个客户端地址替换为 198.18.0.0/15 和 100::/64 中的替身地址", red.Clients))
	}
	if red.Names > 0 {
		en = append(en, count(red.Names, "TLS server name")+" replaced with name-N.invalid")
		zh = append(zh, fmt.Sprintf("%d 个 TLS 服务器名称替换为 name-N.invalid", red.Names))
	}
	if red.Files {
		en = append(en, "input file names replaced with input-N")
		zh = append(zh, "输入文件名替换为 input-N")
	}
	return l.tr("Redacted: "+strings.Join(en, "; ")+". VIPs, host addresses and health probes are as captured.",
		"已脱敏："+strings.Join(zh, "；")+"。VIP、本机地址和健康检查探测保持原样。")
}
