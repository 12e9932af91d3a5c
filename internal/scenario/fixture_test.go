package scenario

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestEveryCauseHasFixture: every cause slbdiag recognises is the finding
// a bundled capture must give, so the golden reports show each one; and
// no scenario expects a cause analyze does not know.
func TestEveryCauseHasFixture(t *testing.T) {
	known := analyze.Causes()
	for _, c := range known {
		var with []string
		for _, s := range All() {
			if slices.Contains(s.Causes, string(c)) {
				with = append(with, s.Name)
			}
		}
		if len(with) == 0 {
			t.Errorf("%s: no scenario expects it (add a fixture, and its line in testdata/pcaps/README.md)", c)
			continue
		}
		for _, s := range All() {
			if s.Name != with[0] {
				continue
			}
			for _, f := range s.Files {
				if _, err := os.Stat(filepath.Join(pcapsDir, f)); err != nil {
					t.Errorf("%s: fixture of scenario %s: %v", c, s.Name, err)
				}
			}
		}
	}
	for _, s := range All() {
		for _, c := range s.Causes {
			if !slices.Contains(known, analyze.Cause(c)) {
				t.Errorf("scenario %s expects %s, which analyze does not know", s.Name, c)
			}
		}
	}
}
