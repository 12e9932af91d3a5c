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
	p("%s\n\n", Verdict(r))
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
		p("Read %s: %s, %s, %d frames", in.Name, in.Format, strings.Join(in.LinkTypes, "+"), in.Frames)
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
	if s.MidstreamPackets > 0 {
		p("%d packets of %s connections began before the capture did: counted, not judged.\n", s.MidstreamPackets, atLeast(s.MidstreamConns, s.MidstreamCapped))
	}
}

func atLeast(n int, capped bool) string {
	if capped {
		return fmt.Sprintf("at least %d", n)
	}
	return fmt.Sprint(n)
}

func textFinding(p printer, r *analyze.Result, i int) {
	f := &r.Findings[i]
	p("\nFinding %d: %s (confidence %s)\n", i+1, f.Cause, f.Confidence)
	p("  %s\n", headline(f))
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
	for _, fx := range fixes(f) {
		p("  Fix, %s:\n", fx.Title)
		for n, st := range fx.Steps {
			p("    %d. %s\n", n+1, st.Text)
			for _, c := range st.Commands {
				p("         %s\n", c)
			}
		}
		p("    Verify: %s\n", fx.Verify)
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
		return fmt.Sprintf("%s could not be read to its end; the results cover the %d frames before the damage. %s", fileName(r, w.File), w.Count, w.Detail)
	case analyze.WarnLinkType:
		return fmt.Sprintf("%d frames have link type %s, which slbdiag cannot decode; they were skipped.", w.Count, w.Detail)
	case analyze.WarnPending:
		return fmt.Sprintf("%d attempts sent a single SYN less than %s before the capture ended: not judged (pending). A longer capture decides them.", w.Count, w.Detail)
	case analyze.WarnInterrupted:
		return "Reading was interrupted; the results cover the frames read until then."
	}
	return string(w.Kind)
}
