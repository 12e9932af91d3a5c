package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// markdown writes the report for a ticket: the same content as the text
// report, as GitHub-flavoured Markdown. Everything that comes from the
// capture (file names, addresses) is escaped.
func markdown(w io.Writer, r *analyze.Result, o Options) error {
	v := newView(r, o.Lang)
	l := o.Lang
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("%s", l.tr("# slbdiag report\n\n", "# slbdiag 诊断报告\n\n"))
	p("**%s%s** %s\n\n", v.VerdictLabel, strings.TrimSpace(l.colon()), md(v.VerdictText))
	if v.Redacted != "" {
		p("*%s*\n\n", md(v.Redacted))
	}
	if v.FixLine != "" {
		p(l.tr("**Fix:** %s (steps under Finding 1).\n\n", "**修复：** %s（步骤见结论 1）。\n\n"), md(v.FixLine))
	}
	for _, s := range append(v.Inputs, v.Facts...) {
		p("- %s\n", md(s))
	}
	if len(v.Rows) > 0 {
		p(l.tr("\n## Handshakes by destination (port %s)\n\n", "\n## 按目的地址统计的握手（端口 %s）\n\n"), md(v.Ports))
		if s := tableCut(r, l); s != "" {
			p("*%s*\n\n", md(s))
		}
		p("| %s |\n|---|---|%s\n", strings.Join(v.Header, " | "), strings.Repeat("---:|", len(v.Header)-2))
		for _, row := range v.Rows {
			cells := append([]string{codeSpan(row[0]), md(row[1])}, row[2:]...)
			p("| %s |\n", strings.Join(cells, " | "))
		}
		p("\n%s\n", md(v.RoleNote))
	}
	for _, f := range v.Findings {
		p(l.tr("\n## Finding %d: %s (confidence %s)\n\n", "\n## 结论 %d：%s（置信度：%s）\n\n"), f.N, f.Cause, f.Confidence)
		if f.N > 1 {
			p("%s\n\n", md(f.Headline))
		}
		p("%s", l.tr("**Evidence**\n\n", "**证据**\n\n"))
		for _, e := range f.Evidence {
			p("- %s", md(e.Text))
			if e.Frames != "" {
				p(l.tr(" Frames: %s.", "帧号：%s。"), md(e.Frames))
			}
			if e.Filter != "" {
				p(l.tr("  \n  Wireshark: %s", "  \n  Wireshark 过滤器：%s"), codeSpan(e.Filter))
			}
			p("\n")
		}
		for _, m := range f.Missing {
			p("- %s\n", md(m))
		}
		p(l.tr("\n**Why.** %s\n", "\n**原因分析：** %s\n"), md(f.Why))
		if f.HostNote != "" {
			p("\n%s\n", md(f.HostNote))
		}
		for _, fx := range f.Fixes {
			p("\n### %s\n\n", md(fixHeading(fx.Title, l)))
			for n, st := range fx.Steps {
				p("%d. %s\n", n+1, md(st.Text))
				if len(st.Commands) > 0 {
					fence := codeFence(st.Commands)
					p("   %s\n", fence)
					for _, c := range st.Commands {
						p("   %s\n", c)
					}
					p("   %s\n", fence)
				}
			}
			p(l.tr("\n**Verify:** %s\n", "\n**验证：** %s\n"), md(fx.Verify))
		}
	}
	if len(v.Warnings) > 0 {
		p("%s", l.tr("\n## Warnings\n\n", "\n## 警告\n\n"))
		for _, s := range v.Warnings {
			p("- %s\n", md(s))
		}
	}
	if s := o.writtenBy(); s != "" {
		p("\n---\n\n%s\n", md(s))
	}
	return bw.Flush()
}
