package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// The HTML report is one self-contained file: inline CSS and SVG, no
// script, nothing fetched. html/template escapes everything that comes
// from the capture.

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

type htmlDoc struct {
	*view
	HTMLLang string // the lang attribute
	Footer   string // which slbdiag wrote the page; "" for none
	Timeline *timeline
	Ladders  []ladder
}

// Tr picks the template's own words for the report's language, written
// side by side in the template as {{$.Tr "English" "中文"}}. They are the
// template's constants, never text from a capture, so they are markup.
func (d htmlDoc) Tr(en, zh string) template.HTML { return template.HTML(d.Lang.tr(en, zh)) }

// FixHeading introduces a fix's steps, as the text report does.
func (d htmlDoc) FixHeading(title string) string { return fixHeading(title, d.Lang) }

// htmlPage writes the report as one self-contained HTML page with a timeline
// of the attempts and a ladder diagram of one attempt per outcome.
func htmlPage(w io.Writer, r *analyze.Result, o Options) error {
	l := o.Lang
	doc := htmlDoc{view: newView(r, l), HTMLLang: l.tr("en", "zh-CN"), Footer: o.writtenBy(), Timeline: newTimeline(r, l)}
	for _, o := range analyze.Outcomes() {
		if a := ladderExample(r, o); a != nil {
			doc.Ladders = append(doc.Ladders, newLadder(r, a, l))
		}
	}
	return htmlTemplate.Execute(w, doc)
}

// ladderExample is the attempt of outcome o to draw: a client's when there
// is one, since the clients are who the report is about, else a probe's.
func ladderExample(r *analyze.Result, o analyze.Outcome) *analyze.Attempt {
	var probe *analyze.Attempt
	for i := range r.Examples {
		a := &r.Examples[i]
		switch {
		case a.Outcome != o:
		case !r.ProbeNets.Contains(a.Client.Addr()):
			return a
		case probe == nil:
			probe = a
		}
	}
	return probe
}

// Timeline geometry, in SVG user units.
const (
	tlWidth = 760
	tlLeft  = 190 // room for the rows' names: "clients: synack-no-ack (1234)"
	tlRight = 20
	tlRowH  = 26
)

type timeline struct {
	Width, Height int
	Left, Right   int
	AxisY         int
	Start, End    string
	Bin           string // the width of one bin, as text
	Rows          []timelineRow
}

type timelineRow struct {
	Y, TextY    int
	Name, Class string // Class is the outcome, which colours the dots
	Count       int
	Dots        []timelineDot
}

// timelineGroup is whose attempts a timeline row counts: everyone's, the
// clients' or the health probes'.
type timelineGroup struct {
	label string // before the outcome's name: "", "clients: ", "probes: "
	probe bool
	split bool
}

func timelineGroups(split bool, l Lang) []timelineGroup {
	if !split {
		return []timelineGroup{{}}
	}
	return []timelineGroup{{label: l.tr("clients: ", "客户端："), split: true}, {label: l.tr("probes: ", "探测："), probe: true, split: true}}
}

// total is the group's number of attempts of outcome o.
func (g timelineGroup) total(s analyze.Summary, o analyze.Outcome) int {
	switch {
	case !g.split:
		return s.Counts[o]
	case g.probe:
		return s.ProbeCounts[o]
	}
	return s.Counts[o] - s.ProbeCounts[o]
}

// bin is the group's number of attempts of outcome o in bin i.
func (g timelineGroup) bin(tl *analyze.Timeline, i int, o analyze.Outcome) int {
	switch {
	case !g.split:
		return tl.Bins[i][o]
	case g.probe:
		return tl.ProbeBins[i][o]
	}
	return tl.Bins[i][o] - tl.ProbeBins[i][o]
}

// timelineDot is one bin's attempts of one outcome: its area grows with
// their number, its title says it exactly.
type timelineDot struct {
	X, R  float64
	Title string
}

// newTimeline places the attempts on a time axis by their first SYN, one
// row per outcome that occurred, one dot per bin of the Result's
// timeline: every attempt is in a dot, none is sampled.
func newTimeline(r *analyze.Result, l Lang) *timeline {
	tl := r.Timeline
	if tl == nil {
		return nil
	}
	// The axis spans the capture; a bin's dot sits at its middle, clamped
	// to the capture's end.
	start, end := r.Summary.Start, r.Summary.End
	span := end.Sub(start)
	t := &timeline{Width: tlWidth, Left: tlLeft, Right: tlWidth - tlRight,
		Start: start.UTC().Format(time.DateTime), End: "+" + span.Round(time.Millisecond).String(), Bin: tl.Bin.String()}
	x := func(i int) float64 {
		if span <= 0 {
			return tlLeft
		}
		mid := min(tl.Start.Add(tl.Bin*time.Duration(i)+tl.Bin/2).Sub(start), span)
		return tlLeft + float64(tlWidth-tlLeft-tlRight)*float64(max(mid, 0))/float64(span)
	}
	// Probes and clients get rows of their own: "probes pass, clients
	// fail" is the comparison that tells most.
	split := r.Summary.ProbeCounts.Total() > 0 && len(tl.ProbeBins) == len(tl.Bins)
	for _, g := range timelineGroups(split, l) {
		for _, o := range analyze.Outcomes() {
			n := g.total(r.Summary, o)
			if n == 0 {
				continue
			}
			row := timelineRow{Name: g.label + o.String(), Class: o.String(), Count: n, Y: len(t.Rows)*tlRowH + 10}
			row.TextY = row.Y + 4
			most := 0
			for i := range tl.Bins {
				most = max(most, g.bin(tl, i, o))
			}
			for i := range tl.Bins {
				k := g.bin(tl, i, o)
				if k == 0 {
					continue
				}
				from := tl.Start.Add(tl.Bin * time.Duration(i)).Sub(start).Round(time.Millisecond)
				to := tl.Start.Add(tl.Bin * time.Duration(i+1)).Sub(start).Round(time.Millisecond)
				row.Dots = append(row.Dots, timelineDot{
					X: x(i),
					R: 3 + 5*math.Sqrt(float64(k)/float64(most)),
					Title: l.tr(fmt.Sprintf("%s%s %s, first SYN between +%s and +%s", g.label, count(k, "attempt"), o, from, to),
						fmt.Sprintf("%s%d 个 %s 连接尝试，第一个 SYN 在 +%s 到 +%s 之间", g.label, k, o, from, to)),
				})
			}
			t.Rows = append(t.Rows, row)
		}
	}
	t.AxisY = len(t.Rows)*tlRowH + 4
	t.Height = t.AxisY + 22
	return t
}

