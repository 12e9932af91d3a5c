package report

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/slbdiag/slbdiag/analyze"
)

// hostileResult is a result whose capture-given strings try to inject
// markup: an input file name, as a customer may send.
func hostileResult() *analyze.Result {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	c := netip.MustParseAddrPort("198.51.100.23:50000")
	s := netip.MustParseAddrPort("192.0.2.10:443")
	r := &analyze.Result{
		Ports:  "443",
		Inputs: []analyze.InputInfo{{Name: `<script>alert(1)</script>|*_[x](http://e.example/)`, Format: "pcap", Frames: 2, First: t0, Last: t0.Add(3 * time.Second)}},
		Examples: []analyze.Attempt{{Client: c, Server: s, ISN: 1, Outcome: analyze.Unanswered, Syns: 2,
			First: analyze.FrameRef{Frame: 1}, FirstTS: t0, LastSyn: analyze.FrameRef{Frame: 2}, LastSynTS: t0.Add(3 * time.Second)}},
	}
	r.Summary.Frames, r.Summary.Start, r.Summary.End = 2, t0, t0.Add(3*time.Second)
	r.Summary.Counts[analyze.Unanswered] = 1
	return r
}

// elements parses a page and returns its elements' names, failing on
// anything a self-contained report must not have.
func checkSelfContained(t *testing.T, page []byte) map[string]int {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			seen[n.Data]++
			for _, a := range n.Attr {
				if a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#")) || strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s %s=%q>: the report must not load or run anything", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, bad := range []string{"script", "iframe", "link", "img", "object", "embed"} {
		if seen[bad] > 0 {
			t.Errorf("the report has %d <%s> elements", seen[bad], bad)
		}
	}
	return seen
}

func TestHTMLEscapesCaptureStrings(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, hostileResult(), Options{}); err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, b.Bytes())
	if !strings.Contains(b.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the file name is not escaped as text")
	}
}

func TestMarkdownEscapesCaptureStrings(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, hostileResult(), Options{}); err != nil {
		t.Fatal(err)
	}
	// Markup is escaped with a backslash, so the raw text still reads.
	for _, raw := range []string{"<script>", "[x](http", "|*_"} {
		if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(raw)).MatchString(b.String()) {
			t.Errorf("markdown carries %q unescaped:\n%s", raw, b.String())
		}
	}
	if !strings.Contains(b.String(), `\<script>alert(1)\</script>\|\*\_\[x](http://e.example/)`) {
		t.Errorf("the file name is not escaped as text:\n%s", b.String())
	}
}

func TestHTMLSeedReport(t *testing.T) {
	page := renderSeed(t, HTML)
	seen := checkSelfContained(t, page)
	if seen["svg"] < 2 || seen["table"] != 1 || seen["circle"] != 7 {
		t.Errorf("want a timeline and ladders (svg ≥ 2), one table and 7 timeline dots; got %v", seen)
	}
	for _, want := range []string{`id="verdict" class="verdict problem">PROBLEM: 9 SYNs in 3 attempts`, "weakhostreceive=enabled", "<h3>unanswered</h3>", "<h3>completed</h3>",
		// Probes and clients apart, in the timeline and in the ladders.
		">clients: unanswered (3)</text>", ">probes: completed (4)</text>",
		">health probe 100.100.110.5:40001</text>", ">client 198.51.100.23:50001</text>",
		"@media print"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// renderSeed renders the seed scenario's capture with a renderer.
func renderSeed(t *testing.T, render Renderer) []byte {
	t.Helper()
	r := analyzeFile(t, filepath.Join("..", "testdata", "pcaps", "seed-strong-host.pcapng"))
	var b bytes.Buffer
	if err := render(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHTMLInChromium renders the seed report in headless Chromium: the
// page must load, show the verdict and the destination table in its DOM,
// and give a screenshot. Skipped where Chromium is not installed (Debian
// package chromium).
func TestHTMLInChromium(t *testing.T) {
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Skip("chromium not installed (Debian package chromium)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, renderSeed(t, HTML), 0o644); err != nil {
		t.Fatal(err)
	}
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + filepath.Join(dir, "profile")}
	dom, err := exec.Command(chromium, append(common, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	for _, want := range []string{`id="verdict"`, "PROBLEM: 9 SYNs", `id="destinations"`, "192.0.2.10:443", `id="timeline"`} {
		if !bytes.Contains(dom, []byte(want)) {
			t.Errorf("the rendered DOM lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "report.png")
	if out, err := exec.Command(chromium, append(common, "--screenshot="+shot, "--window-size=1100,1600", "file://"+page)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10000 {
		t.Fatalf("no screenshot (%d bytes, %v)", len(png), err)
	}
	if dst := os.Getenv("SLBDIAG_SCREENSHOT"); dst != "" {
		os.WriteFile(dst, png, 0o644)
	}
}

// TestLaddersEarly: the ladder diagrams, the page's picture of what went
// wrong, come right after the table of destinations, before the timeline
// and the findings' long text.
func TestLaddersEarly(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	var b bytes.Buffer
	if err := HTML(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	table, ladders, finding := strings.Index(page, `id="destinations"`), strings.Index(page, `class="ladder"`), strings.Index(page, `id="finding-1"`)
	if table < 0 || ladders < table || finding < ladders {
		t.Errorf("destinations at %d, ladders at %d, finding 1 at %d: want the ladders between", table, ladders, finding)
	}
}
