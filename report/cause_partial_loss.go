package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// partialLossTexts are the texts of partial-loss: some SYNs or SYN-ACKs
// lost, or handshakes late: load or loss, not configuration.
var partialLossTexts = causeTexts{
	about:    aboutPartialLoss,
	headline: headlinePartialLoss,
	why:      whyPartialLoss,
	windows:  lossWindows,
	linux:    lossLinux,

	predictsByHeadline: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvSomeAnswered:  saySomeAnswered,
		analyze.EvSlowCompleted: saySlowCompleted,
	},
}

func headlinePartialLoss(f *analyze.Finding, l Lang) string {
	if e := evidenceOf(f, analyze.EvSlowCompleted); e != nil {
		return headlineSlow(f, e, l)
	}
	return l.tr(fmt.Sprintf("%s to %s went unanswered while others to it completed: packet loss or overload, not host configuration.",
		count(f.Attempts, "handshake"), f.Server),
		fmt.Sprintf("发往 %s 的握手中有 %d 次没有应答，其余都已完成：这是丢包或过载，不是主机配置问题。", f.Server, f.Attempts))
}

func whyPartialLoss(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("Some SYNs to %s were answered and others were not, or only when the client sent them again. The host model decides per destination address, all or nothing, so it cannot be the cause. "+
		"A full SYN backlog (the service is slow to accept), packet loss on the way in or out, or a rate limit drops some SYNs or SYN-ACKs; each one lost costs the client a retransmission timeout (1 s on Linux, 3 s on Windows, doubling each time), which users feel as intermittent slowness. ", f.Server),
		fmt.Sprintf("发往 %s 的 SYN 有的得到了应答，有的没有，或者要等客户端重发后才得到应答。主机模型按目的地址判断，要么全收、要么全丢，所以不可能是原因。"+
			"SYN 队列已满（服务 accept 不及时）、入方向或出方向丢包、限速，都会丢掉一部分 SYN 或 SYN-ACK；每丢一个，客户端就要等一个重传超时（Linux 为 1 秒，Windows 为 3 秒，每次翻倍），用户感受到的就是时快时慢。", f.Server)) +
		lossPlace(f, l)
}

func aboutPartialLoss(l Lang) (title, pattern string) {
	return l.tr("some SYNs are lost: overload or loss, not configuration", "部分 SYN 丢失：过载或丢包，而不是配置问题"),
		l.tr("Some SYNs to a destination are answered and others, retransmitted, are not; or handshakes complete only after the client sent its SYN again, seconds late.",
			"发往同一目的地址的 SYN 有的得到了应答，另一些（被重传的）没有；或者握手要等客户端重发 SYN 后才完成，晚了几秒。")
}

// captureBothEnds is the step that finds where missing SYNs were lost.
func captureBothEnds(f *analyze.Finding, l Lang) Step {
	if slices.Contains(f.Located, "syn") {
		return locatedStep(l)
	}
	if f.Place == analyze.PlaceClient {
		return Step{Text: l.tr("Capture on the server (or at the load balancer) at the same time as on the client, and give slbdiag both files: it names the stretch where the SYNs or SYN-ACKs vanish.",
			"在客户端抓包的同时，在服务器（或负载均衡器）上也抓包，把两个文件都交给 slbdiag：它会指出 SYN 或 SYN-ACK 在哪一段消失。")}
	}
	return Step{Text: l.tr("Capture at the load balancer or the client at the same time, to see whether the missing SYNs reached the host at all.",
		"同时在负载均衡器或客户端上抓包，确认缺失的 SYN 到底有没有到达主机。")}
}

