package report

import (
	"html/template"
	"io"
	"strings"
)

// doctorHTMLTemplate is doctor's page: the same content as the text, one
// section per port. html/template escapes every fact read from the host.
var doctorHTMLTemplate = template.Must(template.New("doctor").Parse(`<!DOCTYPE html>
<html lang="{{.HTMLLang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>slbdiag doctor: {{.Verdict}}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; color: #4a5468; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d8dde6; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin-bottom: .3rem; }
.verdict { font-size: 1.1rem; padding: .8rem 1rem; border-radius: 6px; border-left: 6px solid; }
.verdict.problem { background: #fdecec; border-color: #c62828; }
.verdict.ok { background: #e9f6ec; border-color: #2e7d32; }
.verdict.unknown { background: #fff8e1; border-color: #ef6c00; }
code, pre { font: 13px/1.4 ui-monospace, "Cascadia Mono", Consolas, monospace; }
pre { background: #1f2430; color: #e8ecf3; padding: .6rem .8rem; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 2rem; color: #6b7385; font-size: .85rem; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{- range .Checkups}}
<section>
{{- if $.Several}}
<h2>{{.VIP}}</h2>
{{- end}}
<p class="verdict {{.Class}}"><strong>{{.VerdictLabel}}{{$.Colon}}</strong> {{.VerdictText}}</p>
<p>{{.Confidence}}</p>
<p>{{.FactsHeader}}</p>
<ul>
{{- range .Facts}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- range .Findings}}
<h3>{{.Heading}}</h3>
<p>{{.Prediction}}</p>
<ul>
{{- range .Evidence}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- with .Fix}}
<h4>{{$.FixHeading .Title}}</h4>
<ol>
{{- range .Steps}}
<li>{{.Text}}{{if .Commands}}
<pre>{{range $i, $c := .Commands}}{{if $i}}
{{end}}{{$c}}{{end}}</pre>{{end}}</li>
{{- end}}
</ol>
<p><strong>{{$.VerifyWord}}</strong> {{.Verify}}</p>
{{- end}}
{{- end}}
</section>
{{- end}}
{{- with .Footer}}
<footer>{{.}}</footer>
{{- end}}
</body>
</html>
`))

type doctorHTMLCheckup struct {
	doctorView
	Class string // the verdict's style: ok, problem or unknown
}

type doctorHTMLDoc struct {
	Lang                                Lang
	HTMLLang, Title, Verdict, Colon     string
	FindingWord, ConfidenceWord, Footer string
	VerifyWord                          string
	Several                             bool
	Checkups                            []doctorHTMLCheckup
}

func (d doctorHTMLDoc) FixHeading(title string) string { return fixHeading(title, d.Lang) }

// DoctorHTML writes the checkups as one self-contained page, with unsafe
// characters escaped.
func DoctorHTML(w io.Writer, d *DoctorReport, o Options) error {
	l := o.Lang
	doc := doctorHTMLDoc{Lang: l, HTMLLang: l.tr("en", "zh-CN"), Title: l.tr("slbdiag doctor", "slbdiag 主机检查"),
		Verdict: Worst(d.Checkups), Colon: strings.TrimSpace(l.colon()), VerifyWord: l.tr("Verify:", "验证："), Footer: o.writtenBy(), Several: len(d.Checkups) > 1}
	for _, c := range d.Checkups {
		doc.Checkups = append(doc.Checkups, doctorHTMLCheckup{doctorView: newDoctorView(c, l), Class: strings.ToLower(c.Verdict())})
	}
	sw := newSafeWriter(w)
	err := doctorHTMLTemplate.Execute(sw, doc)
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return err
}
