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
	Verdict  string
	Problem  bool
	FixLine  string   // the top finding's first fix, by title; empty without one
	Inputs   []string // one sentence per input file
	Facts    []string // attempts, probes against clients, mid-stream traffic
	Ports    string
	Header   []string   // destination table
	Rows     [][]string // one per destination
	Findings []viewFinding
	Warnings []string
}

type viewFinding struct {
	N          int
	Cause      string
	Confidence string
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

func newView(r *analyze.Result) *view {
	v := &view{Verdict: Verdict(r), Problem: r.Problem(), Ports: r.Ports}
	if len(r.Findings) > 0 {
		if fxs := fixes(&r.Findings[0]); len(fxs) > 0 {
			v.FixLine = fxs[0].Title
		}
	}
	for _, in := range r.Inputs {
		s := fmt.Sprintf("Read %s: %s", in.Name, in.Format)
		if len(in.LinkTypes) > 0 {
			s += ", " + strings.Join(in.LinkTypes, "+")
		}
		s += ", " + count(in.Frames, "frame")
		if in.Frames > 0 {
			s += fmt.Sprintf(", %s to %s (%s)", in.First.Format(time.DateTime), in.Last.Format(time.TimeOnly), in.Last.Sub(in.First).Round(time.Millisecond))
		}
		v.Inputs = append(v.Inputs, s+".")
	}
	v.Facts = facts(r)
	v.Header = []string{"destination", "role", "total"}
	for _, o := range analyze.Outcomes() {
		v.Header = append(v.Header, o.String())
	}
	for _, d := range r.Destinations {
		row := []string{d.Server.String(), roleName(d.Role), fmt.Sprint(d.Counts.Total())}
		for _, n := range d.Counts {
			row = append(row, fmt.Sprint(n))
		}
		v.Rows = append(v.Rows, row)
	}
	for i := range r.Findings {
		v.Findings = append(v.Findings, findingView(r, i))
	}
	for _, w := range r.Warnings {
		v.Warnings = append(v.Warnings, warningText(r, &w))
	}
	return v
}

func facts(r *analyze.Result) []string {
	vips := "inferred (destinations that never send a packet)"
	if r.VIPs != nil {
		var list []string
		for _, p := range r.VIPs {
			list = append(list, p.String())
		}
		vips = strings.Join(list, ", ")
	}
	s := r.Summary
	out := []string{fmt.Sprintf("%d handshake attempts (%d SYN transmissions) to port %s; VIPs: %s. Times are UTC.", s.Counts.Total(), s.SynPackets, r.Ports, vips)}
	if probes := s.ProbeCounts.Total(); probes > 0 {
		var clients analyze.Counts
		for o := range clients {
			clients[o] = s.Counts[o] - s.ProbeCounts[o]
		}
		out = append(out, fmt.Sprintf("Health probes: %s (%s). Clients: %s (%s).", count(probes, "attempt"), outcomeSummary(s.ProbeCounts),
			count(clients.Total(), "attempt"), outcomeSummary(clients)))
	}
	if s.MidstreamPackets > 0 {
		out = append(out, fmt.Sprintf("%s of %s began before the capture did: counted, not judged.", count(s.MidstreamPackets, "packet"), atLeast(s.MidstreamConns, s.MidstreamCapped)))
	}
	return out
}

func findingView(r *analyze.Result, i int) viewFinding {
	f := &r.Findings[i]
	fv := viewFinding{N: i + 1, Cause: string(f.Cause), Confidence: string(f.Confidence), Headline: headline(f), Why: why(f)}
	for j := range f.Evidence {
		e := &f.Evidence[j]
		fv.Evidence = append(fv.Evidence, viewEvidence{Text: evidenceText(f, e), Frames: frameList(r, e.Frames), Filter: e.Filter})
	}
	for _, k := range f.Missing {
		fv.Missing = append(fv.Missing, missingText(f, k))
	}
	fv.Fixes = fixes(f)
	if f.HostOS != analyze.OSUnknown && len(fv.Fixes) > 1 {
		// The host's TTL says which fix applies; the other stays in the
		// JSON report for when the hint is wrong.
		fv.HostNote = fmt.Sprintf("%s sends with TTL %d, as %s does: the %s fix follows (the %s one is in --format json).",
			f.HostAddr, f.HostTTL, osName(string(f.HostOS)), osName(fv.Fixes[0].Platform), osName(fv.Fixes[1].Platform))
		fv.Fixes = fv.Fixes[:1]
	}
	return fv
}

// atLeast counts connections, "at least" when the count stopped at its cap.
func atLeast(n int, capped bool) string {
	if capped {
		return "at least " + count(n, "connection")
	}
	return count(n, "connection")
}
