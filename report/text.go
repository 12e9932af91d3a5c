package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/slbdiag/slbdiag/analyze"
)

// Text writes the terminal report: the verdict first, then the table of
// destinations, each finding with evidence, why and fix, and warnings.
func Text(w io.Writer, r *analyze.Result) error {
	v := newView(r)
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("%s\n", v.Verdict)
	if v.FixLine != "" {
		p("Fix: %s (steps under Finding 1).\n", v.FixLine)
	}
	p("\n")
	for _, s := range append(v.Inputs, v.Facts...) {
		p("%s\n", s)
	}
	if len(v.Rows) > 0 {
		p("\nHandshakes by destination (port %s):\n", v.Ports)
		if err := destinationTable(bw, v); err != nil {
			return err
		}
	}
	for _, f := range v.Findings {
		textFinding(p, f)
	}
	if len(v.Warnings) > 0 {
		p("\nWarnings:\n")
		for _, s := range v.Warnings {
			p("- %s\n", s)
		}
	}
	return bw.Flush()
}

type printer func(format string, a ...any)

func textFinding(p printer, f viewFinding) {
	p("\nFinding %d: %s (confidence %s)\n", f.N, f.Cause, f.Confidence)
	if f.N > 1 {
		// The first finding's headline is the verdict, already on top.
		p("  %s\n", f.Headline)
	}
	p("  Evidence:\n")
	for _, e := range f.Evidence {
		p("  - %s", e.Text)
		if e.Frames != "" {
			p(" Frames: %s.", e.Frames)
		}
		p("\n")
		if e.Filter != "" {
			p("      Wireshark: %s\n", e.Filter)
		}
	}
	for _, m := range f.Missing {
		p("  - %s\n", m)
	}
	p("  Why:\n    %s\n", f.Why)
	if f.HostNote != "" {
		p("  %s\n", f.HostNote)
	}
	for _, fx := range f.Fixes {
		writeFix(p, fx, "  ")
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
