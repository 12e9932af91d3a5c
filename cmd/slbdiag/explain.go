package main

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/report"
)

// Example addresses explain fills the fixes with, from the documentation
// ranges, so that no one mistakes them for their own.
var (
	explainVIP  = netip.MustParseAddrPort("192.0.2.10:443")
	explainHost = netip.MustParseAddr("10.0.0.5")
)

// runExplain prints a cause's explanation and fixes without a capture, or
// the list of causes.
func runExplain(args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return &usageError{cmd: "explain", msg: fmt.Sprintf("explain takes one cause, got %d arguments", len(args))}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintf(stdout, "Usage: slbdiag explain CAUSE\n\nCauses:\n")
		for _, c := range analyze.Causes() {
			fmt.Fprintf(stdout, "  %-24s %s\n", c, report.CauseTitle(c))
		}
		return nil
	}
	for _, c := range analyze.Causes() {
		if string(c) == args[0] {
			return report.Explain(stdout, c, explainVIP, explainHost)
		}
	}
	names := make([]string, 0, len(analyze.Causes()))
	for _, c := range analyze.Causes() {
		names = append(names, string(c))
	}
	return &usageError{cmd: "explain", msg: fmt.Sprintf("unknown cause %q (known: %s)", args[0], strings.Join(names, ", "))}
}
