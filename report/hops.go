package report

import (
	"fmt"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// hopTexts say, for captures of the same traffic taken at several points,
// where packets vanished: one sentence per stretch of the path.
func hopTexts(r *analyze.Result, l Lang) []string {
	var out []string
	for _, h := range r.Hops {
		from, to := fileName(r, h.From), fileName(r, h.To)
		frames := frameList(r, h.Examples)
		switch h.Kind {
		case "syn":
			out = append(out, l.tr(fmt.Sprintf("The SYNs of %s seen in %s never reached %s: they were lost between the two capture points (the load balancer, a firewall or the path). Frames: %s.",
				count(h.Count, "attempt"), from, to, frames),
				fmt.Sprintf("在 %s 中看到的 %d 个连接尝试的 SYN 始终没有到达 %s：它们在两个抓包点之间丢失（负载均衡器、防火墙或路径上）。帧：%s。", from, h.Count, to, frames)))
		case "synack":
			out = append(out, l.tr(fmt.Sprintf("The SYN-ACKs of %s seen in %s never reached %s: they were lost on the way back. Frames: %s.",
				count(h.Count, "attempt"), from, to, frames),
				fmt.Sprintf("在 %s 中看到的 %d 个连接尝试的 SYN-ACK 始终没有到达 %s：它们在回程路径上丢失。帧：%s。", from, h.Count, to, frames)))
		}
	}
	// The clocks, once per pair of captures compared.
	seen := map[[2]int]bool{}
	for _, h := range r.Hops {
		a, b, off := h.From, h.To, h.Offset
		if a > b {
			a, b, off = b, a, -off
		}
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		out = append(out, l.tr(fmt.Sprintf("(%s and %s were matched by 4-tuple and ISN on %s both saw; %s's clock reads %s against %s's, transit included.)",
			fileName(r, a), fileName(r, b), count(h.Matched, "SYN"), fileName(r, b), signed(off), fileName(r, a)),
			fmt.Sprintf("（%s 与 %s 按四元组和 ISN 匹配了两者都看到的 %d 个 SYN；%s 的时钟比 %s 的快 %s（含传输时间）。）",
				fileName(r, a), fileName(r, b), h.Matched, fileName(r, b), fileName(r, a), signed(off))))
	}
	return out
}

func signed(d time.Duration) string {
	d = d.Round(time.Millisecond)
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}

type jsonHop struct {
	Kind     string         `json:"kind"` // syn: lost on the way in; synack: lost on the way back
	From     string         `json:"seen_in"`
	To       string         `json:"missing_from"`
	Count    int            `json:"attempts"`
	Frames   []jsonFrameRef `json:"frames"`
	OffsetMS float64        `json:"clock_offset_ms"`
	Matched  int            `json:"matched_syns"`
}

func jsonHops(r *analyze.Result) []jsonHop {
	out := []jsonHop{}
	for _, h := range r.Hops {
		jh := jsonHop{Kind: h.Kind, From: fileName(r, h.From), To: fileName(r, h.To), Count: h.Count,
			OffsetMS: float64(h.Offset.Microseconds()) / 1000, Matched: h.Matched, Frames: []jsonFrameRef{}}
		for _, f := range h.Examples {
			jh.Frames = append(jh.Frames, jsonFrameRef{File: fileName(r, f.File), Frame: f.Frame})
		}
		out = append(out, jh)
	}
	return out
}
