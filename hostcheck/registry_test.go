package hostcheck

import (
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestEveryFactCheck: every host-facts check a cause names has its
// implementation here (FactsNone being an explicit "the facts say nothing
// of it"), and every implementation serves a cause.
func TestEveryFactCheck(t *testing.T) {
	named := map[analyze.FactCheck]bool{}
	for _, cause := range analyze.Causes() {
		c := cause.FactCheck()
		named[c] = true
		if c != analyze.FactsNone && factChecks[c] == nil {
			t.Errorf("%s: names host-facts check %d, which has no implementation", cause, c)
		}
	}
	for c := range factChecks {
		if !named[c] {
			t.Errorf("host-facts check %d serves no cause", c)
		}
	}
	if len(factChecks) == 0 {
		t.Error("no host-facts check implemented")
	}
}
