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
	"syscall"
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
		fmt.Fprint(stderr, usage)
		return &usageError{msg: "no command given"}
	}
	switch args[0] {
	case "analyze":
		return runAnalyze(ctx, args[1:], stdin, stdout, stderr)
	case "capture":
		return runCapture(ctx, args[1:], stdout, stderr)
	case "watch":
		return runWatch(ctx, args[1:], stdout, stderr)
	case "interfaces":
		return runInterfaces(args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "convert":
		return runConvert(ctx, args[1:], stdin, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args[1:], stdout, stderr)
	case "collect":
		return runCollect(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		return runVersion(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q", args[0])}
}

const usage = `slbdiag finds TCP handshakes to a load balancer VIP that never completed, and says why.

Usage:
  slbdiag analyze [flags] FILE...   replay pcap/pcapng captures or pktmon/netsh .etl traces ("-" reads stdin)
  slbdiag convert IN OUT.pcapng     write a capture or an .etl trace as pcapng, for Wireshark
  slbdiag capture -i IFACE [flags]  capture live on this host, then report (Ctrl-C, -c or -d stops)
  slbdiag watch -i IFACE --out DIR  capture until stopped; on failed handshakes, write an incident
                                    (the packets around them and their report) to DIR
  slbdiag interfaces                list the capture interfaces: names, addresses, indexes
  slbdiag explain [CAUSE]           a cause's explanation and fix, without a capture
  slbdiag doctor --vip VIP          read this host's configuration and say whether it accepts the VIP
  slbdiag version [--format json]   the version, commit and build of this binary, and whether it can capture live

Run 'slbdiag analyze -h', 'slbdiag capture -h' or 'slbdiag watch -h' for the flags.
Exit codes: 0 handshakes judged, no problem found; 1 problems found; 2 usage or input error;
3 nothing to judge (no SYN to the watched ports got an outcome).
`
