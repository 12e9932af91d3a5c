package report

import (
	"fmt"
	"maps"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// EvidencePerFinding is how many of a finding's attempts go into an
// evidence file besides the frames its evidence cites.
const EvidencePerFinding = 50

// EvidenceComments says, for each frame behind the findings, what it
// shows: the packet comments of the evidence pcapng. A frame behind
// several findings gets one comment for each.
func EvidenceComments(r *analyze.Result, l Lang) map[analyze.FrameRef][]string {
	out := map[analyze.FrameRef][]string{}
	for _, ef := range r.EvidenceFrames(EvidencePerFinding) {
		f := &r.Findings[ef.Finding]
		a := &r.Examples[ef.Attempt]
		flow := fmt.Sprintf("%s → %s", a.Client, a.Server)
		var what string
		switch ef.Role {
		case analyze.RoleFirstSyn:
			what = l.tr(fmt.Sprintf("the first SYN of %s (%s in all; outcome %s)", flow, count(a.Syns, "SYN"), a.Outcome),
				fmt.Sprintf("%s 的第一个 SYN（共 %d 个；结果为 %s）", flow, a.Syns, a.Outcome))
		case analyze.RoleLastSyn:
			what = l.tr(fmt.Sprintf("the last retransmission of the SYN of %s (SYN %d of %d; outcome %s)", flow, a.Syns, a.Syns, a.Outcome),
				fmt.Sprintf("%s 的 SYN 的最后一次重传（第 %d 个，共 %d 个；结果为 %s）", flow, a.Syns, a.Syns, a.Outcome))
		case analyze.RoleReply:
			what = l.tr(fmt.Sprintf("the %s from %s answering %s (outcome %s)", replyName(a.Outcome, l), a.ReplySrc, flow, a.Outcome),
				fmt.Sprintf("%s 发出的 %s，应答 %s（结果为 %s）", a.ReplySrc, replyName(a.Outcome, l), flow, a.Outcome))
		case analyze.RoleAck:
			what = l.tr(fmt.Sprintf("the client's ACK that completed %s", flow),
				fmt.Sprintf("客户端的 ACK，%s 的握手由它完成", flow))
		case analyze.RoleHello:
			what = l.tr(fmt.Sprintf("the client's TLS ClientHello on %s (SNI %s)", flow, sniText(a.SNI, l)),
				fmt.Sprintf("客户端在 %s 上发出的 TLS ClientHello（SNI %s）", flow, sniText(a.SNI, l)))
		case analyze.RoleHelloEnd:
			what = l.tr(fmt.Sprintf("the server's RST or FIN on %s right after the ClientHello, before it sent any data", flow),
				fmt.Sprintf("服务器在 %s 上紧跟 ClientHello 发出的 RST 或 FIN，此前它没有发送任何数据", flow))
		}
		n, frame, file := ef.Finding+1, fmt.Sprint(ef.Ref.Frame), fileName(r, ef.Ref.File)
		out[ef.Ref] = append(out[ef.Ref], l.tr(fmt.Sprintf("slbdiag finding %d, %s (confidence %s): %s. Frame %s in %s.",
			n, f.Cause, f.Confidence, what, frame, file),
			fmt.Sprintf("slbdiag 结论 %d，%s（置信度：%s）：%s。原文件 %s 中的第 %s 帧。",
				n, f.Cause, l.confidence(string(f.Confidence)), what, file, frame)))
	}
	return out
}

// sniText is a server name for a sentence, escaped: it came from a packet.
func sniText(n string, l Lang) string {
	if n == "" {
		return l.tr("(no SNI)", "（无 SNI）")
	}
	return printable(n)
}

// EvidenceAttempt is an attempt whose packets an evidence file holds
// whole, and the comment of those of its packets no finding cites.
type EvidenceAttempt struct {
	Attempt int // index into Result.Examples
	Comment string
}

// EvidenceAttempts lists, once each and in order, the attempts behind
// every finding (see EvidenceComments) and the example of each failed
// outcome per destination the report cites, whose packets an evidence
// file should hold whole so that analysing it again finds the same.
func EvidenceAttempts(r *analyze.Result, l Lang) []EvidenceAttempt {
	finding := map[int]int{} // attempt → its finding, -1 for a table's example
	for _, ef := range r.EvidenceFrames(EvidencePerFinding) {
		if _, ok := finding[ef.Attempt]; !ok {
			finding[ef.Attempt] = ef.Finding
		}
	}
	examples := map[analyze.FrameRef]bool{}
	for _, d := range r.Destinations {
		for o, ref := range d.Examples {
			if analyze.Outcome(o).Failed() && !ref.IsZero() {
				examples[ref] = true
			}
		}
	}
	for i := range r.Examples {
		if _, ok := finding[i]; !ok && examples[r.Examples[i].First] {
			finding[i] = -1
		}
	}
	order := slices.Sorted(maps.Keys(finding))
	out := make([]EvidenceAttempt, len(order))
	for i, at := range order {
		a := &r.Examples[at]
		flow := fmt.Sprintf("%s → %s", a.Client, a.Server)
		c := l.tr(fmt.Sprintf("slbdiag: a packet of %s (outcome %s), the report's example of that outcome.", flow, a.Outcome),
			fmt.Sprintf("slbdiag：%s（结果为 %s）的数据包，是报告中该结果的示例。", flow, a.Outcome))
		if n := finding[at] + 1; n > 0 {
			c = l.tr(fmt.Sprintf("slbdiag: a packet of %s (outcome %s), kept so that the attempt behind finding %d is whole.", flow, a.Outcome, n),
				fmt.Sprintf("slbdiag：%s（结果为 %s）的数据包，保留它是为了让结论 %d 所依据的连接尝试完整。", flow, a.Outcome, n))
		}
		out[i] = EvidenceAttempt{Attempt: at, Comment: c}
	}
	return out
}

// EvidenceSection is the comment of an evidence file as a whole: what it
// holds, or, when there is no finding, that there is nothing to show.
func EvidenceSection(r *analyze.Result, l Lang) string {
	if len(r.Findings) == 0 {
		return l.tr("slbdiag made no finding in these captures: this file holds only the report's examples of failed handshakes, if there were any.",
			"slbdiag 在这些抓包中没有得出任何结论：本文件只包含报告中失败握手的示例（如果有的话）。")
	}
	return l.tr("The packets behind slbdiag's findings: every packet of each example attempt; the packets a finding cites say so in their comments.",
		"slbdiag 结论所依据的数据包：每个示例连接尝试的全部数据包；结论引用的数据包在其注释中注明。")
}

func replyName(o analyze.Outcome, l Lang) string {
	switch o {
	case analyze.Refused:
		return "RST"
	case analyze.Unreachable:
		return l.tr("ICMP error", "ICMP 差错报文")
	}
	return "SYN-ACK"
}
