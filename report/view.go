package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// view is a result in words, shared by the text, Markdown and HTML
// reports so that they say the same things.
type view struct {
	Lang                      Lang
	Verdict                   string
	VerdictLabel, VerdictText string // the verdict, split at its colon
	Problem                   bool
	FixLine                   string   // the top finding's first fix, by title; empty without one
	Redacted                  string   // what redaction replaced, at the top; empty when unredacted
	Inputs                    []string // one sentence per input file
	Facts                     []string // attempts, probes against clients, mid-stream traffic
	Ports                     string
	Header                    []string   // destination table
	Rows                      [][]string // one per destination
	RoleNote                  string     // why each role in the table was given
	Findings                  []viewFinding
	Warnings                  []string
}

type viewFinding struct {
	N          int
	Cause      string
	Confidence string // in the report's language
	Headline   string
	Evidence   []viewEvidence
	Missing    []string
	Why        string
	HostNote   string // which fix the host's TTL picked, when it did
	Fixes      []Fix  // the fixes to show, the likely platform first
}

type viewEvidence struct {
	Text   string
	Frames string // "5, 6, 13", or empty
	Filter string
}

func newView(r *analyze.Result, l Lang) *view {
	v := &view{Lang: l, Verdict: Verdict(r, l), Problem: r.Problem(), Ports: r.Ports}
	v.VerdictLabel, v.VerdictText = verdict(r, l)
	v.Redacted = redactedText(r, l)
	if len(r.Findings) > 0 {
		v.FixLine = fixLine(&r.Findings[0], l)
	}
	for _, in := range r.Inputs {
		v.Inputs = append(v.Inputs, inputText(in, l))
	}
	v.Inputs = append(v.Inputs, encapTexts(r, l)...)
	if s := hostFactsNote(r, l); s != "" {
		v.Inputs = append([]string{s}, v.Inputs...)
	}
	v.Facts = append(facts(r, l), hopTexts(r, l)...)
	v.Header = []string{l.tr("destination", "目的地址"), l.tr("role", "角色"), l.tr("total", "总数")}
	for _, o := range analyze.Outcomes() {
		v.Header = append(v.Header, o.String())
	}
	for _, d := range r.Destinations {
		row := []string{d.Server.String(), roleName(d.Role, l), fmt.Sprint(d.Counts.Total())}
		for _, n := range d.Counts {
			row = append(row, fmt.Sprint(n))
		}
		v.Rows = append(v.Rows, row)
	}
	v.RoleNote = roleNote(r, l)
	for i := range r.Findings {
		v.Findings = append(v.Findings, findingView(r, i, l))
	}
	for _, w := range r.Warnings {
		v.Warnings = append(v.Warnings, warningText(r, &w, l))
	}
	return v
}

// preciseTime is how a single packet's time is written in prose, UTC.
const preciseTime = "2006-01-02 15:04:05.000000"

// inputText is one sentence about an input file.
func inputText(in analyze.InputInfo, l Lang) string {
	link := ""
	if len(in.LinkTypes) > 0 {
		link = ", " + strings.Join(in.LinkTypes, "+")
	}
	span := ""
	if in.Frames > 0 {
		first, last := in.First.UTC().Format(time.DateTime), in.Last.UTC().Format(time.TimeOnly)
		if in.First.UTC().YearDay() != in.Last.UTC().YearDay() || in.First.UTC().Year() != in.Last.UTC().Year() {
			last = in.Last.UTC().Format(time.DateTime) // another day: a time alone would read as the first day's
		}
		d := in.Last.Sub(in.First).Round(time.Millisecond)
		span = l.tr(fmt.Sprintf(", %s to %s (%s)", first, last, d), fmt.Sprintf("，%s 至 %s（%s）", first, last, d))
	}
	return l.tr(fmt.Sprintf("Read %s: %s%s, %s%s.", printable(in.Name), in.Format, link, count(in.Frames, "frame"), span),
		fmt.Sprintf("已读取 %s：%s%s，%d 帧%s。", printable(in.Name), in.Format, strings.ReplaceAll(link, ", ", "，"), in.Frames, span))
}

func facts(r *analyze.Result, l Lang) []string {
	vips := l.tr("inferred (destinations that never send a packet)", "自动推断（从不发包的目的地址）")
	if r.VIPs != nil {
		var list []string
		for _, p := range r.VIPs {
			list = append(list, p.String())
		}
		vips = strings.Join(list, ", ")
	}
	s := r.Summary
	out := []string{l.tr(fmt.Sprintf("%s (%s) to port %s; VIPs: %s. Times are UTC.", count(s.Counts.Total(), "handshake attempt"), count(s.SynPackets, "SYN transmission"), r.Ports, vips),
		fmt.Sprintf("发往端口 %s 的连接尝试共 %d 个（SYN 共发送 %d 次）；VIP：%s。时间均为 UTC。", r.Ports, s.Counts.Total(), s.SynPackets, vips))}
	if cp := capturePoint(r.CapturePoint, l); cp != "" {
		out = append(out, cp)
	}
	if probes := s.ProbeCounts.Total(); probes > 0 {
		var clients analyze.Counts
		for o := range clients {
			clients[o] = s.Counts[o] - s.ProbeCounts[o]
		}
		out = append(out, l.tr(fmt.Sprintf("Health probes: %s (%s). Clients: %s (%s).", count(probes, "attempt"), outcomeSummary(s.ProbeCounts, l),
			count(clients.Total(), "attempt"), outcomeSummary(clients, l)),
			fmt.Sprintf("健康检查探测：%d 个连接尝试（%s）。客户端：%d 个连接尝试（%s）。", probes, outcomeSummary(s.ProbeCounts, l),
				clients.Total(), outcomeSummary(clients, l))))
	}
	if s.MidstreamPackets > 0 {
		out = append(out, l.tr(fmt.Sprintf("%s of %s began before the capture did: counted, not judged.", count(s.MidstreamPackets, "packet"), atLeast(s.MidstreamConns, s.MidstreamCapped, l)),
			fmt.Sprintf("%d 个数据包属于抓包开始前就已建立的 %s：计入统计，但不做判定。", s.MidstreamPackets, atLeast(s.MidstreamConns, s.MidstreamCapped, l))))
	}
	return out
}

