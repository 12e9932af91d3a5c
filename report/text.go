package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/slbdiag/slbdiag/analyze"
)

// text writes the terminal report: the verdict first, then the table of
// destinations, each finding with evidence, why and fix, and warnings.
func text(w io.Writer, r *analyze.Result, o Options) error {
	v := newView(r, o.Lang)
	l := o.Lang
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	firstScreen(bw, r, v, l)
	p("\n")
	for _, s := range append(v.Inputs, v.Facts...) {
		para(p, s, "", "  ")
	}
	if len(v.Rows) > 0 {
		p(l.tr("\nHandshakes by destination (port %s):\n", "\n按目的地址统计的握手（端口 %s）：\n"), v.Ports)
		if s := tableCut(r, l); s != "" {
			para(p, s, "", "  ") // where the table is read, not only under Warnings
		}
		if err := writeDestinations(bw, v, o.Width, l); err != nil {
			return err
		}
		para(p, v.RoleNote, "", "  ")
	}
	for _, f := range v.Findings {
		textFinding(p, f, l)
	}
	if len(v.Warnings) > 0 {
		p("%s", l.tr("\nWarnings:\n", "\n警告：\n"))
		for _, s := range v.Warnings {
			para(p, s, "- ", "  ")
		}
	}
	if s := o.writtenBy(); s != "" {
		p("\n%s\n", s)
	}
	return bw.Flush()
}

type printer func(format string, a ...any)

// tableCut is the warning that the table lists only the first
// destinations, or "" when it lists them all.
func tableCut(r *analyze.Result, l Lang) string {
	for i := range r.Warnings {
		if r.Warnings[i].Kind == analyze.WarnDestsCapped {
			return warningText(r, &r.Warnings[i], l)
		}
	}
	return ""
}

// para writes prose wrapped at proseWidth, its first line after first and
// the others after indent.
func para(p printer, text, first, indent string) {
	for _, line := range wrap(text, first, indent, proseWidth) {
		p("%s\n", line)
	}
}

func textFinding(p printer, f viewFinding, l Lang) {
	p(l.tr("\nFinding %d: %s (confidence %s)\n", "\n结论 %d：%s（置信度：%s）\n"), f.N, f.Cause, f.Confidence)
	if f.N > 1 {
		// The first finding's headline is the verdict, already on top.
		para(p, f.Headline, "  ", "  ")
	}
	p(l.tr("  Evidence:\n", "  证据：\n"))
	for _, e := range f.Evidence {
		s := e.Text
		if e.Frames != "" {
			s += l.tr(" Frames: "+e.Frames+".", "帧号："+e.Frames+"。")
		}
		para(p, s, "  - ", "    ")
		if e.Filter != "" {
			// A filter is pasted whole: never wrapped.
			p(l.tr("      Wireshark: %s\n", "      Wireshark 过滤器：%s\n"), e.Filter)
		}
	}
	for _, m := range f.Missing {
		para(p, m, "  - ", "    ")
	}
	p(l.tr("  Why:\n", "  原因分析：\n"))
	para(p, f.Why, "    ", "    ")
	if f.HostNote != "" {
		para(p, f.HostNote, "  ", "  ")
	}
	for _, fx := range f.Fixes {
		writeFix(p, fx, "  ", l)
	}
}

