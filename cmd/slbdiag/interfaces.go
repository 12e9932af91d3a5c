package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/report"
)

func runInterfaces(args []string, stdout, stderr io.Writer) error {
	fs := newCmdFlags("interfaces", cmdHelp{
		about: "Lists the capture interfaces: index, name, friendly name or description, addresses, flags. Any of the first four, or an address, can be given to 'slbdiag capture -i'.",
		examples: []example{
			{"slbdiag interfaces", "one line per interface, aligned"},
			{"slbdiag interfaces --format json", "the same, for scripts"},
		},
	})
	fs.group(groupOutput)
	format := fs.String("format", "text", "output format: text or json")
	err := parseFlags(fs, args, stdout)
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
		return writeInterfacesJSON(stdout, ifs)
	}
	return writeInterfaces(stdout, ifs)
}

// writeInterfaces lists the capture interfaces for 'slbdiag interfaces', one
// per line, aligned.
func writeInterfaces(w io.Writer, ifs []capture.Interface) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tNAME\tFRIENDLY NAME / DESCRIPTION\tADDRESSES\tFLAGS")
	for _, i := range ifs {
		idx := "-"
		if i.Index != 0 {
			idx = fmt.Sprint(i.Index)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", idx, report.Printable(i.Name), friendly(i), orDash(addrList(i)), orDash(strings.Join(i.Flags, ",")))
	}
	return tw.Flush()
}

type interfaceJSON struct {
	Index       int      `json:"index,omitempty"`
	Name        string   `json:"name"`
	Friendly    string   `json:"friendly_name,omitempty"`
	Description string   `json:"description,omitempty"`
	Addrs       []string `json:"addresses"`
	Flags       []string `json:"flags"`
}

// writeInterfacesJSON lists the capture interfaces as a JSON array.
func writeInterfacesJSON(w io.Writer, ifs []capture.Interface) error {
	out := make([]interfaceJSON, 0, len(ifs))
	for _, i := range ifs {
		j := interfaceJSON{Index: i.Index, Name: i.Name, Friendly: i.Friendly, Description: i.Description, Addrs: []string{}, Flags: []string{}}
		for _, a := range i.Addrs {
			j.Addrs = append(j.Addrs, a.String())
		}
		j.Flags = append(j.Flags, i.Flags...)
		out = append(out, j)
	}
	return report.WriteJSON(w, out)
}

// friendly is the name a person knows the interface by, and its description.
func friendly(i capture.Interface) string {
	var parts []string
	if i.Friendly != "" && i.Friendly != i.Name {
		parts = append(parts, fmt.Sprintf("%q", i.Friendly))
	}
	if i.Description != "" {
		parts = append(parts, report.Printable(i.Description))
	}
	return orDash(strings.Join(parts, " "))
}

func addrList(i capture.Interface) string {
	s := make([]string, len(i.Addrs))
	for k, a := range i.Addrs {
		s[k] = a.String()
	}
	return strings.Join(s, " ")
}

// interfaceLine is one interface on a line of its own, as hints list them.
func interfaceLine(i capture.Interface) string {
	s := report.Printable(i.Label())
	if i.Description != "" {
		s += " " + report.Printable(i.Description)
	}
	if a := addrList(i); a != "" {
		s += ": " + a
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
