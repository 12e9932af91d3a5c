package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/pipeline"
)

// convertCmd is a checked `slbdiag convert` command line.
type convertCmd struct {
	in, out string
	// rf holds --redact and --redact-sni, and what the analysis that
	// finds the clients to redact looks for (--vip, --port).
	rf *reportFlags
	rc reportConfig
}

// redacting reports whether the output is to be redacted.
func (c *convertCmd) redacting() bool { return *c.rf.redact || *c.rf.redactNames }

func parseConvert(args []string, help io.Writer) (*convertCmd, error) {
	fs := newCmdFlags("convert", cmdHelp{
		about: "Writes a capture as pcapng: a pktmon or netsh trace .etl with one frame per packet (as analyze numbers them), an interface per component and a comment with each packet's path and drop reason; a pcap or pcapng as it is.",
		examples: []example{
			{"slbdiag convert trace.etl trace.pcapng", "an .etl for Wireshark on any OS"},
			{"slbdiag convert --redact --redact-sni customer.etl shared.pcapng", "the same with client addresses and server names replaced, as analyze --redact replaces them"},
		},
		operands: []operand{{"IN", "the capture or trace; \"-\" reads stdin"}, {"OUT.pcapng", "the pcapng to write"}},
	})
	text, en, none, noProbes, keepNames := "text", "en", "", "", false
	grace, horizon := analyze.DefaultGrace, analyze.DefaultHorizon
	fs.group(groupInput)
	vips := fs.String("vip", "", "with --redact: VIP addresses or `CIDRs`, comma-separated (default: inferred from the traffic)")
	ports := fs.String("port", "443", "with --redact: server `PORTS` whose clients are redacted")
	fs.group(groupSharing)
	redact := fs.Bool("redact", false, "replace client addresses with the stand-ins analyze --redact gives them")
	redactNames := fs.Bool("redact-sni", false, "replace TLS server names (SNI) with the stand-ins analyze --redact-sni gives them")
	rf := &reportFlags{format: &text, lang: &en, output: &none, probeNets: &noProbes, grace: &grace, horizon: &horizon,
		vips: vips, ports: ports, redact: redact, redactNames: redactNames, keepNames: &keepNames}
	var files []string
	if err := parseOperands(fs, args, help, func(f string) { files = append(files, f) }); err != nil {
		return nil, err
	}
	if len(files) != 2 {
		return nil, &usageError{cmd: "convert", msg: fmt.Sprintf("convert takes an input and an output, %d given", len(files))}
	}
	rc, err := rf.check("convert")
	if err != nil {
		return nil, err
	}
	c := &convertCmd{in: files[0], out: files[1], rf: rf, rc: rc}
	if c.out == "-" {
		return nil, &usageError{cmd: "convert", msg: "the output must be a file"}
	}
	if c.in == "-" && c.redacting() {
		return nil, &usageError{cmd: "convert", msg: "--redact reads the input twice (to find the clients, then to write): give a file, not stdin"}
	}
	return c, nil
}

func runConvert(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c, err := parseConvert(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	red, err := c.redaction(ctx)
	if err != nil {
		return err
	}
	stdinFile, _ := stdin.(*os.File)
	stdoutFile, _ := stdout.(*os.File)
	if err := checkOutputs("convert", captures([]string{c.in}), stdinFile, stdoutFile, false, []output{{flag: "OUT", name: c.out}}); err != nil {
		return err
	}
	f, err := capture.Open(c.in, stdin)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := outfile.Create("OUT", c.out)
	if err != nil {
		return err
	}
	defer out.Abort()
	app := "slbdiag " + build.String()
	var n int
	if f.Format == capture.FormatETL {
		n, err = capture.ConvertETL(out, f, app, red)
	} else {
		if c.in == "-" {
			return &usageError{cmd: "convert", msg: "a pcap or pcapng is converted from a file, not stdin"}
		}
		n, err = capture.WriteEvidence(out, []string{c.in}, capture.Evidence{All: true, App: app, Redact: red})
	}
	var re *capture.ReadError
	if err != nil && !errors.As(err, &re) {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	printNotes(stderr, f)
	if re != nil {
		fmt.Fprintf(stderr, "slbdiag: warning: the output is partial: %s\n", quoteControls(re.Error()))
	}
	fmt.Fprintf(stderr, "slbdiag: wrote %s to %s\n", english.Plural(n, "frame"), quoteControls(c.out))
	return nil
}

// redaction analyzes the input, when the output is to be redacted, for
// the clients and names to replace: the stand-ins are those analyze gives
// the same file.
func (c *convertCmd) redaction(ctx context.Context) (capture.Redaction, error) {
	if !c.redacting() {
		return capture.Redaction{}, nil
	}
	f, err := capture.Open(c.in, nil)
	if err != nil {
		return capture.Redaction{}, err
	}
	defer f.Close()
	res, err := analyze.Run(ctx, c.rc.analysis, []analyze.Input{{Name: f.Name, Format: f.Format, Source: f}})
	if err != nil {
		return capture.Redaction{}, err
	}
	return pipeline.StandIns(c.rc.redaction, c.rc.analysis, res), nil
}

// printNotes says on stderr what an input told beyond its frames (an
// .etl's OS drops and skipped parts), escaped: the words come from the file.
func printNotes(stderr io.Writer, f *capture.File) {
	for _, n := range f.Notes() {
		fmt.Fprintf(stderr, "slbdiag: note: %s: %s\n", strings.ToValidUTF8(quoteControls(f.Name), "?"), strings.ToValidUTF8(quoteControls(n), "?"))
	}
}
