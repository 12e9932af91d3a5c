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
	"github.com/slbdiag/slbdiag/pipeline"
)

// analyzeCmd is a checked `slbdiag analyze` command line.
type analyzeCmd struct {
	files     []string
	report    reportConfig // what to look for and how to report it
	evidence  string       // write the packets behind the findings here
	factsFile string       // --host-facts: the capture host's configuration, read with the run's context
}

func parseAnalyze(args []string, help io.Writer) (*analyzeCmd, error) {
	fs := newCmdFlags("analyze", cmdHelp{
		about: "Replays pcap/pcapng captures (gzip'd or not, from tcpdump, Wireshark, Npcap or pktmon) and pktmon/netsh .etl traces (several files are merged by time) and reports the handshakes to the VIP that failed, why, and the fix.",
		examples: []example{
			{"slbdiag analyze customer.pcapng", "the report on the terminal; the VIP is inferred from the traffic"},
			{"slbdiag analyze -n -r backend.pcap --vip 192.0.2.10 --port 443,8443", "as tcpdump reads a file, with the VIP and the ports named"},
			{"slbdiag analyze --redact --format html -o report.html --evidence evidence.pcapng customer.pcapng", "a page to attach to a ticket and the packets behind its findings, client addresses replaced"},
		},
		operands: []operand{{"FILE...", "the capture files; \"-\" reads stdin"}},
	})
	// -r is tcpdump's way to name a capture file; such files and the
	// positional ones are read in the order given.
	var files []string
	fs.group(groupInput)
	fs.Func("r", "read the capture `FILE`, as tcpdump -r does (may be given more than once, beside FILE arguments)", func(name string) error {
		if name == "" {
			return errors.New("an empty file name")
		}
		files = append(files, name)
		return nil
	})
	rf := addReportFlags(fs)
	fs.group(groupDiagnosis)
	hostFacts := fs.String("host-facts", "", "the capture host's saved command outputs in `FILE` (slbdiag collect, or netsh, ipconfig, ip, sysctl, ss; see docs/HOSTFACTS.md): confirm or rule out causes with its configuration")
	fs.group(groupOutput)
	evidence := fs.String("evidence", "", "write the packets behind each finding to `FILE` (pcapng), each with a comment saying what it shows")

	if err := parseOperands(fs, args, help, func(f string) { files = append(files, f) }); err != nil {
		return nil, err
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
	rc, err := rf.check("analyze")
	if err != nil {
		return nil, err
	}
	c := &analyzeCmd{files: files, report: rc, evidence: *evidence}
	c.report.analysis.ReadAhead = true // files never wait for traffic
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
	c, err := parseAnalyze(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	stdinFile, _ := stdin.(*os.File)
	stdoutFile, _ := stdout.(*os.File)
	inputs := captures(c.files)
	if c.factsFile != "" {
		inputs = append(inputs, input{"the host facts (--host-facts)", c.factsFile})
	}
	if err := checkOutputs("analyze", inputs, stdinFile, stdoutFile, c.report.output == "", []output{{"-o", c.report.output}, {"--evidence", c.evidence}}); err != nil {
		return err
	}
	var facts *hostfacts.Facts
	if c.factsFile != "" {
		if facts, err = readHostFacts(ctx, c.factsFile); err != nil {
			return err
		}
	}
	// stdin may be a pipe whose writer stalls: a stop must not wait for it.
	sources, err := openInputs(c.files, capture.InterruptibleReader(ctx, stdin))
	defer closeInputs(sources)
	if err != nil {
		return err
	}
	names := make([]string, len(sources))
	for i, in := range sources {
		names[i] = in.Name
	}
	pcfg := c.report.pipeline(stdout, names)
	pcfg.Facts = facts
	if c.evidence != "" {
		pcfg.Evidence = pipeline.Evidence{Kind: pipeline.Findings, Flag: "--evidence", Name: c.evidence, Files: c.files, App: app()}
	}
	run, acfg, err := pipeline.Start(ctx, pcfg, c.report.analysis)
	if err != nil {
		return err
	}
	defer run.Close()
	stopProgress := showProgress(stderr, c.report.format, c.files, sources)
	res, err := analyze.Run(ctx, acfg, sources)
	stopProgress()
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	for _, in := range sources {
		if f, ok := in.Source.(*capture.File); ok {
			printNotes(stderr, f)
		}
	}
	if _, err := run.Finish(res); err != nil {
		return err
	}
	for _, name := range run.Partial() {
		fmt.Fprintf(stderr, "slbdiag: warning: interrupted: the partial output is in %s, the old file was left as it was\n", quoteControls(name))
	}
	return c.report.finish(res, stderr)
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
