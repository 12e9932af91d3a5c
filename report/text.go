package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// Text writes the terminal report: the verdict first, then the table of
// destinations, each finding with evidence, why and fix, and warnings.
func Text(w io.Writer, r *analyze.Result) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("%s\n", Verdict(r))
	if len(r.Findings) > 0 {
		if fxs := fixes(&r.Findings[0]); len(fxs) > 0 {
			p("Fix: %s (steps under Finding 1).\n", fxs[0].Title)
		}
	}
	p("\n")
	textInputs(p, r)
	if len(r.Destinations) > 0 {
		p("\nHandshakes by destination (port %s):\n", r.Ports)
		if err := destinationTable(bw, r); err != nil {
			return err
		}
	}
	for i := range r.Findings {
		textFinding(p, r, i)
	}
	textWarnings(p, r)
	return bw.Flush()
}

type printer func(format string, a ...any)

func textInputs(p printer, r *analyze.Result) {
	for _, in := range r.Inputs {
		p("Read %s: %s", in.Name, in.Format)
		if len(in.LinkTypes) > 0 {
			p(", %s", strings.Join(in.LinkTypes, "+"))
		}
		p(", %s", count(in.Frames, "frame"))
		if in.Frames > 0 {
			p(", %s to %s (%s)", in.First.Format(time.DateTime), in.Last.Format(time.TimeOnly), in.Last.Sub(in.First).Round(time.Millisecond))
		}
		p(".\n")
	}
	vips := "inferred (destinations that never send a packet)"
	if r.VIPs != nil {
		vips = ""
		for i, v := range r.VIPs {
			if i > 0 {
				vips += ", "
			}
			vips += v.String()
		}
	}
	s := r.Summary
	p("%d handshake attempts (%d SYN transmissions) to port %s; VIPs: %s. Times are UTC.\n", s.Counts.Total(), s.SynPackets, r.Ports, vips)
	if probes := s.ProbeCounts.Total(); probes > 0 {
		var clients analyze.Counts
		for o := range clients {
			clients[o] = s.Counts[o] - s.ProbeCounts[o]
		}
		p("Health probes: %s (%s). Clients: %s (%s).\n", count(probes, "attempt"), outcomeSummary(s.ProbeCounts),
			count(clients.Total(), "attempt"), outcomeSummary(clients))
	}
	if s.MidstreamPackets > 0 {
		p("%s of %s began before the capture did: counted, not judged.\n", count(s.MidstreamPackets, "packet"), atLeast(s.MidstreamConns, s.MidstreamCapped))
	}
}

// atLeast counts connections, "at least" when the count stopped at its cap.
func atLeast(n int, capped bool) string {
	if capped {
		return "at least " + count(n, "connection")
	}
	return count(n, "connection")
}

func textFinding(p printer, r *analyze.Result, i int) {
	f := &r.Findings[i]
	p("\nFinding %d: %s (confidence %s)\n", i+1, f.Cause, f.Confidence)
	if i > 0 {
		// The first finding's headline is the verdict, already on top.
		p("  %s\n", headline(f))
	}
	p("  Evidence:\n")
	for j := range f.Evidence {
		e := &f.Evidence[j]
		p("  - %s", evidenceText(f, e))
		if len(e.Frames) > 0 {
			p(" Frames: %s.", frameList(r, e.Frames))
		}
		p("\n")
		if e.Filter != "" {
			p("      Wireshark: %s\n", e.Filter)
		}
	}
	for _, k := range f.Missing {
		p("  - %s\n", missingText(f, k))
	}
	p("  Why:\n    %s\n", why(f))
	fxs := fixes(f)
	if f.HostOS != analyze.OSUnknown && len(fxs) > 1 {
		// The host's TTL says which fix applies; the other stays in the
		// JSON report for when the hint is wrong.
		p("  %s sends with TTL %d, as %s does: the %s fix follows (the %s one is in --format json).\n",
			f.HostAddr, f.HostTTL, osName(string(f.HostOS)), osName(fxs[0].Platform), osName(fxs[1].Platform))
		fxs = fxs[:1]
	}
	for _, fx := range fxs {
		writeFix(p, fx, "  ")
	}
}

func textWarnings(p printer, r *analyze.Result) {
	if len(r.Warnings) == 0 {
		return
	}
	p("\nWarnings:\n")
	for _, w := range r.Warnings {
		p("- %s\n", warningText(r, &w))
	}
}

func warningText(r *analyze.Result, w *analyze.Warning) string {
	switch w.Kind {
	case analyze.WarnDamaged:
		return fmt.Sprintf("%s could not be read to its end; the results cover the %s before the damage. %s", fileName(r, w.File), count(w.Count, "frame"), w.Detail)
	case analyze.WarnLinkType:
		return fmt.Sprintf("%s link type %s, which slbdiag cannot decode; skipped.", count(w.Count, "frame has", "frames have"), w.Detail)
	case analyze.WarnPending:
		return fmt.Sprintf("%s a single SYN less than %s before the capture ended: not judged (pending). A longer capture decides.", count(w.Count, "attempt sent", "attempts sent"), w.Detail)
	case analyze.WarnInterrupted:
		return "Reading was interrupted; the results cover the frames read until then."
	case analyze.WarnDuplicates:
		return fmt.Sprintf("%s recorded the same packet more than once (as pktmon does at each stack component, or a SPAN port): %s within %s of the original collapsed, not counted as retransmissions. Frame numbers still count every copy.", fileName(r, w.File), count(w.Count, "copy", "copies"), w.Detail)
	case analyze.WarnDrops:
		return fmt.Sprintf("The capture dropped %s (%s): SYNs or replies may be missing, so some attempts may look unanswered that were not. Capture with a narrower -f filter or a smaller -s snaplen.", count(w.Count, "packet"), w.Detail)
	}
	return string(w.Kind)
}

// osName spells a platform as people write it.
func osName(platform string) string {
	switch platform {
	case "windows":
		return "Windows"
	case "linux":
		return "Linux"
	}
	return platform
}

// outcomeSummary lists the non-zero counts, e.g. "3 completed, 1 unanswered".
func outcomeSummary(c analyze.Counts) string {
	if s := joinCounts(c, func(analyze.Outcome) bool { return true }); s != "" {
		return s
	}
	return "none"
}
