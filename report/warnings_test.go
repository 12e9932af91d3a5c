package report

import (
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// Warnings written beside JSONL reach a terminal without a report around
// them: a file name with an escape sequence is escaped.
func TestWarningTextsEscaped(t *testing.T) {
	r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: "x\x1b]0;owned\x07.pcap"}},
		Warnings: []analyze.Warning{{Kind: analyze.WarnDamaged, File: 0, Count: 3, Detail: "cut\x1b[2J", Offset: -1}}}
	for _, s := range WarningTexts(r, Options{}) {
		if strings.ContainsAny(s, "\x1b\x07") {
			t.Errorf("raw control characters in %q", s)
		}
	}
}
