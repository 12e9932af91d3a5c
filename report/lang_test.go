package report

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/analyze/analyzetest"
)

func TestParseLang(t *testing.T) {
	for _, tt := range []struct {
		name string
		want Lang
		err  string
	}{
		{"en", English, ""},
		{"zh", Chinese, ""},
		{"fr", English, `unknown language "fr" (want one of: en, zh)`},
		{"", English, `unknown language "" (want one of: en, zh)`},
	} {
		got, err := ParseLang(tt.name)
		if errText(err) != tt.err || got != tt.want {
			t.Errorf("ParseLang(%q) = %v, %q; want %v, %q", tt.name, got, errText(err), tt.want, tt.err)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// englishRun is three or more English words in a row: prose. Chinese text
// has identifiers, commands and product names among its words, but never
// three English words together.
var englishRun = regexp.MustCompile(`[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}`)

// verifyCommand is the slbdiag command line a fix's verification quotes.
var verifyCommand = regexp.MustCompile(`slbdiag analyze AFTER\.pcapng[^。]*`)

// proseChecker finds English prose in what should be Chinese.
type proseChecker struct {
	t        *testing.T
	verbatim []string // commands, filters, file names: quoted as they are
	checked  int
}

// leaks returns the English runs in s once verbatim material is removed.
func (c *proseChecker) leaks(s string) []string {
	for _, v := range c.verbatim {
		if v == "" {
			continue
		}
		s = strings.ReplaceAll(s, v, " ")
		// The text report wraps prose, quoted messages included: a line
		// may end at any space of v.
		if words := strings.Fields(v); len(words) > 1 {
			for i := range words {
				words[i] = regexp.QuoteMeta(words[i])
			}
			s = regexp.MustCompile(strings.Join(words, `\s+`)).ReplaceAllString(s, " ")
		}
	}
	s = verifyCommand.ReplaceAllString(s, " ")
	return englishRun.FindAllString(s, -1)
}

// sentence checks one sentence of Chinese prose: it has Chinese in it,
// and no English prose.
func (c *proseChecker) sentence(where, s string) {
	c.t.Helper()
	c.checked++
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		c.t.Errorf("%s: not translated: %q", where, s)
	}
	if l := c.leaks(s); len(l) > 0 {
		c.t.Errorf("%s: English in the Chinese text %q: %q", where, s, l)
	}
	if strings.Contains(s, "%!") {
		c.t.Errorf("%s: bad format: %q", where, s)
	}
}

// document checks a whole rendered report, labels included.
func (c *proseChecker) document(where, s string) {
	c.t.Helper()
	if l := c.leaks(s); len(l) > 0 {
		c.t.Errorf("%s: English in the Chinese report: %q", where, l)
	}
	if strings.Contains(s, "%!") {
		c.t.Errorf("%s: bad format in the report", where)
	}
}

// verbatimOf lists what a result's report quotes as it is.
func verbatimOf(r *analyze.Result) []string {
	var v []string
	for _, in := range r.Inputs {
		v = append(v, in.Name, md(in.Name))
	}
	for _, w := range r.Warnings {
		v = append(v, w.Detail)
	}
	for i := range r.Findings {
		for _, e := range r.Findings[i].Evidence {
			v = append(v, e.Filter)
		}
		for _, fx := range fixes(&r.Findings[i], Chinese) {
			for _, st := range fx.Steps {
				v = append(v, st.Commands...)
			}
		}
	}
	// Longest first, so that a command is removed before a part of it.
	slicesSortByLen(v)
	return v
}

func slicesSortByLen(v []string) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && len(v[j]) > len(v[j-1]); j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// viewProse checks every sentence of a result's Chinese view, and every
// fix, the one the view leaves for JSON included.
func viewProse(c *proseChecker, name string, r *analyze.Result) {
	v := newView(r, Chinese)
	c.sentence(name+" verdict", v.Verdict)
	if v.FixLine != "" {
		c.sentence(name+" fix line", v.FixLine)
	}
	for _, s := range append(v.Inputs, v.Facts...) {
		c.sentence(name+" summary", s)
	}
	for _, s := range v.Header[:3] {
		c.sentence(name+" table header", s)
	}
	for _, row := range v.Rows {
		if row[1] != "VIP" {
			c.sentence(name+" role", row[1])
		}
	}
	for _, f := range v.Findings {
		c.sentence(name+" confidence", f.Confidence)
		c.sentence(name+" headline", f.Headline)
		c.sentence(name+" why", f.Why)
		if f.HostNote != "" {
			c.sentence(name+" host note", f.HostNote)
		}
		for _, e := range f.Evidence {
			c.sentence(name+" evidence", e.Text)
		}
		for _, m := range f.Missing {
			c.sentence(name+" not observed", m)
		}
	}
	for i := range r.Findings {
		for _, fx := range fixes(&r.Findings[i], Chinese) {
			fixProse(c, name, fx)
		}
	}
	for _, w := range v.Warnings {
		c.sentence(name+" warning", w)
	}
	for _, comments := range EvidenceComments(r, Chinese) {
		for _, s := range comments {
			c.sentence(name+" evidence comment", s)
		}
	}
}

func fixProse(c *proseChecker, name string, fx Fix) {
	c.sentence(name+" fix title", fx.Title)
	c.sentence(name+" verify", fx.Verify)
	for _, st := range fx.Steps {
		c.sentence(name+" fix step", st.Text)
	}
}

// htmlText is a page's text and its human attributes, one node a line.
func htmlText(t *testing.T, page []byte) string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if n.Parent == nil || n.Parent.Data != "style" {
				b.WriteString(n.Data + "\n")
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				if a.Key == "aria-label" || a.Key == "title" {
					b.WriteString(a.Val + "\n")
				}
			}
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(doc)
	return b.String()
}

// jsonProse collects the values of the human-text fields of a JSON report.
func jsonProse(t *testing.T, doc []byte) []string {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	human := map[string]bool{"verdict": true, "summary": true, "text": true, "why": true, "title": true, "verify": true}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && human[k] {
					out = append(out, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// renderedProse checks each rendered format of a result in Chinese, and
// that the same check does find English in the English report, so that
// it cannot pass for want of looking.
func renderedProse(c *proseChecker, name string, r *analyze.Result) {
	for _, format := range []string{"text", "markdown", "html", "json"} {
		render, _ := Lookup(format)
		for _, lang := range []Lang{Chinese, English} {
			var b bytes.Buffer
			if err := render(&b, r, Options{Lang: lang}); err != nil {
				c.t.Fatal(err)
			}
			doc := b.String()
			switch format {
			case "html":
				doc = htmlText(c.t, b.Bytes())
			case "json":
				prose := jsonProse(c.t, b.Bytes())
				if lang == Chinese {
					for _, s := range prose {
						c.sentence(name+" json", s)
					}
				}
				doc = strings.Join(prose, "\n")
			}
			where := name + " " + format
			if lang == English {
				if len(c.leaks(doc)) == 0 {
					c.t.Errorf("%s: the check finds no English prose in the English report: it checks nothing", where)
				}
				continue
			}
			c.document(where, doc)
		}
	}
}

// TestChineseReportsHaveNoEnglishProse renders every bundled capture in
// Chinese and checks that each sentence is translated and that no English
// prose is left in any format.
func TestChineseReportsHaveNoEnglishProse(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "pcaps", "*.*cap*"))
	if len(paths) < 10 {
		t.Fatalf("only %d captures found", len(paths))
	}
	for _, path := range paths {
		r := analyzeFile(t, path)
		c := &proseChecker{t: t, verbatim: verbatimOf(r)}
		name := filepath.Base(path)
		viewProse(c, name, r)
		renderedProse(c, name, r)
		if c.checked < 5 {
			t.Errorf("%s: only %d sentences checked", name, c.checked)
		}
	}
}

// TestChineseCoversEveryKind writes every cause, evidence kind, missing
// evidence and warning slbdiag knows in Chinese, bundled capture or not.
func TestChineseCoversEveryKind(t *testing.T) {
	vip, host := netip.MustParseAddrPort("192.0.2.10:443"), netip.MustParseAddr("10.0.0.5")
	missing := analyzetest.MissingKinds()
	warnings := analyzetest.WarningKinds()
	r := &analyze.Result{Ports: "443", Inputs: []analyze.InputInfo{{Name: "x.pcap", Format: "pcap"}}}
	for _, k := range warnings {
		r.Warnings = append(r.Warnings, analyze.Warning{Kind: k, Count: 2, Detail: "x.pcap: truncated after frame 6"})
	}
	for _, cause := range analyze.Causes() {
		for _, os := range []analyze.OSHint{analyze.OSWindows, analyze.OSLinux} {
			f := analyze.Finding{Cause: cause, Confidence: analyze.Medium, Server: vip, HostAddr: host, HostOS: os, HostTTL: 64,
				Via: "00:15:5d:01:02:05", Attempts: 3, Syns: 9, Clients: 2, Missing: missing}
			f.Evidence = everyEvidence(host)
			r.Findings = append(r.Findings, f)
		}
	}
	// Host-fact evidence names the command that shows the fact, as it is.
	c := &proseChecker{t: t, verbatim: append(verbatimOf(r), "appcmd list site", "netsh interface ipv4 show interface")}
	viewProse(c, "every kind", r)
	renderedProse(c, "every kind", r)

	for _, cause := range analyze.Causes() {
		var zh, en bytes.Buffer
		if err := Explain(&zh, cause, vip, host, Chinese); err != nil {
			t.Fatal(err)
		}
		if err := Explain(&en, cause, vip, host, English); err != nil {
			t.Fatal(err)
		}
		title, pattern := causeText(cause, Chinese)
		f := exampleFinding(cause, vip, host)
		c := &proseChecker{t: t, verbatim: verbatimOf(&analyze.Result{Findings: []analyze.Finding{*f}})}
		c.sentence(string(cause)+" title", title)
		c.sentence(string(cause)+" pattern", pattern)
		c.sentence(string(cause)+" why", why(f, Chinese))
		c.document("explain "+string(cause), zh.String())
		if len(c.leaks(en.String())) == 0 {
			t.Errorf("explain %s: the check finds no English prose in English: it checks nothing", cause)
		}
	}
	var list bytes.Buffer
	if err := ListCauses(&list, Chinese); err != nil {
		t.Fatal(err)
	}
	c.document("explain list", list.String())
}

// everyEvidence is one piece of evidence of every kind; those read from
// host facts carry a fact.
func everyEvidence(host netip.Addr) []analyze.Evidence {
	var es []analyze.Evidence
	for _, k := range analyzetest.EvidenceKinds() {
		if !k.Observable() {
			continue
		}
		e := analyze.Evidence{Kind: k, Count: 2, Attempts: 2, Addr: host, MAC: "00:15:5d:01:02:05", Filter: "ip.dst==192.0.2.10",
			Alerts: []uint8{112}, DelayMax: 3 * time.Second, DelayMean: time.Second}
		if strings.HasPrefix(string(k), "host-fact-") {
			e.Fact = &analyze.Fact{Iface: analyze.HostIface{Index: 12, Name: "Ethernet"}, Setting: "weakhostreceive", Value: "disabled"}
		}
		es = append(es, e)
	}
	return es
}

// TestEveryKindHasText: every cause has its title, pattern, headline, why
// and fixes, and every evidence, missing evidence and warning kind its
// sentence, in every language: a kind without text fails here rather than
// printing its raw id in a report.
func TestEveryKindHasText(t *testing.T) {
	vip, host := netip.MustParseAddrPort("192.0.2.10:443"), netip.MustParseAddr("10.0.0.5")
	for _, l := range languages(t) {
		for _, cause := range analyze.Causes() {
			if ct, ok := textsOf[cause]; !ok || ct.about == nil || ct.headline == nil || ct.why == nil || ct.windows == nil || ct.linux == nil {
				t.Errorf("%s: no cause_*.go file declares all its texts", cause)
				continue
			}
			f := analyze.Finding{Cause: cause, Confidence: analyze.Medium, Server: vip, HostAddr: host, Attempts: 3, Syns: 9, Clients: 2,
				Evidence: everyEvidence(host), Missing: analyzetest.MissingKinds()}
			title, pattern := causeText(cause, l)
			if title == "" || pattern == "" {
				t.Errorf("%v %s: no title or pattern", l, cause)
			}
			if h := headline(&f, l); strings.HasPrefix(h, string(cause)) || strings.Contains(h, "："+string(cause)+"。") {
				t.Errorf("%v %s: no headline of its own: %q", l, cause, h)
			}
			if why(&f, l) == "" {
				t.Errorf("%v %s: no why", l, cause)
			}
			if len(fixes(&f, l)) == 0 {
				t.Errorf("%v %s: no fix", l, cause)
			}
			for i := range f.Evidence {
				if e := &f.Evidence[i]; evidenceText(&f, e, l) == string(e.Kind) {
					t.Errorf("%v %s: evidence %s has no text", l, cause, e.Kind)
				}
			}
			for _, k := range f.Missing {
				if missingText(&f, k, l) == string(k) {
					t.Errorf("%v %s: missing %s has no text", l, cause, k)
				}
			}
		}
		for _, k := range analyzetest.WarningKinds() {
			r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: "x.pcap"}},
				Warnings: []analyze.Warning{{Kind: k, Count: 2, Detail: "strong-host-receive"}}}
			for _, w := range newView(r, l).Warnings {
				if w == "" || w == string(k) {
					t.Errorf("%v: warning %s has no text", l, k)
				}
			}
		}
	}
}
