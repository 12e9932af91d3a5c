package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// doctorCmd is a checked `slbdiag doctor` command line.
type doctorCmd struct {
	vip    netip.AddrPort
	facts  string // --host-facts: read this file instead of this host
	format string
	opts   report.Options
}

func parseDoctor(args []string, stderr io.Writer) (*doctorCmd, error) {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: slbdiag doctor --vip VIP [--port 443]\n\nReads this host's configuration (interfaces, weak host settings, ARP sysctls, listeners,\nbindings, firewall) and says whether SYNs to the VIP would be accepted and answered. Changes nothing.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	vip := fs.String("vip", "", "the load balancer's VIP (one address)")
	port := fs.Int("port", 443, "the VIP's port")
	facts := fs.String("host-facts", "", "read a host's saved command outputs from this file instead of this host (see README)")
	format := fs.String("format", "text", "output format: text or json")
	lang := langFlag(fs)
	if err := fs.Parse(args); err != nil {
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
	if *port < 1 || *port > 65535 {
		return nil, bad("--port must be 1-65535, not %d", *port)
	}
	if *format != "text" && *format != "json" {
		return nil, bad("--format: %q is not text or json", *format)
	}
	c := &doctorCmd{vip: netip.AddrPortFrom(a.Unmap().WithZone(""), uint16(*port)), facts: *facts, format: *format}
	if c.opts.Lang, err = report.ParseLang(*lang); err != nil {
		return nil, bad("--lang: %v", err)
	}
	return c, nil
}

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseDoctor(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var facts *hostfacts.Facts
	if c.facts != "" {
		facts, err = readHostFacts(c.facts)
	} else {
		facts, err = hostfacts.Read(ctx)
	}
	if err != nil {
		return err
	}
	chk := &report.Checkup{VIP: c.vip, Facts: facts, Findings: analyze.CheckHost(facts, c.vip.Addr(), c.vip.Port())}
	if err := report.Doctor(stdout, chk, c.format, c.opts); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if len(chk.Findings) > 0 {
		return errProblems
	}
	return nil
}

// errHostFactsEncoding is a --host-facts file in a legacy code page.
var errHostFactsEncoding = errors.New("--host-facts: the file is neither UTF-8 nor UTF-16 (cmd.exe on Chinese Windows saves GBK); " +
	"save the outputs as UTF-8: run 'chcp 65001' in cmd.exe before the commands, or in PowerShell pipe them to 'Out-File -Encoding utf8'")

// readHostFacts reads a customer's saved command outputs (README, "Host
// facts"). Windows PowerShell 5 writes `>` redirections as UTF-16LE with a
// BOM, so that is read too; cmd.exe on Chinese Windows writes GBK, which
// is refused with a hint rather than misread.
func readHostFacts(name string) (*hostfacts.Facts, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--host-facts: %w", err)
	}
	text, ok := decodeText(b)
	if !ok {
		return nil, errHostFactsEncoding
	}
	f, err := hostfacts.FromOutputs(name, hostfacts.SplitBundle(text))
	if err != nil {
		return nil, fmt.Errorf("--host-facts: %w", err)
	}
	return f, nil
}

// decodeText returns b as a string if it is UTF-8, or UTF-16 with a BOM.
func decodeText(b []byte) (string, bool) {
	le := len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE
	be := len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF
	if !le && !be {
		return string(b), utf8.Valid(b)
	}
	b = b[2:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		if le {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	return string(utf16.Decode(u)), true
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
	port, ok := cfg.Ports.Single()
	if !ok {
		port = 443
	}
	for _, p := range cfg.VIPs {
		if !p.IsSingleIP() {
			continue
		}
		chk := &report.Checkup{VIP: netip.AddrPortFrom(p.Addr(), port), Facts: facts,
			Findings: analyze.CheckHost(facts, p.Addr(), port)}
		fmt.Fprintf(stderr, "slbdiag: host facts: %s\n", report.CheckupLine(chk, l))
	}
}