func lossWindows(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "windows", Title: l.tr("Windows: look for SYN backlog drops and loss, not host settings", "Windows——排查 SYN 队列溢出和丢包，而不是主机设置"), Steps: []Step{
		{Text: l.tr("Check TCP failure counters and whether the service keeps up (connection backlog).",
			"查看 TCP 失败计数，以及服务是否处理得过来（连接队列）。"),
			Commands: []string{"netstat -s -p tcp", fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
		captureBothEnds(f, l),
	}}
}

func lossLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: l.tr("Linux: look for SYN backlog drops and loss, not host settings", "Linux——排查 SYN 队列溢出和丢包，而不是主机设置"), Steps: []Step{
		{Text: l.tr("Check listen queue overflows and drops, and the accept backlog of the listener (Recv-Q against Send-Q).",
			"查看监听队列溢出和丢弃计数，以及监听套接字的 accept 队列（对比 Recv-Q 和 Send-Q）。"),
			Commands: []string{"nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDrop", fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
		captureBothEnds(f, l),
	}}
}

// lossPlace says where a partial loss must be, as far as the capture
// point tells.
func lossPlace(f *analyze.Finding, l Lang) string {
	switch {
	case len(f.Located) > 0:
		return l.tr("The captures given locate it: see the stretch named above.", "所给的抓包已经定位了丢包位置：见上文指出的区段。")
	case f.Place == analyze.PlaceClient:
		return l.tr("This capture was taken at the client: its SYNs left and no SYN-ACK came back in time, so either the SYNs or the SYN-ACKs were lost between this client and the server's TCP (the path, the load balancer, or the server's backlog). A capture on the server at the same time tells which.",
			"这份抓包取自客户端：SYN 已经发出，SYN-ACK 没有及时回来，所以丢失的是 SYN 或 SYN-ACK，位置在这个客户端与服务器 TCP 之间（路径、负载均衡器或服务器的队列）。同时在服务器上抓包就能区分是哪一种。")
	case f.Place == analyze.PlaceBackend || f.Place == analyze.PlaceLAN:
		return l.tr("This capture was taken on the server: the SYNs it answered late reached it, so the host itself dropped them (a full SYN or accept backlog, a SYN rate limit or firewall), or its SYN-ACKs were lost on the way back.",
			"这份抓包取自服务器：那些迟迟才被应答的 SYN 已经到达了它，所以要么是主机自己丢弃了它们（SYN 队列或 accept 队列已满、SYN 限速或防火墙），要么是它的 SYN-ACK 在回程中丢失。")
	}
	return l.tr("Where this capture was taken does not tell which side of it loses them: capture at the client and on the server at the same time and give slbdiag both files, and it names the stretch.",
		"从这份抓包的位置看不出丢包在它的哪一侧：请同时在客户端和服务器上抓包，把两个文件都交给 slbdiag，它会指出丢包的区段。")
}

// headlineSlow is a partial loss that made handshakes late, and maybe
// some fail.
func headlineSlow(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	done := 0
	if c := evidenceOf(f, analyze.EvSomeAnswered); c != nil {
		done = c.Count
	}
	late := l.tr(fmt.Sprintf("%d of %s to %s completed only after the client sent its SYN again (up to %s late, %s on average)",
		e.Attempts, count(done, "handshake"), f.Server, delay(e.DelayMax), delay(e.DelayMean)),
		fmt.Sprintf("发往 %s 的 %d 次已完成握手中，有 %d 次要等客户端重发 SYN 后才完成（最多晚了 %s，平均 %s）", f.Server, done, e.Attempts, delay(e.DelayMax), delay(e.DelayMean)))
	if f.Attempts > 0 {
		late += l.tr(fmt.Sprintf(" and %s went unanswered", count(f.Attempts, "more")),
			fmt.Sprintf("，另有 %d 次没有应答", f.Attempts))
	}
	return late + l.tr(": packets are lost on the way or dropped under load, not host configuration.",
		"：这是途中丢包或过载丢弃，不是主机配置问题。")
}

// delay writes a wait to a tenth of a second, "1.2s", or "?" when it
// is not known (the SYN and its SYN-ACK in different captures): "?".
func delay(d time.Duration) string {
	if d <= 0 {
		return "?"
	}
	return d.Round(100 * time.Millisecond).String()
}

func saySomeAnswered(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s to the same destination completed: the host accepts this address, so its host model is not the cause.", count(e.Count, "handshake")),
		fmt.Sprintf("发往同一目的地址的 %d 次握手已完成：主机接收这个地址，所以原因不在主机模型。", e.Count))
}

func saySlowCompleted(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("%s in %s that completed only after the client sent its SYN again: they waited up to %s for the SYN-ACK, %s on average.",
		count(e.Count, "SYN retransmission"), count(e.Attempts, "handshake"), delay(e.DelayMax), delay(e.DelayMean)),
		fmt.Sprintf("有 %d 次握手要等客户端重发 SYN 后才完成，共重传了 %d 个 SYN：等待 SYN-ACK 的时间最长 %s，平均 %s。",
			e.Attempts, e.Count, delay(e.DelayMax), delay(e.DelayMean)))
}