// Ladder geometry.
const (
	ldWidth  = 760
	ldClient = 150
	ldServer = 470
	ldOther  = 680
	ldStepH  = 56
)

type ladder struct {
	Outcome string
	Width   int
	Height  int
	Lanes   []lane
	Arrows  []arrow
}

type lane struct {
	X      int
	Label  string
	Bottom int
}

type arrow struct {
	X1, X2, Y, TextX, TextY int
	Label                   string
	Lost                    bool // drawn dashed, ending in a cross: nothing came back
}

// newLadder draws one attempt as a sequence diagram: the SYN (and its
// retransmissions), then whatever decided its outcome.
func newLadder(r *analyze.Result, a *analyze.Attempt, lg Lang) ladder {
	l := ladder{Outcome: a.Outcome.String(), Width: ldWidth}
	who := lg.tr("client ", "客户端 ")
	if r.ProbeNets.Contains(a.Client.Addr()) {
		who = lg.tr("health probe ", "健康检查探测 ")
	}
	l.Lanes = []lane{{X: ldClient, Label: who + a.Client.String()}, {X: ldServer, Label: lg.tr("server ", "服务器 ") + a.Server.String()}}
	replyX := ldServer
	if a.ReplySrc.IsValid() && a.ReplySrc != a.Server.Addr() {
		replyX = ldOther
		l.Lanes = append(l.Lanes, lane{X: ldOther, Label: a.ReplySrc.String()})
	}
	y := 60
	add := func(from, to int, label string, lost bool) {
		ar := arrow{X1: from, X2: to, Y: y, Label: label, Lost: lost, TextY: y - 6}
		ar.TextX = (from + to) / 2
		l.Arrows = append(l.Arrows, ar)
		y += ldStepH
	}
	since := func(ts time.Time) string { return "+" + ts.Sub(a.FirstTS).Round(100*time.Microsecond).String() }
	first := frameName(r, a.First)
	add(ldClient, ldServer, lg.tr(fmt.Sprintf("SYN, frame %s", first), fmt.Sprintf("SYN，帧 %s", first)), false)
	if a.Syns > 1 {
		last, at := frameName(r, a.LastSyn), since(a.LastSynTS)
		add(ldClient, ldServer, lg.tr(fmt.Sprintf("SYN sent %d times in all, the last at %s, frame %s", a.Syns, at, last),
			fmt.Sprintf("SYN 共发送 %d 次，最后一次在 %s，帧 %s", a.Syns, at, last)), false)
	}
	reply, at := frameName(r, a.Reply), since(a.ReplyTS)
	switch a.Outcome {
	case analyze.Completed, analyze.SynAckNoAck, analyze.WrongSource:
		add(replyX, ldClient, lg.tr(fmt.Sprintf("SYN-ACK from %s at %s, frame %s", a.ReplySrc, at, reply),
			fmt.Sprintf("SYN-ACK 来自 %s，%s，帧 %s", a.ReplySrc, at, reply)), false)
	case analyze.Refused:
		add(replyX, ldClient, lg.tr(fmt.Sprintf("RST at %s, frame %s", at, reply), fmt.Sprintf("RST，%s，帧 %s", at, reply)), false)
	case analyze.Unreachable:
		add(replyX, ldClient, lg.tr(fmt.Sprintf("ICMP unreachable from %s at %s, frame %s", a.ReplySrc, at, reply),
			fmt.Sprintf("ICMP 不可达，来自 %s，%s，帧 %s", a.ReplySrc, at, reply)), false)
	case analyze.Unanswered, analyze.Pending:
		add(ldServer, ldClient, lg.tr("no reply in the capture", "抓包中没有应答"), true)
	}
	switch {
	case a.Outcome == analyze.Completed && !a.Ack.IsZero():
		ack := frameName(r, a.Ack)
		add(ldClient, ldServer, lg.tr(fmt.Sprintf("ACK, frame %s", ack), fmt.Sprintf("ACK，帧 %s", ack)), false)
	case a.Outcome == analyze.SynAckNoAck:
		add(ldClient, ldServer, lg.tr("no ACK from the client", "客户端没有回 ACK"), true)
	}
	l.Height = y
	for i := range l.Lanes {
		l.Lanes[i].Bottom = y - 10
	}
	return l
}
