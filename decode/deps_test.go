package decode

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps decode at the bottom of the import graph: every
// package that reads frames (analyze, capture) uses it, so it must reach
// no package of slbdiag, nor libpcap, in its code or in its tests.
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
		if dep == "github.com/gopacket/gopacket/pcap" ||
			(strings.HasPrefix(dep, "github.com/slbdiag/slbdiag/") && !strings.HasPrefix(dep, "github.com/slbdiag/slbdiag/decode")) {
			t.Errorf("decode depends on %s", dep)
		}
	}
}
