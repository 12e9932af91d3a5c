// Command slbdiag finds TCP handshakes to a load balancer VIP that failed in
// packet captures, and explains why and how to fix it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/slbdiag/slbdiag/collect"
	"github.com/slbdiag/slbdiag/internal/english"
)

// Exit codes of DESIGN.md.
const (
	exitOK       = 0
	exitProblems = 1
	exitError    = 2
	exitNothing  = 3 // nothing to judge: no SYN to the watched ports got an outcome
)

// memoryLimit is the Go heap's soft limit: what slbdiag keeps alive is
// bounded (open attempts, finished attempts' keys, destinations, exact
// client sets: see analyze/tracker.go), but without a limit the garbage
// collector lets the heap grow to twice that before it collects, and a
// SYN flood then peaks well past 256 MiB. With it every bench/run.sh
// capture stays under 256 MiB of RSS. GOMEMLIMIT in the environment
// overrides it.
const memoryLimit = 200 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// A hang-up (the ssh session under an interactive watch drops) stops
	// a run as SIGTERM does: what was seen is reported, nothing is lost.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// The first signal asks for the report on what was read; a second one
	// ends the process whatever it waits for (a C call, a stalled peer).
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errProblems is returned when the analysis found failed handshakes; the
// report already said so, so nothing more is printed.
var errProblems = errors.New("problems found")

// errNothingJudged is returned when no handshake could be judged; the
// report already said so ("NO DATA").
var errNothingJudged = errors.New("nothing to judge")

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errProblems):
		return exitProblems
	case errors.Is(err, errNothingJudged):
		return exitNothing
	}
	printError(stderr, err)
	return exitError
}

// run is slbdiag without a process: it parses args, does the work and
// returns nil, errProblems or the error to report.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		writeUsage(stderr)
		return &usageError{msg: "no command given"}
	}
	name := args[0]
	switch name {
	case "-version", "--version":
		name = "version"
	case "-h", "-help", "--help":
		name = "help"
	}
	if name == "help" {
		if len(args) > 1 && args[1] != "help" {
			// slbdiag help analyze is slbdiag analyze -h.
			return run(ctx, []string{args[1], "-h"}, stdin, stdout, stderr)
		}
		writeUsage(stdout)
		return nil
	}
	var names []string
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
		names = append(names, c.name)
	}
	ue := &usageError{msg: fmt.Sprintf("unknown command %q", name)}
	if near := nearest(name, names); near != nil {
		ue.hints = []string{"did you mean " + english.Or(near) + "?"}
	}
	return ue
}

// command is a subcommand: its usage lines (after "slbdiag "), what it is
// for, and how it runs. The list of commands and each command's usage
// lines come from here.
type command struct {
	name    string
	usage   []string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"analyze", []string{"analyze [flags] FILE..."}, "replay pcap/pcapng captures and pktmon/netsh .etl traces (\"-\" reads stdin; -r FILE as tcpdump)", runAnalyze},
		{"convert", []string{"convert [--redact] [--redact-sni] IN OUT.pcapng"}, "write a capture or a pktmon/netsh .etl trace as pcapng, for Wireshark (frames as analyze numbers them)", runConvert},
		{"capture", []string{"capture -i IFACE [flags]"}, "capture live on this host, then report (Ctrl-C, -c or -d stops)",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runCapture(ctx, args, stdout, stderr)
			}},
		{"watch", []string{"watch -i IFACE --out DIR [flags]"}, "capture until stopped; on failed handshakes, write an incident (the packets around them and their report) to DIR",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runWatch(ctx, args, stdout, stderr)
			}},
		{"doctor", []string{"doctor --vip VIP [flags]"}, "read this host's configuration (or its saved facts) and say whether it accepts and answers the VIP",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runDoctor(ctx, args, stdout, stderr)
			}},
		{"collect", []string{"collect --print-script " + strings.Join(collect.Names(), "|") + " [-o FILE]", "collect --vip VIP [--port 443] [-o FILE]"},
			"print a collector script for a host slbdiag does not run on, or write this host's facts file for doctor",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runCollect(ctx, args, stdout, stderr)
			}},
		{"interfaces", []string{"interfaces [--format text|json]"}, "list the capture interfaces: names, addresses, indexes",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runInterfaces(args, stdout, stderr)
			}},
		{"explain", []string{"explain [--lang en|zh] [CAUSE]"}, "a cause's explanation and fix, without a capture; without CAUSE, the list of causes",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runExplain(args, stdout, stderr)
			}},
		{"version", []string{"version [--format json]"}, "the version, commit and build of this binary, and whether it can capture live",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runVersion(args, stdout, stderr)
			}},
	}
}

// commandUsage is the usage lines of the command named name.
func commandUsage(name string) []string {
	for _, c := range commands() {
		if c.name == name {
			return c.usage
		}
	}
	return []string{name}
}

// usageColumn is where the commands' summaries start in writeUsage.
const usageColumn = 44

// writeUsage lists every command: slbdiag help, or slbdiag alone.
func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("slbdiag finds TCP handshakes to a load balancer VIP that never completed, and says why.\n\nUsage:\n")
	indent := strings.Repeat(" ", usageColumn)
	for _, c := range commands() {
		summary := strings.Split(wrap(c.summary, "", helpWidth-usageColumn), "\n")
		for i, u := range c.usage {
			line := "  slbdiag " + u
			if i == len(c.usage)-1 && len(line) < usageColumn {
				line += strings.Repeat(" ", usageColumn-len(line)) + summary[0]
				summary = summary[1:]
			}
			b.WriteString(line + "\n")
		}
		for _, s := range summary {
			b.WriteString(indent + s + "\n")
		}
	}
	b.WriteString(`
Run 'slbdiag help COMMAND' or 'slbdiag COMMAND -h' for its examples and flags.
Exit codes: 0 handshakes judged, no problem found; 1 problems found; 2 usage or input error;
3 nothing to judge (no SYN to the watched ports got an outcome).
`)
	io.WriteString(w, b.String())
}
