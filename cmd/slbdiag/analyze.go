package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// analyzeCmd is a checked `slbdiag analyze` command line.
type analyzeCmd struct {
	files     []string
	flags     *reportFlags     // what to look for and how to report it, checked
	evidence  string           // write the packets behind the findings here
	factsFile string           // --host-facts: the capture host's configuration, read with the run's context
	facts     *hostfacts.Facts // what factsFile says
}

func parseAnalyze(args []string, stderr io.Writer) (*analyzeCmd, error) {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: slbdiag analyze [flags] FILE...\n\nReplays pcap/pcapng captures (gzip'd or not; \"-\" reads stdin; several files are merged by time).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rf := addReportFlags(fs)
	evidence := fs.String("evidence", "", "write the packets behind each finding to this pcapng, each with a comment saying what it shows")
	hostFacts := fs.String("host-facts", "", "the capture host's saved command outputs (netsh, ipconfig, ip, sysctl, ss; see README): confirm or rule out causes with its configuration")

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
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "analyze", msg: fmt.Sprintf(format, a...)}
	}
	if len(files) == 0 {
		return nil, bad("no capture file given")
	}
	if n := countStdin(files); n > 1 {
		return nil, bad("stdin (\"-\") can be read only once, it was given %d times", n)
	}
	if err := rf.check("analyze"); err != nil {
		return nil, err
	}
	c := &analyzeCmd{files: files, flags: rf, evidence: *evidence}
	c.flags.cfg.ReadAhead = true // files never wait for traffic
	if c.evidence != "" && countStdin(files) > 0 {
		return nil, bad("--evidence reads the captures a second time, so it needs files, not stdin (\"-\")")
	}
	c.factsFile = *hostFacts
	return c, nil
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
	if c.factsFile != "" {
		if c.facts, err = readHostFacts(ctx, c.factsFile); err != nil {
			return err
		}
	}
	inputs, err := openInputs(c.files, stdin)
	defer closeInputs(inputs)
	if err != nil {
		return err
	}
	out := stdout
	rf := c.flags
	if *rf.output != "" {
		f, err := os.Create(*rf.output)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	stopProgress := showProgress(stderr, *rf.format, c.files, inputs)
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	res, err := analyze.Run(ctx, rf.stream(rf.cfg, out, names), inputs)
	stopProgress()
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	analyze.ApplyFacts(res, c.facts)
	if c.evidence != "" {
		if err := writeEvidence(c.evidence, c.files, res, rf.opts.Lang); err != nil {
			return fmt.Errorf("--evidence: %w", err)
		}
	}
	res = rf.shape(res)
	if err := rf.render(out, res, rf.opts); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if *rf.output != "" {
		if err := out.(*os.File).Close(); err != nil {
			return err
		}
	}
	return rf.finish(res, stderr)
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
	if _, err := capture.WriteEvidence(f, files, picks, "slbdiag "+build.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
