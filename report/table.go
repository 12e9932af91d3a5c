package report

import (
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// This file is the only user of tablewriter: its API and output changed
// between versions, and the golden files guard what it prints.

// tableText is header and rows as an ASCII table, numbers to the right.
func tableText(header []string, rows [][]string) (string, error) {
	var b strings.Builder
	t := tablewriter.NewTable(&b,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignRight),
	)
	t.Header(header)
	for _, row := range rows {
		if err := t.Append(row); err != nil {
			return "", err
		}
	}
	err := t.Render()
	return b.String(), err
}

// displayWidth is the widest line of s in terminal columns, measured as
// tablewriter pads (Chinese characters take two).
func displayWidth(s string) int {
	most := 0
	for line := range strings.Lines(s) {
		most = max(most, twwidth.Width(strings.TrimRight(line, "\n")))
	}
	return most
}
