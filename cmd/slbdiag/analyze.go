package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// analyzeCmd is a checked `slbdiag analyze` command line.
type analyzeCmd struct {
	files    []string
	cfg      analyze.Config
	render   report.Renderer
	opts     report.Options
	shape    *reportFlags     // probe ranges and redactions
	evidence string           // write the packets behind the findings here
	output   string           // "" is stdout
	facts    *hostfacts.Facts // --host-facts: the capture host's configuration
	format   string           // the --format name
}

func parseAnalyze(args []string, stderr io.Writer) (*analyzeCmd, error) {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: slbdiag analyze [flags] FILE...\n\nReplays pcap/pcapng captures (gzip'd or not; \"-\" reads stdin; several files are merged by time).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	vips := fs.String("vip", "", "VIP addresses or CIDRs, comma-separated (default: inferred from the traffic)")
	ports := fs.String("port", "443", "server ports: a list, ranges (8000-8100) or any")
	format := fs.String("format", "text", "output format: "+strings.Join(report.FormatNames(), ", "))
	lang := langFlag(fs)
	output := fs.String("o", "", "write the report to this file instead of stdout")
	grace := fs.Duration("grace", analyze.DefaultGrace, "how long a single SYN waits for a reply before it counts as unanswered")
	evidence := fs.String("evidence", "", "write the packets behind each finding to this pcapng, each with a comment saying what it shows")
	hostFacts := fs.String("host-facts", "", "the capture host's saved command outputs (netsh, ipconfig, ip, sysctl, ss; see README): confirm or rule out causes with its configuration")
	shape := addReportFlags(fs)

	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	c, err := checkAnalyze(files, *vips, *ports, *format, *output, *grace)
	if err != nil {
		return nil, err
	}
	c.shape = shape
	if err := shape.configure("analyze", &c.cfg); err != nil {
		return nil, err
	}
	if c.opts.Lang, err = report.ParseLang(*lang); err != nil {
		return nil, &usageError{cmd: "analyze", msg: fmt.Sprintf("--lang: %v", err)}
	}
	if c.evidence = *evidence; c.evidence != "" && countStdin(files) > 0 {
		return nil, &usageError{cmd: "analyze", msg: "--evidence reads the captures a second time, so it needs files, not stdin (\"-\")"}
	}
	if *hostFacts != "" {
		if c.facts, err = readHostFacts(*hostFacts); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkAnalyze validates every flag before any packet is read.
func checkAnalyze(files []string, vips, ports, format, output string, grace time.Duration) (*analyzeCmd, error) {
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "analyze", msg: fmt.Sprintf(format, a...)}
	}
	c := &analyzeCmd{files: files, output: output, format: format}
	c.cfg.ReadAhead = true // files never wait for traffic
	if len(files) == 0 {
		return nil, bad("no capture file given")
	}
	if n := countStdin(files); n > 1 {
		return nil, bad("stdin (\"-\") can be read only once, it was given %d times", n)
	}
	var err error
	if c.cfg.Ports, err = analyze.ParsePorts(ports); err != nil {
		return nil, bad("--port: %v", err)
	}
	if vips != "" {
		if c.cfg.VIPs, err = analyze.ParsePrefixes(vips); err != nil {
			return nil, bad("--vip: %v", err)
		}
	}
	if grace <= 0 {
		return nil, bad("--grace must be positive, not %s", grace)
	}
	c.cfg.Grace = grace
	if c.render, err = report.Lookup(format); err != nil {
		return nil, bad("--format: %v", err)
	}
	return c, nil
}

// langFlag defines --lang, the language of the report's prose.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "en", "language of the report's text: "+strings.Join(report.LangNames(), ", ")+" (identifiers, commands and JSON keys stay as they are)")
}

func countStdin(files []string) int {
	n := 0
	for _, f := range files {
		if f == "-" {
			n++
		}
	}
	return n
}

func runAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c, err := parseAnalyze(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	inputs, err := openInputs(c.files, stdin)
	defer closeInputs(inputs)
	if err != nil {
		return err
	}
	out := stdout
	if c.output != "" {
		f, err := os.Create(c.output)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	stopProgress := showProgress(stderr, c.format, c.files, inputs)
	res := analyze.Run(ctx, c.cfg, inputs)
	stopProgress()
	analyze.ApplyFacts(res, c.facts)
	if c.evidence != "" {
		if err := writeEvidence(c.evidence, c.files, res, c.opts.Lang); err != nil {
			return fmt.Errorf("--evidence: %w", err)
		}
	}
	res = c.shape.shape(res)
	if err := c.render(out, res, c.opts); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if c.output != "" {
		if err := out.(*os.File).Close(); err != nil {
			return err
		}
	}
	if res.Problem() {
		return errProblems
	}
	return nil
}

// openInputs opens every file before any is read, so a bad name fails fast.
func openInputs(files []string, stdin io.Reader) ([]analyze.Input, error) {
	var inputs []analyze.Input
	for _, name := range files {
		f, err := capture.Open(name, stdin)
		if err != nil {
			return inputs, err
		}
		inputs = append(inputs, analyze.Input{Name: f.Name, Format: f.Format, Source: f})
	}
	return inputs, nil
}

func closeInputs(inputs []analyze.Input) {
	for _, in := range inputs {
		if f, ok := in.Source.(*capture.File); ok {
			f.Close()
		}
	}
}

// writeEvidence copies the frames behind the findings into a pcapng.
func writeEvidence(name string, files []string, res *analyze.Result, l report.Lang) error {
	var picks []capture.Pick
	for ref, comments := range report.EvidenceComments(res, l) {
		picks = append(picks, capture.Pick{File: ref.File, Frame: ref.Frame, Comments: comments})
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := capture.WriteEvidence(f, files, picks); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
