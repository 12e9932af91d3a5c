package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/pipeline"
	"github.com/slbdiag/slbdiag/report"
)

// reportFlags are the flags analyze, capture and watch share: what to
// look for (--vip, --port, --grace, --probe-net) and how to report it
// (--format, --lang, -o, --redact, --redact-sni). They are defined and
// checked here once, so every command accepts and refuses the same things.
type reportFlags struct {
	vips, ports, probeNets *string
	grace, horizon         *time.Duration
	format, lang, output   *string
	redact, redactNames    *bool
	keepNames              *bool
}

// reportConfig is what the report flags say, checked.
type reportConfig struct {
	analysis  analyze.Config
	format    string
	output    string // -o; "" is stdout
	redaction report.Redaction
	opts      report.Options
}

func addReportFlags(c *cmdFlags) *reportFlags {
	f := &reportFlags{}
	c.group(groupInput)
	f.vips = c.String("vip", "", "the load balancer's VIPs: addresses or CIDRs, comma-separated (default: inferred from the traffic)")
	f.ports = c.String("port", "443", "server `PORTS`: a list, ranges (8000-8100) or any")
	// -n is tcpdump's "don't resolve names"; slbdiag never resolves any,
	// so it is accepted and changes nothing.
	c.Bool("n", false, "accepted as tcpdump's -n: slbdiag never resolves addresses or ports to names")
	c.group(groupDiagnosis)
	f.grace = c.Duration("grace", analyze.DefaultGrace, "how long a single SYN waits for a reply before it counts as unanswered")
	f.horizon = c.Duration("horizon", analyze.DefaultHorizon, "how long after its first SYN an attempt stays open for retransmissions and replies (longer than the clients' SYN retries; Linux with tcp_syn_retries=6 retransmits up to 63 s after the first SYN)")
	f.probeNets = c.String("probe-net", "", "health-probe source ranges (`CIDRs`, comma-separated) besides the known cloud ones")
	c.group(groupOutput)
	f.format = c.String("format", "text", "output format: "+strings.Join(report.FormatNames(), ", "))
	f.output = c.String("o", "", "write the report to `FILE` instead of stdout")
	f.lang = langFlag(c)
	c.group(groupSharing)
	f.redact = c.Bool("redact", false, "replace client addresses with stand-ins (198.18.0.0/15, 100::/64), the same in every format")
	f.redactNames = c.Bool("redact-sni", false, "replace TLS server names (SNI) with stand-ins (name-1.invalid, …), the same in every format")
	f.keepNames = c.Bool("keep-names", false, "with --redact, keep the input files' names (otherwise input-1.pcapng, …)")
	return f
}

// langFlag defines --lang, the language of the report's prose.
func langFlag(c *cmdFlags) *string {
	return c.String("lang", "en", "the language of the report's text: "+strings.Join(report.LangNames(), ", ")+" (identifiers, commands and JSON keys stay as they are)")
}

// check validates the flags before any packet is read.
func (f *reportFlags) check(cmd string) (reportConfig, error) {
	bad := func(format string, a ...any) error {
		return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
	}
	c := reportConfig{format: *f.format, output: *f.output,
		redaction: report.Redaction{Clients: *f.redact, Names: *f.redactNames, Files: *f.redact && !*f.keepNames}}
	if *f.keepNames && !*f.redact {
		return c, bad("--keep-names applies only with --redact, which replaces the input files' names")
	}
	cfg := &c.analysis
	var err error
	if cfg.Ports, err = analyze.ParsePorts(*f.ports); err != nil {
		return c, bad("--port: %v", err)
	}
	if *f.vips != "" {
		if cfg.VIPs, err = analyze.ParsePrefixes(*f.vips); err != nil {
			return c, bad("--vip: %v", err)
		}
	}
	if *f.grace <= 0 {
		return c, bad("--grace must be positive, not %s", *f.grace)
	}
	cfg.Grace = *f.grace
	if *f.horizon < *f.grace {
		return c, bad("--horizon (%s) must be at least --grace (%s)", *f.horizon, *f.grace)
	}
	cfg.Horizon = *f.horizon
	if *f.probeNets != "" {
		if cfg.ProbeNets, err = analyze.ParsePrefixes(*f.probeNets); err != nil {
			return c, bad("--probe-net: %v", err)
		}
	}
	if _, err = report.Lookup(c.format); err != nil {
		return c, bad("--format: %v", err)
	}
	if c.opts.Lang, err = report.ParseLang(*f.lang); err != nil {
		return c, bad("--lang: %v", err)
	}
	c.opts.Build = build
	return c, nil
}

// pipeline is what follows the analysis of analyze and capture: the one
// report, to -o or else to stdout, for inputs named names.
func (c *reportConfig) pipeline(stdout io.Writer, names []string) pipeline.Config {
	rep := pipeline.Report{Format: c.format, Flag: "-o", Name: c.output, Out: stdout}
	if c.output == "" {
		rep.Width = reportWidth(stdout)
	}
	return pipeline.Config{Redaction: c.redaction, Options: c.opts, Reports: []pipeline.Report{rep}, Inputs: names}
}

// finish says what a result means for the exit status, and, when the
// report went out as JSONL (which has no place for them), writes its
// warnings to stderr.
func (c *reportConfig) finish(r *analyze.Result, stderr io.Writer) error {
	if report.Streamed(c.format) {
		for _, w := range report.WarningTexts(r, c.opts) {
			fmt.Fprintf(stderr, "slbdiag: warning: %s\n", w)
		}
	}
	return verdict(r, stderr)
}

// app names this build in the files it writes: "slbdiag VERSION".
func app() string { return "slbdiag " + build.String() }
