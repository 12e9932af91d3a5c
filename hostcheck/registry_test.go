package hostcheck

import (
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestEveryFactCheck: every host-facts check a cause can name has its
// implementation here, and every cause names one that exists (FactsNone
// being an explicit "the facts say nothing of it").
func TestEveryFactCheck(t *testing.T) {
	for _, c := range analyze.FactChecks() {
		if factChecks[c] == nil {
			t.Errorf("host-facts check %d has no implementation", c)
		}
	}
	if len(factChecks) != len(analyze.FactChecks()) {
		t.Errorf("%d checks implemented, analyze names %d", len(factChecks), len(analyze.FactChecks()))
	}
	for _, cause := range analyze.Causes() {
		if c := cause.FactCheck(); c != analyze.FactsNone && factChecks[c] == nil {
			t.Errorf("%s: names host-facts check %d, which has no implementation", cause, c)
		}
	}
}
