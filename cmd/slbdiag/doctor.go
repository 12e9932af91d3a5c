package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// doctorCmd is a checked `slbdiag doctor` command line.
type doctorCmd struct {
	vip    netip.Addr
	ports  []uint16              // --port: each is checked
	facts  string                // --host-facts: read this file instead of this host
	probes []netip.Prefix        // --probe-net: where the load balancer's probes come from
	render report.DoctorRenderer // --format
	opts   report.Options
}

// maxDoctorPorts bounds --port: each port is a report of its own.
const maxDoctorPorts = 16

func parseDoctor(args []string, help io.Writer) (*doctorCmd, error) {
	fs := newCmdFlags("doctor", cmdHelp{
		about: "Reads this host's configuration (interfaces, weak host settings, ARP sysctls, listeners, bindings, firewall), or a host's saved facts, and says whether SYNs to the VIP would be accepted and answered. Changes nothing.",
		examples: []example{
			{"sudo slbdiag doctor --vip 192.0.2.10", "this host: would SYNs to 192.0.2.10:443 be accepted and answered?"},
			{"slbdiag doctor --vip 192.0.2.10 --port 443,8443 --host-facts web1-facts.txt", "another host's facts file, from slbdiag collect or its collector script"},
		},
	})
	fs.group(groupInput)
	vip := fs.String("vip", "", "the load balancer's VIP (one address)")
	port := fs.String("port", "443", fmt.Sprintf("the VIP's `PORTS`: a list or ranges, as analyze takes them (at most %d)", maxDoctorPorts))
	facts := fs.String("host-facts", "", "read a host's saved command outputs from `FILE` instead of this host (see docs/HOSTFACTS.md)")
	fs.group(groupDiagnosis)
	probes := fs.String("probe-net", "", "the subnets the load balancer's health probes come from (`CIDRs`, comma-separated): they tell the receiving NIC of a host with several")
	fs.group(groupOutput)
	format := fs.String("format", "text", "output format: "+strings.Join(report.DoctorFormatNames(), ", "))
	lang := langFlag(fs)
	if err := parseFlags(fs, args, help); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "doctor", msg: fmt.Sprintf(format, a...)}
	}
	if fs.NArg() > 0 {
		return nil, bad("unexpected argument %q", fs.Arg(0))
	}
	if *vip == "" {
		return nil, bad("no VIP given: --vip ADDR")
	}
	a, err := netip.ParseAddr(*vip)
	if err != nil {
		return nil, bad("--vip: %q is not an address (doctor checks one VIP)", *vip)
	}
	ports, err := analyze.ParsePorts(*port)
	switch {
	case err != nil:
		return nil, bad("--port: %v", err)
	case ports.Any():
		return nil, bad("--port: doctor checks the ports given, not any: name them (443,8443)")
	case len(ports.Ports()) > maxDoctorPorts:
		return nil, bad("--port: %d ports are more than doctor checks at once (%d)", len(ports.Ports()), maxDoctorPorts)
	}
	render, err := report.LookupDoctor(*format)
	if err != nil {
		return nil, bad("--format: %v", err)
	}
	c := &doctorCmd{vip: a.Unmap().WithZone(""), ports: ports.Ports(), facts: *facts, render: render}
	c.opts.Build = build
	if *probes != "" {
		ps, err := analyze.ParsePrefixes(*probes)
		if err != nil {
			return nil, bad("--probe-net: %v", err)
		}
		c.probes = ps
	}
	if c.opts.Lang, err = report.ParseLang(*lang); err != nil {
		return nil, bad("--lang: %v", err)
	}
	return c, nil
}

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseDoctor(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var facts *hostfacts.Facts
	if c.facts != "" {
		facts, err = readHostFacts(ctx, c.facts)
	} else {
		facts, err = hostfacts.Read(ctx)
	}
	if err != nil {
		return err
	}
	var checks []*report.Checkup
	for _, port := range c.ports {
		checks = append(checks, &report.Checkup{VIP: netip.AddrPortFrom(c.vip, port), Facts: facts, Check: hostcheck.Check(facts, c.vip, port, c.probes)})
	}
	if err := c.render(stdout, &report.DoctorReport{Checkups: checks}, c.opts); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	switch report.Worst(checks) {
	case report.VerdictProblem:
		return errProblems
	case report.VerdictUnknown:
		return errNothingJudged
	}
	return nil
}

// readHostFacts reads a customer's saved command outputs for --host-facts.
func readHostFacts(ctx context.Context, name string) (*hostfacts.Facts, error) {
	f, err := hostfacts.ReadFile(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("--host-facts: %w", err)
	}
	return f, nil
}

// hostFactsAtStart reads this host's facts as a live capture starts and
// prints, on stderr, what they predict for each VIP given with --vip. The
// report itself is left alone: it must equal a replay of the evidence
// file, which does not carry the facts.
func hostFactsAtStart(ctx context.Context, cfg analyze.Config, l report.Lang, stderr io.Writer) {
	facts, err := hostfacts.Read(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "slbdiag: host facts not read: %v\n", err)
		return
	}
	for _, line := range report.FactLines(facts, cfg, l) {
		fmt.Fprintf(stderr, "slbdiag: host facts: %s\n", line)
	}
}