func findingView(r *analyze.Result, i int, l Lang) viewFinding {
	f := &r.Findings[i]
	fv := viewFinding{N: i + 1, Cause: string(f.Cause), Confidence: l.confidence(string(f.Confidence)), Headline: headline(f, l), Why: why(f, l)}
	for j := range f.Evidence {
		e := &f.Evidence[j]
		fv.Evidence = append(fv.Evidence, viewEvidence{Text: evidenceText(f, e, l), Frames: frameList(r, e.Frames), Filter: e.Filter})
	}
	for _, k := range f.Missing {
		fv.Missing = append(fv.Missing, missingText(f, k, l))
	}
	fv.Fixes = fixes(f, l)
	if f.HostOS != analyze.OSUnknown && len(fv.Fixes) > 1 {
		// The host's TTL says which fix applies; the other stays in the
		// JSON report for when the hint is wrong.
		hostOS, shown, other := osName(string(f.HostOS)), osName(fv.Fixes[0].Platform), osName(fv.Fixes[1].Platform)
		fv.HostNote = hostNote(f, hostOS, shown, other, l)
		fv.Fixes = fv.Fixes[:1]
	}
	return fv
}

// atLeast counts connections, "at least" when the count stopped at its cap.
func atLeast(n int, capped bool, l Lang) string {
	if capped {
		return l.tr("at least "+count(n, "connection"), fmt.Sprintf("至少 %d 个连接", n))
	}
	return l.tr(count(n, "connection"), fmt.Sprintf("%d 个连接", n))
}

// roleNote says why the destinations in the table have the roles they
// have, for the roles present.
func roleNote(r *analyze.Result, l Lang) string {
	present := map[analyze.Role]bool{}
	for _, d := range r.Destinations {
		present[d.Role] = true
	}
	var parts []string
	for _, role := range []analyze.Role{analyze.RoleVIP, analyze.RoleLikelyVIP, analyze.RoleHost, analyze.RoleSilent} {
		if !present[role] {
			continue
		}
		var why string
		switch role {
		case analyze.RoleVIP:
			why = l.tr("given with --vip", "由 --vip 指定")
		case analyze.RoleLikelyVIP:
			why = l.tr("received SYNs and never sent a packet", "收到过 SYN，却从未发出任何包")
		case analyze.RoleHost:
			why = l.tr("sends packets, or the OS, the pcapng file or host facts name it as the host's", "会发包，或者操作系统、pcapng 文件或主机配置表明它是本机地址")
		case analyze.RoleSilent:
			why = l.tr("never sent a packet and is not a given VIP", "从未发包，也不是指定的 VIP")
		}
		parts = append(parts, roleName(role, l)+l.colon()+why)
	}
	if len(parts) == 0 {
		return ""
	}
	return l.tr("Roles: ", "角色说明：") + strings.Join(parts, l.tr("; ", "；")) + l.tr(".", "。")
}

// hostNote says which TTL the OS hint comes from: the one the host sends
// with when the capture saw its packets before any router, else the one
// they arrived with, a few routers away from the initial value.
func hostNote(f *analyze.Finding, hostOS, shown, other string, l Lang) string {
	if sent := analyze.InitialTTLAbove(f.HostTTL); sent != f.HostTTL {
		hops := int(sent) - int(f.HostTTL)
		return l.tr(fmt.Sprintf("%s's packets arrive here with TTL %d: sent with %d, as %s does, %s away. The %s fix follows (the %s one is in --format json).",
			f.HostAddr, f.HostTTL, sent, hostOS, count(hops, "router"), shown, other),
			fmt.Sprintf("%s 的包到达抓包点时 TTL 为 %d：发出时应为 %d（%s 的默认值），中间经过了 %d 个路由器。下面给出 %s 的修复方案（%s 的方案见 --format json 的输出）。",
				f.HostAddr, f.HostTTL, sent, hostOS, hops, shown, other))
	}
	return l.tr(fmt.Sprintf("%s sends with TTL %d, as %s does: the %s fix follows (the %s one is in --format json).",
		f.HostAddr, f.HostTTL, hostOS, shown, other),
		fmt.Sprintf("%s 发出的包 TTL 为 %d，是 %s 的默认值：下面给出 %s 的修复方案（%s 的方案见 --format json 的输出）。",
			f.HostAddr, f.HostTTL, hostOS, shown, other))
}

// fixLine names the top finding's fix; both platforms' when nothing, TTL
// or host facts, says which OS the host runs, rather than one picked by
// default.
func fixLine(f *analyze.Finding, l Lang) string {
	fxs := fixes(f, l)
	switch {
	case len(fxs) == 0:
		return ""
	case len(fxs) == 1 || f.HostOS != analyze.OSUnknown || f.Host != nil:
		return fxs[0].Title
	}
	return l.tr(fmt.Sprintf("%s; or %s: the capture does not tell the host's OS", fxs[0].Title, fxs[1].Title),
		fmt.Sprintf("%s；或者 %s：从抓包看不出主机的操作系统", fxs[0].Title, fxs[1].Title))
}