func warningText(r *analyze.Result, w *analyze.Warning, l Lang) string {
	file := fileName(r, w.File)
	switch w.Kind {
	case analyze.WarnDamaged:
		// Detail is the reader's own error message, kept verbatim: it
		// names the frame and byte offset of the damage.
		zh := fmt.Sprintf("%s 没能读到结尾；结果只涵盖损坏处之前的 %d 帧。读取错误：%s", file, w.Count, w.Detail)
		if w.Offset >= 0 {
			what := "内容无法读取（已损坏）"
			if w.Truncated {
				what = "文件在此被截断"
			}
			zh = fmt.Sprintf("%s 没能读到结尾：第 %d 帧之后、第 %d 字节处%s；结果只涵盖此前的 %d 帧。", file, w.Count, w.Offset, what, w.Count)
		}
		return l.tr(fmt.Sprintf("%s could not be read to its end; the results cover the %s before the damage. %s", file, count(w.Count, "frame"), w.Detail), zh)
	case analyze.WarnLinkType:
		return l.tr(fmt.Sprintf("%s link type %s, which slbdiag cannot decode; skipped.", count(w.Count, "frame has", "frames have"), w.Detail),
			fmt.Sprintf("%d 帧的链路类型为 %s，slbdiag 无法解码，已跳过。", w.Count, w.Detail))
	case analyze.WarnPending:
		return l.tr(fmt.Sprintf("%s a single SYN less than %s before the capture ended: not judged (pending). A longer capture decides.", count(w.Count, "attempt sent", "attempts sent"), w.Detail),
			fmt.Sprintf("%d 个连接尝试只发了一个 SYN，且距抓包结束不到 %s：不做判定（pending）。抓包时间更长就能判定。", w.Count, w.Detail))
	case analyze.WarnTimestamps:
		at := w.At.UTC().Format(preciseTime)
		first := l.tr(fmt.Sprintf("frame %d at %s", w.Frame, at), fmt.Sprintf("第 %d 帧，时间 %s", w.Frame, at))
		if !w.Before.IsZero() {
			before := w.Before.UTC().Format(preciseTime)
			first = l.tr(fmt.Sprintf("frame %d at %s, after %s", w.Frame, at, before), fmt.Sprintf("第 %d 帧，时间 %s，在 %s 之后", w.Frame, at, before))
		}
		return l.tr(fmt.Sprintf("%s: %s odd timestamps (the first: %s): they go back in time, jump more than a year, or lie before 1995 or after 2100. The clock that wrote the capture was stepped or never set, so durations, retransmission timing and the outcomes that rest on them may be wrong; the frames are taken in the file's order.", file, count(w.Count, "frame has", "frames have"), first),
			fmt.Sprintf("%s：有 %d 帧的时间戳异常（第一个：%s）：时间倒退、跳变超过一年，或早于 1995 年、晚于 2100 年。写入抓包的时钟被调整过或从未设置，因此时长、重传时序以及依赖它们的判定结果可能有误；各帧按文件中的顺序处理。", file, w.Count, first))
	case analyze.WarnCut:
		why := l.tr("--max-disk left no room for more", "--max-disk 已没有空间")
		if w.Detail == "stop" {
			why = l.tr("the watch was stopped", "watch 已停止")
		}
		return l.tr(fmt.Sprintf("This incident was cut short at %s: %s. The watch saw %s in it; the packets kept may not show them all.", count(w.Count, "packet"), why, count(w.Attempts, "failed attempt")),
			fmt.Sprintf("此事件在第 %d 个数据包处被截断：%s。watch 在其中看到 %d 次失败的握手尝试；保留的数据包可能无法全部体现。", w.Count, why, w.Attempts))
	case analyze.WarnInterrupted:
		return l.tr("Reading was interrupted; the results cover the frames read until then.",
			"读取被中断；结果只涵盖中断前已读取的帧。")
	case analyze.WarnDuplicates:
		return l.tr(fmt.Sprintf("%s recorded the same packet more than once (as pktmon does at each stack component, or a SPAN port): %s of SYNs, SYN-ACKs, RSTs and FINs within %s of the original collapsed, not counted as retransmissions (copies of other packets change nothing slbdiag reports). Frame numbers still count every copy.", file, count(w.Count, "copy", "copies"), w.Detail),
			fmt.Sprintf("%s 把同一个包记录了多次（pktmon 会在协议栈的每个组件各记一次，SPAN 端口也会重复）：与原包相隔 %s 以内的 %d 个 SYN、SYN-ACK、RST 和 FIN 副本已合并，不计为重传（其他包的副本不影响 slbdiag 的任何结果）。帧号仍按所有副本计数。", file, w.Detail, w.Count))
	case analyze.WarnSnaplen:
		return l.tr(fmt.Sprintf("%s: %s cut short by the capture's snaplen (as few as %s bytes kept). Handshakes are still read from the TCP header, but TLS server names and payloads may be missing, so a missing TLS binding may go unseen; capture with -s 0 (tcpdump) or a larger pktmon --pkt-size to see them.", file, count(w.Count, "frame"), w.Detail),
			fmt.Sprintf("%s：有 %d 帧被抓包长度（snaplen）截断（最少只保留了 %s 字节）。握手仍能从 TCP 头读出，但 TLS 服务器名称和载荷可能缺失，因此可能看不出证书绑定缺失；要看到它们，请用 -s 0（tcpdump）或更大的 pktmon --pkt-size 重新抓包。", file, w.Count, w.Detail))
	case analyze.WarnOffload:
		return l.tr(fmt.Sprintf("%s wrong TCP checksums (%s of them SYN-ACKs). That is what checksum offload leaves: the capture was taken on a host, or on a virtual interface, before the checksums were filled in. Wireshark flags them as errors; slbdiag does not use checksums, and no outcome depends on them.", count(w.Count, "SYN or SYN-ACK carries", "SYNs and SYN-ACKs carry"), w.Detail),
			fmt.Sprintf("有 %d 个 SYN 或 SYN-ACK 的 TCP 校验和不正确（其中 SYN-ACK %s 个）。这是校验和卸载造成的：抓包是在主机上或虚拟网卡上、校验和填入之前进行的。Wireshark 会把它们标为错误；slbdiag 不使用校验和，所有判定结果都不受影响。", w.Count, w.Detail))
	case analyze.WarnMalformed:
		return l.tr(fmt.Sprintf("%s not TCP as a TCP stack sends it (a data offset under 5, or SYN with RST: a scanner's or fuzzer's probe, or corruption), first %s frame %s: not counted as attempts.", count(w.Count, "TCP header is", "TCP headers are"), file, w.Detail),
			fmt.Sprintf("有 %d 个 TCP 头不是 TCP 协议栈会发出的样子（数据偏移小于 5，或 SYN 与 RST 同时置位：扫描器或模糊测试的探测包，或数据损坏），第一个在 %s 第 %s 帧：不计为连接尝试。", w.Count, file, w.Detail))
	case analyze.WarnOneSided:
		return l.tr(fmt.Sprintf("%s and not one packet from a server: either nothing answered, or the capture sees one direction only (a capture filter such as 'dst port 443', or a mirror of inbound traffic). Check both directions were captured before trusting \"unanswered\".", count(w.Count, "SYN")),
			fmt.Sprintf("抓到 %d 个 SYN，却没有一个来自服务器的包：要么确实无人应答，要么抓包只看到了一个方向（例如 'dst port 443' 这样的抓包过滤器，或只镜像了入方向流量）。在相信 “unanswered” 之前，请确认两个方向都抓到了。", w.Count))
	case analyze.WarnEarly:
		en := fmt.Sprintf("More than %d attempts were open at once (a flood): %s decided before %s had passed since their first SYN, on what had been seen by then (JSONL: \"decided_early\": true). A reply or retransmission that came later for one of them was counted as a late packet.", w.Limit, count(w.Count, "attempt was", "attempts were"), w.Detail)
		zh := fmt.Sprintf("同时未决的连接尝试超过 %d 个（泛洪）：有 %d 个尝试在第一个 SYN 之后不到 %s 就按当时所见做了判定（JSONL 中标为 \"decided_early\": true）。此后才到的应答或重传计为迟到的包。", w.Limit, w.Count, w.Detail)
		if w.Attempts > 0 {
			en += fmt.Sprintf(" Of the unanswered, up to %d came so close to the end of the capture that they may be pending instead.", w.Attempts)
			zh += fmt.Sprintf("在 unanswered 中，最多有 %d 个距抓包结束太近，实际可能应为 pending。", w.Attempts)
		} else {
			en += " Every count is exact."
			zh += "各项计数都是精确的。"
		}
		return l.tr(en, zh)
	case analyze.WarnLate:
		en := fmt.Sprintf("%s and %s came more than %s after their attempt's first SYN, when its outcome was already written: the SYN counts include them, the outcomes and the JSONL \"syns\" do not.", count(w.Count, "SYN retransmission"), count(w.Attempts, "reply", "replies"), w.Detail)
		zh := fmt.Sprintf("有 %d 个 SYN 重传和 %d 个应答在其连接尝试的第一个 SYN 之后超过 %s 才到达，那时结果已经写出：SYN 计数包含它们，结果和 JSONL 的 \"syns\" 不包含。", w.Count, w.Attempts, w.Detail)
		if w.Rerun > 0 {
			cmd := rerunCommand(r, "--horizon", w.Rerun.String())
			en += fmt.Sprintf(" Replies came after the %s horizon; to judge them, run again with a longer one:\n    %s", w.Detail, cmd)
			zh += fmt.Sprintf("有应答在 %s 的时限之后才到；要判定它们，请用更长的时限重新运行：\n    %s", w.Detail, cmd)
		}
		return l.tr(en, zh)
	case analyze.WarnForgotten:
		return l.tr(fmt.Sprintf("%s forgotten sooner than usual (more than %d remembered at once): a SYN retransmitted for one of them afterwards would have been counted as a new attempt, so the attempt count may be high by as much as the number of late retransmissions.", count(w.Count, "finished attempt was", "finished attempts were"), w.Limit),
			fmt.Sprintf("有 %d 个已结束的连接尝试被提前遗忘（同时记住的超过 %d 个）：此后若它们的 SYN 再重传，会被计为新的尝试，因此尝试总数最多可能多出这些迟到重传的数量。", w.Count, w.Limit))
	case analyze.WarnDestsCapped:
		n := fmt.Sprint(w.Count)
		nzh := n
		if w.Detail == "estimated" {
			n = fmt.Sprintf("about %d (±%d%%)", w.Count, analyze.EstimateError)
			nzh = fmt.Sprintf("约 %d（±%d%%）", w.Count, analyze.EstimateError)
		}
		return l.tr(fmt.Sprintf("SYNs went to more than %d destinations: the first %d are listed and diagnosed one by one; %s more destinations, with %s, are counted in the totals only.", w.Limit, w.Limit, n, count(w.Attempts, "attempt")),
			fmt.Sprintf("SYN 的目的地址超过 %d 个：前 %d 个逐个列出并诊断；其余 %s 个目的地址（共 %d 个连接尝试）只计入总数。", w.Limit, w.Limit, nzh, w.Attempts))
	case analyze.WarnEstimated:
		return l.tr(fmt.Sprintf("Too many distinct clients to remember each: %s, marked ≈, within ±%s%% of the true number.", count(w.Count, "client count is an estimate", "client counts are estimates"), w.Detail),
			fmt.Sprintf("不同的客户端太多，无法逐个记住：有 %d 个客户端数标为 ≈，是估计值，与真实数量相差不超过 ±%s%%。", w.Count, w.Detail))
	case analyze.WarnAddrsCapped:
		return l.tr(fmt.Sprintf("More than %d addresses sent or received SYNs: %s from addresses past that were not followed, so their roles and TTLs are unknown; handshake counts are not affected.", w.Limit, count(w.Count, "packet")),
			fmt.Sprintf("收发 SYN 的地址超过 %d 个：此后新地址的 %d 个包未被跟踪，它们的角色和 TTL 未知；握手计数不受影响。", w.Limit, w.Count))
	case analyze.WarnARPCapped:
		return l.tr(fmt.Sprintf("More than %d address and MAC pairs claimed addresses by ARP: %s not followed.", w.Limit, count(w.Count, "further claim was", "further claims were")),
			fmt.Sprintf("通过 ARP 声明地址的“地址-MAC”组合超过 %d 个：另有 %d 个声明未被跟踪。", w.Limit, w.Count))
	case analyze.WarnMACsCapped:
		return l.tr(fmt.Sprintf("%s went to destination MACs beyond the first %d of their destination: they are counted with the destination but not judged host by host.", count(w.Count, "attempt"), w.Limit),
			fmt.Sprintf("有 %d 个连接尝试发往了其目的地址的前 %d 个目的 MAC 之外的 MAC：它们计入该目的地址，但不逐台主机判断。", w.Count, w.Limit))
	case analyze.WarnFindings:
		return l.tr(fmt.Sprintf("%s of %s (%s) are not listed one by one: the %d most certain and largest are.", count(w.Count, "more finding", "more findings"), w.Detail, count(w.Attempts, "attempt"), w.Limit),
			fmt.Sprintf("另有 %d 条 %s 结论（共 %d 个连接尝试）未逐条列出：只列出了最确定、规模最大的 %d 条。", w.Count, w.Detail, w.Attempts, w.Limit))
	case analyze.WarnHopsCapped:
		return l.tr(fmt.Sprintf("%s missing from some capture were not compared (more than %d): the counts of packets lost between capture points are lower bounds.", count(w.Count, "attempt"), w.Limit),
			fmt.Sprintf("有 %d 个在某个抓包中缺失的连接尝试未做比对（超过 %d 个）：抓包点之间丢包的计数只是下限。", w.Count, w.Limit))
	case analyze.WarnFragments:
		evicted := ""
		if w.Attempts > 0 {
			evicted = l.tr(fmt.Sprintf(" (%d of them dropped because more than 4 MiB of fragments waited at once)", w.Attempts),
				fmt.Sprintf("（其中 %d 个因同时等待的分片超过 4 MiB 而被丢弃）", w.Attempts))
		}
		return l.tr(fmt.Sprintf("%s never completed%s: as the kernel would, slbdiag discarded them (pieces missing, overlapping, or waiting over 30 s), so a SYN sent in one of them is not counted.", count(w.Count, "fragmented TCP datagram was", "fragmented TCP datagrams were"), evicted),
			fmt.Sprintf("有 %d 个分片的 TCP 数据报没有拼完整%s：slbdiag 像内核一样丢弃了它们（缺片、重叠或等待超过 30 秒），其中的 SYN 不计入。", w.Count, evicted))
	case analyze.WarnOSDrops:
		syns := ""
		if w.Attempts > 0 {
			syns = l.tr(fmt.Sprintf(" (%s)", count(w.Attempts, "SYN")), fmt.Sprintf("（其中 %d 个 SYN）", w.Attempts))
		}
		return l.tr(fmt.Sprintf("%s: Windows itself dropped %s%s at %s: the OS's own reason, which pktmon logs and no pcap holds.", file, count(w.Count, "packet"), syns, w.Detail),
			fmt.Sprintf("%s：Windows 自己丢弃了 %d 个包%s，位置与原因：%s。这是 pktmon 记下的操作系统自己的丢包原因，pcap 抓包里没有。", file, w.Count, syns, w.Detail))
	case analyze.WarnDrops:
		return l.tr(fmt.Sprintf("The capture dropped %s of the %d it received (the kernel, Npcap or the interface ran short): SYNs or replies may be missing, so some attempts may look unanswered that were not. Capture with a narrower -f filter or a smaller -s snaplen.", count(w.Count, "packet"), w.Received),
			fmt.Sprintf("抓包过程中丢了 %d 个包（共收到 %d 个；内核、Npcap 或网卡缓冲不足）：SYN 或应答可能缺失，一些实际有应答的连接尝试可能显示为没有应答。请用更精确的 -f 过滤器或更小的 -s 抓包长度重新抓包。", w.Count, w.Received))
	}
	return string(w.Kind)
}

// osName spells a platform as people write it.
func osName(platform string) string {
	switch platform {
	case "windows":
		return "Windows"
	case "linux":
		return "Linux"
	}
	return platform
}

// outcomeSummary lists the non-zero counts, e.g. "3 completed, 1 unanswered".
func outcomeSummary(c analyze.Counts, l Lang) string {
	if s := joinCounts(c, func(analyze.Outcome) bool { return true }, l); s != "" {
		return s
	}
	return l.tr("none", "无")
}

// WarningTexts are r's warnings as sentences in o's language, for a
// report format that has no place for them (JSONL: they go to stderr).
// A file name or a reader's message in them is escaped, as no safeWriter
// stands between them and the terminal.
func WarningTexts(r *analyze.Result, o Options) []string {
	var out []string
	for _, w := range r.Warnings {
		out = append(out, printable(warningText(r, &w, o.Lang)))
	}
	return out
}
