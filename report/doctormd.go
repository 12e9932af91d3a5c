package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// DoctorMarkdown writes the checkups for a ticket: the same content as
// the text, as GitHub-flavoured Markdown, with every fact read from the
// host escaped.
func DoctorMarkdown(w io.Writer, d *DoctorReport, o Options) error {
	sw := newSafeWriter(w)
	bw := bufio.NewWriter(sw)
	l := o.Lang
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("%s", l.tr("# slbdiag doctor\n", "# slbdiag 主机检查\n"))
	for _, c := range d.Checkups {
		v := newDoctorView(c, l)
		if len(d.Checkups) > 1 {
			p("\n## %s\n", md(v.VIP))
		}
		p("\n**%s%s** %s\n\n", v.VerdictLabel, strings.TrimSpace(l.colon()), md(v.VerdictText))
		p("%s\n\n", md(v.Confidence))
		p("%s\n\n", md(v.FactsHeader))
		for _, s := range v.Facts {
			p("- %s\n", md(s))
		}
		for _, f := range v.Findings {
			p("\n### %s\n\n", md(f.Heading))
			p("%s\n\n", md(f.Prediction))
			for _, e := range f.Evidence {
				p("- %s\n", md(e))
			}
			if fx := f.Fix; fx != nil {
				p("\n**%s**\n\n", md(fixHeading(fx.Title, l)))
				for n, st := range fx.Steps {
					p("%d. %s\n", n+1, md(st.Text))
					if len(st.Commands) > 0 {
						fence := codeFence(st.Commands)
						p("   %s\n", fence)
						for _, cmd := range st.Commands {
							p("   %s\n", cmd)
						}
						p("   %s\n", fence)
					}
				}
				p(l.tr("\n**Verify:** %s\n", "\n**验证：** %s\n"), md(fx.Verify))
			}
		}
	}
	if s := o.writtenBy(); s != "" {
		p("\n---\n\n%s\n", md(s))
	}
	err := bw.Flush()
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return err
}
