package report

import (
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestLateRerunCommand: late replies print the command that analyzes the
// same files with a longer horizon, names quoted for the shell, and a
// name with control characters left as a placeholder.
func TestLateRerunCommand(t *testing.T) {
	r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: "a b.pcap"}, {Name: "it's.pcap"}, {Name: "bad\x1b[2J.pcap"}}}
	w := analyze.Warning{Kind: analyze.WarnLate, File: -1, Attempts: 1, Detail: "32s", Rerun: 90 * time.Second}
	want := `slbdiag analyze --horizon 1m30s 'a b.pcap' 'it'\''s.pcap' FILE`
	for _, l := range []Lang{English, Chinese} {
		if got := warningText(r, &w, l); !strings.HasSuffix(got, "\n    "+want) {
			t.Errorf("%v: %q, want it to end with %q", l, got, want)
		}
	}
	w.Rerun = 0
	if got := warningText(r, &w, English); strings.Contains(got, "--horizon") {
		t.Errorf("no reply late: %q", got)
	}
}
