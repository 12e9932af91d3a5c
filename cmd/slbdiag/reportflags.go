package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/report"
)

// reportFlags are the flags analyze and capture share: what to look for
// (--vip, --port, --grace, --probe-net) and how to report it (--format,
// --lang, -o, --redact, --redact-sni). They are defined and checked here
// once, so both commands accept and refuse the same things.
type reportFlags struct {
	vips, ports, probeNets *string
	grace                  *time.Duration
	format, lang, output   *string
	redact, redactNames    *bool

	// Set by check:
	cfg    analyze.Config
	render report.Renderer
	opts   report.Options
}

func addReportFlags(fs *flag.FlagSet) *reportFlags {
	return &reportFlags{
		vips:        fs.String("vip", "", "VIP addresses or CIDRs, comma-separated (default: inferred from the traffic)"),
		ports:       fs.String("port", "443", "server ports: a list, ranges (8000-8100) or any"),
		format:      fs.String("format", "text", "output format: "+strings.Join(report.FormatNames(), ", ")),
		lang:        langFlag(fs),
		output:      fs.String("o", "", "write the report to this file instead of stdout"),
		grace:       fs.Duration("grace", analyze.DefaultGrace, "how long a single SYN waits for a reply before it counts as unanswered"),
		probeNets:   fs.String("probe-net", "", "health-probe source ranges (CIDRs, comma-separated) besides the known cloud ones"),
		redact:      fs.Bool("redact", false, "replace client addresses with stand-ins (198.18.0.0/15, 100::/64), the same in every format"),
		redactNames: fs.Bool("redact-sni", false, "replace TLS server names (SNI) with stand-ins (name-1.invalid, …), the same in every format"),
	}
}

// langFlag defines --lang, the language of the report's prose.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "en", "language of the report's text: "+strings.Join(report.LangNames(), ", ")+" (identifiers, commands and JSON keys stay as they are)")
}

// check validates the flags before any packet is read and sets cfg,
// render and opts.
func (f *reportFlags) check(cmd string) error {
	bad := func(format string, a ...any) error {
		return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
	}
	var err error
	if f.cfg.Ports, err = analyze.ParsePorts(*f.ports); err != nil {
		return bad("--port: %v", err)
	}
	if *f.vips != "" {
		if f.cfg.VIPs, err = analyze.ParsePrefixes(*f.vips); err != nil {
			return bad("--vip: %v", err)
		}
	}
	if *f.grace <= 0 {
		return bad("--grace must be positive, not %s", *f.grace)
	}
	f.cfg.Grace = *f.grace
	if *f.probeNets != "" {
		if f.cfg.ProbeNets, err = analyze.ParsePrefixes(*f.probeNets); err != nil {
			return bad("--probe-net: %v", err)
		}
	}
	if f.render, err = report.Lookup(*f.format); err != nil {
		return bad("--format: %v", err)
	}
	if f.opts.Lang, err = report.ParseLang(*f.lang); err != nil {
		return bad("--lang: %v", err)
	}
	return nil
}

// redactor chooses the stand-ins --redact and --redact-sni ask for in r,
// for the report and the evidence alike.
func (f *reportFlags) redactor(r *analyze.Result) *report.Redactor {
	return report.NewRedactor(r, report.Redaction{Clients: *f.redact, Names: *f.redactNames})
}
