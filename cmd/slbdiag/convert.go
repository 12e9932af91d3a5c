package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/slbdiag/slbdiag/capture"
)

// convertCmd is a checked `slbdiag convert` command line.
type convertCmd struct {
	in, out string
}

func parseConvert(args []string, stderr io.Writer) (*convertCmd, error) {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: slbdiag convert IN OUT.pcapng\n\nWrites a capture as pcapng: a pktmon or netsh trace .etl with one frame per packet (as analyze numbers them), an interface per component and a comment with each packet's path and drop reason; a pcap or pcapng as it is. \"-\" reads stdin.\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if fs.NArg() != 2 {
		return nil, &usageError{cmd: "convert", msg: fmt.Sprintf("convert takes an input and an output, %d given", fs.NArg())}
	}
	c := &convertCmd{in: fs.Arg(0), out: fs.Arg(1)}
	if c.out == "-" {
		return nil, &usageError{cmd: "convert", msg: "the output must be a file"}
	}
	return c, nil
}

func runConvert(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c, err := parseConvert(args, stderr)
	if err != nil {
		return err
	}
	stdinFile, _ := stdin.(*os.File)
	if err := checkOutputs("convert", []string{c.in}, stdinFile, []output{{flag: "OUT", name: c.out}}); err != nil {
		return err
	}
	f, err := capture.Open(c.in, stdin)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := createOutput("OUT", c.out)
	if err != nil {
		return err
	}
	defer out.Abort()
	app := "slbdiag " + build.String()
	var n int
	if f.Format == capture.FormatETL {
		n, err = capture.ConvertETL(out, f, app)
	} else {
		if c.in == "-" {
			return &usageError{cmd: "convert", msg: "a pcap or pcapng is converted from a file, not stdin"}
		}
		n, err = capture.WriteEvidence(out, []string{c.in}, capture.Evidence{All: true, App: app})
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
	fmt.Fprintf(stderr, "slbdiag: wrote %s to %s\n", plural(n, "frame"), quoteControls(c.out))
	return nil
}

// printNotes says on stderr what an input told beyond its frames (an
// .etl's OS drops and skipped parts), escaped: the words come from the file.
func printNotes(stderr io.Writer, f *capture.File) {
	for _, n := range f.Notes() {
		fmt.Fprintf(stderr, "slbdiag: note: %s: %s\n", strings.ToValidUTF8(quoteControls(f.Name), "?"), strings.ToValidUTF8(quoteControls(n), "?"))
	}
}
