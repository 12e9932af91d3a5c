package main

import (
	"errors"
	"flag"
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
	fs := newCmdFlags("explain", cmdHelp{
		about: "Prints a cause's pattern in a capture, its explanation and its fixes, filled with example addresses; without CAUSE, the list of causes.",
		examples: []example{
			{"slbdiag explain", "the causes slbdiag recognises, one line each"},
			{"slbdiag explain strong-host-receive", "why SYNs to a VIP are dropped by the strong host model, and the fixes"},
			{"slbdiag explain --lang zh no-listener-on-vip", "the same for another cause, in Simplified Chinese"},
		},
		operands: []operand{{"CAUSE", "a cause id, as reports name it (strong-host-receive, …)"}},
	})
	fs.group(groupOutput)
	lang := langFlag(fs)
	var causes []string
	for {
		if err := parseFlags(fs, args, stdout); errors.Is(err, flag.ErrHelp) {
			return nil
		} else if err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		causes = append(causes, fs.Arg(0))
		args = fs.Args()[1:]
	}
	l, err := report.ParseLang(*lang)
	if err != nil {
		return &usageError{cmd: "explain", msg: fmt.Sprintf("--lang: %v", err)}
	}
	if len(causes) > 1 {
		return &usageError{cmd: "explain", msg: fmt.Sprintf("explain takes one cause, got %d arguments", len(causes))}
	}
	if len(causes) == 0 {
		return report.ListCauses(stdout, l)
	}
	for _, c := range analyze.Causes() {
		if string(c) == causes[0] {
			return report.Explain(stdout, c, explainVIP, explainHost, l)
		}
	}
	names := make([]string, 0, len(analyze.Causes()))
	for _, c := range analyze.Causes() {
		names = append(names, string(c))
	}
	return &usageError{cmd: "explain", msg: fmt.Sprintf("unknown cause %q (known: %s)", causes[0], strings.Join(names, ", "))}
}
