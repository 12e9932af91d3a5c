package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostcheck"
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
		if err := parseFlags(fs, args, stderr); err != nil {
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
	rf := c.flags
	stdinFile, _ := stdin.(*os.File)
	if err := checkOutputs("analyze", c.files, stdinFile, []output{{"-o", *rf.output}, {"--evidence", c.evidence}}); err != nil {
		return err
	}
	if c.factsFile != "" {
		if c.facts, err = readHostFacts(ctx, c.factsFile); err != nil {
			return err
		}
	}
	// stdin may be a pipe whose writer stalls: a stop must not wait for it.
	inputs, err := openInputs(c.files, capture.InterruptibleReader(ctx, stdin))
	defer closeInputs(inputs)
	if err != nil {
		return err
	}
	out, report, evidence, err := createAnalyzeOutputs(ctx, *rf.output, c.evidence, stdout)
	if err != nil {
		return err
	}
	defer report.Abort()
	defer evidence.Abort()
	stopProgress := showProgress(stderr, *rf.format, c.files, inputs)
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	res, err := analyze.Run(ctx, rf.stream(rf.cfg, out, names, false), inputs)
	if err == nil {
		err = rf.flushStream()
	}
	stopProgress()
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	hostcheck.Apply(res, c.facts)
	red, shaped := rf.redacted(res)
	if evidence != nil {
		if err := writeEvidence(evidence, c.files, res, shaped, red, rf.opts.Lang); err != nil {
			return fmt.Errorf("--evidence: %w", err)
		}
		if err := evidence.Commit(); err != nil {
			return err
		}
	}
	if err := rf.render(out, shaped, rf.optsFor(out)); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := report.Commit(); err != nil {
		return err
	}
	return rf.finish(res, stderr)
}

// createAnalyzeOutputs starts the report (-o, else stdout) and the
// evidence file; each *outFile is nil when not asked for, and its methods
// then do nothing. A stop (ctx) ends the wait for a FIFO's reader.
func createAnalyzeOutputs(ctx context.Context, reportName, evidenceName string, stdout io.Writer) (io.Writer, *outFile, *outFile, error) {
	var report, evidence *outFile
	var err error
	out := stdout
	if reportName != "" {
		if report, err = createOutputContext(ctx, "-o", reportName); err != nil {
			return nil, nil, nil, err
		}
		out = report
	}
	if evidenceName != "" {
		if evidence, err = createOutputContext(ctx, "--evidence", evidenceName); err != nil {
			report.Abort()
			return nil, nil, nil, err
		}
	}
	return out, report, evidence, nil
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

// writeEvidence writes the packets behind the findings as a pcapng: every
// packet of each example attempt, the frames the evidence cites with
// comments built from the redacted result, everything redacted as the
// report is.
func writeEvidence(w io.Writer, files []string, res, shown *analyze.Result, red *report.Redactor, l report.Lang) error {
	_, err := capture.WriteEvidence(w, files, evidenceOf(res, shown, red, l))
	return err
}

// evidenceOf is what the evidence file of res holds and says; shown is res
// as red redacted it.
func evidenceOf(res, shown *analyze.Result, red *report.Redactor, l report.Lang) capture.Evidence {
	ev := capture.Evidence{
		Comment: report.EvidenceSection(shown, l),
		Redact:  capture.Redaction{Addrs: red.Addrs(), Names: red.PacketNames()},
		App:     "slbdiag " + build.String(),
	}
	for ref, comments := range report.EvidenceComments(shown, l) {
		ev.Picks = append(ev.Picks, capture.Pick{File: ref.File, Frame: ref.Frame, Comments: comments})
	}
	for _, ea := range report.EvidenceAttempts(shown, l) {
		fl := exampleFlow(&res.Examples[ea.Attempt]) // by the real addresses, to find the packets
		fl.Comment = ea.Comment
		ev.Flows = append(ev.Flows, fl)
	}
	return ev
}

// evidenceTail is how long after an attempt's last packet known by time
// (its last SYN or its reply) its connection's packets are kept too: the
// ACK, the ClientHello and what the server said to it, the close.
const evidenceTail = time.Second

// exampleFlow is where an attempt's packets lie: from its first SYN to the
// last packet it is known by, in time (plus evidenceTail) or in frames of
// its first SYN's input.
func exampleFlow(a *analyze.Attempt) capture.Flow {
	fl := capture.Flow{Client: a.Client, Server: a.Server, From: a.FirstTS, To: a.FirstTS, File: a.First.File}
	if a.ReplySrc != a.Server.Addr() {
		fl.ReplySrc = a.ReplySrc
	}
	for _, ts := range []time.Time{a.LastSynTS, a.ReplyTS} {
		if ts.After(fl.To) {
			fl.To = ts
		}
	}
	fl.To = fl.To.Add(evidenceTail)
	for _, ref := range []analyze.FrameRef{a.First, a.LastSyn, a.Reply, a.Ack, a.Hello, a.HelloEnd} {
		if ref.File == fl.File {
			fl.Last = max(fl.Last, ref.Frame)
		}
	}
	return fl
}
