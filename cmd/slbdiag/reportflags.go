package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
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
	grace, horizon         *time.Duration
	format, lang, output   *string
	redact, redactNames    *bool

	// Set by check:
	cfg    analyze.Config
	render report.Renderer
	opts   report.Options
	red    *report.Redactor // --redact and --redact-sni: the same stand-ins in the JSONL lines and the report
	jsonl  *report.JSONLWriter
}

func addReportFlags(fs *flag.FlagSet) *reportFlags {
	return &reportFlags{
		vips:        fs.String("vip", "", "VIP addresses or CIDRs, comma-separated (default: inferred from the traffic)"),
		ports:       fs.String("port", "443", "server ports: a list, ranges (8000-8100) or any"),
		format:      fs.String("format", "text", "output format: "+strings.Join(report.FormatNames(), ", ")),
		lang:        langFlag(fs),
		output:      fs.String("o", "", "write the report to this file instead of stdout"),
		grace:       fs.Duration("grace", analyze.DefaultGrace, "how long a single SYN waits for a reply before it counts as unanswered"),
		horizon:     fs.Duration("horizon", analyze.DefaultHorizon, "how long after its first SYN an attempt stays open for retransmissions and replies (longer than the clients' SYN retries; Linux with tcp_syn_retries=6 retransmits up to 63 s after the first SYN)"),
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
	if *f.horizon < *f.grace {
		return bad("--horizon (%s) must be at least --grace (%s)", *f.horizon, *f.grace)
	}
	f.cfg.Horizon = *f.horizon
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
	f.opts.Build = build
	return nil
}

// optsFor are the report's options for writing to out: a terminal's width.
func (f *reportFlags) optsFor(out io.Writer) report.Options {
	o := f.opts
	o.Width = reportWidth(out)
	return o
}

// redacted returns r as its report shows it, and the Redactor of this
// run that made it: the stand-ins the JSONL lines got, now given to every
// value of r, for the report and the evidence packets alike.
func (f *reportFlags) redacted(r *analyze.Result) (*report.Redactor, *analyze.Result) {
	if f.red == nil {
		f.red = report.NewRedactor(report.Redaction{Clients: *f.redact, Names: *f.redactNames}, nil)
	}
	return f.red, f.red.Result(r)
}

// stream returns cfg with, for --format jsonl, every attempt written to
// out as it becomes final, redacted as the report will be.
// Live, each line is written out as soon as it is made (eager), for a
// pipe that reads them as they come; call flushStream after the Run.
func (f *reportFlags) stream(cfg analyze.Config, out io.Writer, names []string, eager bool) analyze.Config {
	red := report.Redaction{Clients: *f.redact, Names: *f.redactNames}
	keep := func(a netip.Addr) bool {
		return cfg.VIPs.Contains(a) || cfg.HostAddrs.Contains(a) || cfg.ProbeNets.Contains(a) || analyze.DefaultProbeNets.Contains(a)
	}
	f.red = report.NewRedactor(red, keep)
	if report.Streamed(*f.format) {
		f.jsonl = report.NewJSONLWriter(out, names, f.red)
		f.jsonl.Eager = eager
		cfg.OnAttempt = f.jsonl.Attempt
	}
	return cfg
}

// flushStream writes out the JSONL lines still buffered.
func (f *reportFlags) flushStream() error {
	if f.jsonl == nil {
		return nil
	}
	return f.jsonl.Flush()
}

// finish says what a result means for the exit status, and, when the
// report went out as JSONL (which has no place for them), writes its
// warnings to stderr.
func (f *reportFlags) finish(r *analyze.Result, stderr io.Writer) error {
	if report.Streamed(*f.format) {
		for _, w := range report.WarningTexts(r, f.opts) {
			fmt.Fprintf(stderr, "slbdiag: warning: %s\n", w)
		}
	}
	return verdict(r, stderr)
}
