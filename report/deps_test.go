package report

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps report a formatter of analyze.Result: it must not
// reach capture (files and interfaces) nor libpcap, which would put cgo
// under every report. (The tests may use capture to read captures.)
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/slbdiag/slbdiag/capture", "github.com/gopacket/gopacket/pcap":
			t.Errorf("report depends on %s", dep)
		}
	}
}
