package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/report"
)

func runInterfaces(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("interfaces", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: slbdiag interfaces [--format text|json]\n\nLists the capture interfaces: index, name, friendly name or description, addresses, flags.\nAny of the first four, or an address, can be given to 'slbdiag capture -i'.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	format := fs.String("format", "text", "output format: text or json")
	err := parseFlags(fs, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{cmd: "interfaces", msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *format != "text" && *format != "json" {
		return &usageError{cmd: "interfaces", msg: fmt.Sprintf("--format: %q is not text or json", *format)}
	}
	ifs, err := capture.ListInterfaces()
	if err != nil {
		return err
	}
	if *format == "json" {
		return report.InterfacesJSON(stdout, ifs)
	}
	return report.Interfaces(stdout, ifs)
}
