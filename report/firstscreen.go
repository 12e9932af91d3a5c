package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// maxTopCommands bounds the commands the first screen shows, so that
// verdict, findings and commands fit in 24 lines; the rest are under the
// finding, with every step's explanation.
const maxTopCommands = 10

// firstScreen writes what a person must read before anything else, in the
// first 24 lines of 100 columns: the verdict with its cause and
// confidence, what redaction replaced if it did, one line per finding
// when there are several, and the commands of the top finding's fix,
// each on a line of its own.
func firstScreen(w io.Writer, r *analyze.Result, v *view, l Lang) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	redacted := func() {
		if v.Redacted != "" {
			para(p, v.Redacted, "", "  ")
		}
	}
	if len(r.Findings) == 0 {
		para(p, v.Verdict, "", "  ")
		redacted()
		return
	}
	f := &r.Findings[0]
	s, notHostModel := causeHeadline(f, l)
	top := l.tr(fmt.Sprintf("%s: %s (confidence %s): ", v.VerdictLabel, f.Cause, f.Confidence),
		fmt.Sprintf("%s：%s（置信度：%s）：", v.VerdictLabel, f.Cause, l.confidence(string(f.Confidence))))
	if notHostModel {
		top = l.tr(v.VerdictLabel+": not the host model, and the facts point at no other cause yet (confidence low): ",
			v.VerdictLabel+"：不是主机模型，主机配置尚未指向其他原因（置信度：低）：")
	}
	para(p, top+vipGuessed(r, l)+s, "", "  ")
	redacted()
	if len(v.Findings) > 1 {
		p("%s", l.tr("Findings, each with its evidence below:\n", "结论（证据见下文）：\n"))
		for _, vf := range v.Findings {
			p("  %s\n", findingLine(&r.Findings[vf.N-1], vf, l))
		}
	}
	if v.FixLine == "" {
		return
	}
	cmds := topCommands(fixes(f, l), l)
	if len(cmds) == 0 {
		para(p, l.tr("Fix: "+v.FixLine+" (steps under Finding 1).", "修复："+v.FixLine+"（步骤见结论 1）。"), "", "  ")
		return
	}
	para(p, l.tr("Fix: "+v.FixLine+". Type (every step explained, and how to verify, under Finding 1):",
		"修复："+v.FixLine+"。命令如下（每一步的说明和验证方法见结论 1）："), "", "  ")
	shown := cmds[:min(len(cmds), maxTopCommands)]
	for _, c := range shown {
		p("    %s\n", c)
	}
	if more := len(cmds) - len(shown); more > 0 {
		p(l.tr("    (%s under Finding 1)\n", "    （另有 %d 条命令见结论 1）\n"), l.tr(count(more, "more command"), fmt.Sprint(more)))
	}
}

// findingLine is one finding in a line: its number, cause, confidence and
// the destination it is about.
func findingLine(f *analyze.Finding, vf viewFinding, l Lang) string {
	s := l.tr(fmt.Sprintf("%d. %s (confidence %s)", vf.N, vf.Cause, vf.Confidence),
		fmt.Sprintf("%d. %s（置信度：%s）", vf.N, vf.Cause, vf.Confidence))
	if f.Server.IsValid() {
		s += l.tr(" at "+f.Server.String(), "，"+f.Server.String())
	}
	return s
}

// topCommands are the commands of the first fix, in step order, leaving
// out a step's PowerShell alternatives of the commands before them (the
// first is marked with psLater).
func topCommands(fxs []Fix, l Lang) []string {
	if len(fxs) == 0 {
		return nil
	}
	var out []string
	for _, st := range fxs[0].Steps {
		for _, c := range st.Commands {
			if strings.HasSuffix(c, psLater(l)) {
				break // the rest of the step does the same in PowerShell
			}
			out = append(out, c)
		}
	}
	return out
}
