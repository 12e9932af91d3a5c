package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/slbdiag/slbdiag/capture"
)

// Interfaces lists the capture interfaces for 'slbdiag interfaces', one
// per line, aligned.
func Interfaces(w io.Writer, ifs []capture.Interface) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tNAME\tFRIENDLY NAME / DESCRIPTION\tADDRESSES\tFLAGS")
	for _, i := range ifs {
		idx := "-"
		if i.Index != 0 {
			idx = fmt.Sprint(i.Index)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", idx, printable(i.Name), friendly(i), orDash(addrList(i)), orDash(strings.Join(i.Flags, ",")))
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

// InterfacesJSON lists the capture interfaces as a JSON array.
func InterfacesJSON(w io.Writer, ifs []capture.Interface) error {
	out := make([]interfaceJSON, 0, len(ifs))
	for _, i := range ifs {
		j := interfaceJSON{Index: i.Index, Name: i.Name, Friendly: i.Friendly, Description: i.Description, Addrs: []string{}, Flags: []string{}}
		for _, a := range i.Addrs {
			j.Addrs = append(j.Addrs, a.String())
		}
		j.Flags = append(j.Flags, i.Flags...)
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// friendly is the name a person knows the interface by, and its description.
func friendly(i capture.Interface) string {
	var parts []string
	if i.Friendly != "" && i.Friendly != i.Name {
		parts = append(parts, fmt.Sprintf("%q", i.Friendly))
	}
	if i.Description != "" {
		parts = append(parts, printable(i.Description))
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

// InterfaceLine is one interface on a line of its own, as hints list them.
func InterfaceLine(i capture.Interface) string {
	s := printable(i.Label())
	if i.Description != "" {
		s += " " + printable(i.Description)
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
