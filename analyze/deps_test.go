package analyze

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps analyze about packets: what the host's own
// configuration says is a stage of its own (package hostcheck), so
// analyze must not reach hostfacts, in its code or in its tests.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list named no dependencies")
	}
	for _, dep := range deps {
		if dep == "github.com/slbdiag/slbdiag/hostfacts" || dep == "github.com/slbdiag/slbdiag/hostcheck" {
			t.Errorf("analyze depends on %s", dep)
		}
	}
}
