package report

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slbdiag/slbdiag/analyze"
)

// This file is the only user of tablewriter: its API and output changed
// between versions, and the golden files guard what it prints.

// destinationTable writes the outcome counts per destination.
func destinationTable(w io.Writer, r *analyze.Result) error {
	header := []string{"destination", "role", "total"}
	for _, o := range analyze.Outcomes() {
		header = append(header, o.String())
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignRight),
	)
	t.Header(header)
	for _, d := range r.Destinations {
		row := []string{d.Server.String(), roleName(d.Role), fmt.Sprint(d.Counts.Total())}
		for _, n := range d.Counts {
			row = append(row, fmt.Sprint(n))
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}
