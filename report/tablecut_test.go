package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestTableCutSaidAtTheTable: when the table lists only the first
// destinations, the text and Markdown reports say so where the table is,
// not only under Warnings at the end.
func TestTableCutSaidAtTheTable(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	r.Warnings = append(r.Warnings, analyze.Warning{Kind: analyze.WarnDestsCapped, Limit: 2, Count: 7, Attempts: 9})
	for _, format := range []string{"text", "markdown"} {
		render, _ := Lookup(format)
		var b bytes.Buffer
		if err := render(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		out := strings.Join(strings.Fields(b.String()), " ")
		table := strings.Index(out, "Handshakes by destination")
		cut := strings.Index(out, "the first 2 are listed")
		if table < 0 || cut < table || cut > table+300 {
			t.Errorf("%s: the cut is not said at the table (table at %d, note at %d):\n%s", format, table, cut, b.String())
		}
	}
}
