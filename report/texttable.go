package report

import (
	"fmt"
	"io"
	"strings"
)

// DefaultWidth is the text report's width when Options.Width is 0: what
// mail and ticket systems show without wrapping lines.
const DefaultWidth = 100

// The destination table's first columns: destination, role, total; the
// outcomes follow.
const outcomeColumn = 3

// writeDestinations writes the table of destinations in at most width
// columns: whole when it fits; else without the outcomes that are 0 for
// every destination, named below it; else as one line per destination
// with its counts that are not 0.
func writeDestinations(w io.Writer, v *view, width int, l Lang) error {
	if width <= 0 {
		width = DefaultWidth
	}
	whole, err := tableText(v.Header, v.Rows)
	if err != nil || displayWidth(whole) <= width {
		_, _ = io.WriteString(w, whole)
		return err
	}
	header, rows, zero := dropZeroOutcomes(v.Header, v.Rows)
	narrow, err := tableText(header, rows)
	if err != nil {
		return err
	}
	if displayWidth(narrow) > width {
		_, err = io.WriteString(w, destinationLines(v.Header, v.Rows, l))
		return err
	}
	_, _ = io.WriteString(w, narrow)
	if len(zero) > 0 {
		for _, line := range wrap(l.tr(fmt.Sprintf("Not shown, 0 for every destination: %s.", l.list(zero)), fmt.Sprintf("未列出的结果在所有目的地址上都为 0：%s。", l.list(zero))), "", "  ", proseWidth) {
			_, _ = fmt.Fprintln(w, line)
		}
	}
	return nil
}

// dropZeroOutcomes leaves out the outcome columns that are "0" in every
// row, and names them.
func dropZeroOutcomes(header []string, rows [][]string) (h []string, r [][]string, zero []string) {
	keep := make([]bool, len(header))
	for i := range header {
		keep[i] = i < outcomeColumn
		for _, row := range rows {
			keep[i] = keep[i] || row[i] != "0"
		}
		if keep[i] {
			h = append(h, header[i])
		} else {
			zero = append(zero, header[i])
		}
	}
	for _, row := range rows {
		var cells []string
		for i, c := range row {
			if keep[i] {
				cells = append(cells, c)
			}
		}
		r = append(r, cells)
	}
	return h, r, zero
}

// destinationLines is the table as one line per destination, for a
// terminal too narrow for columns: "192.0.2.10:443, likely VIP: total 3,
// unanswered 3".
func destinationLines(header []string, rows [][]string, l Lang) string {
	var b strings.Builder
	for _, row := range rows {
		counts := []string{header[outcomeColumn-1] + " " + row[outcomeColumn-1]}
		for i := outcomeColumn; i < len(row); i++ {
			if row[i] != "0" {
				counts = append(counts, header[i]+" "+row[i])
			}
		}
		fmt.Fprintf(&b, "- %s%s%s%s%s\n", row[0], l.tr(", ", "，"), row[1], l.colon(), l.list(counts))
	}
	return b.String()
}
