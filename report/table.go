package report

import (
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// This file is the only user of tablewriter: its API and output changed
// between versions, and the golden files guard what it prints.

// destinationTable writes the outcome counts per destination.
func destinationTable(w io.Writer, v *view) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignRight),
	)
	t.Header(v.Header)
	for _, row := range v.Rows {
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}
