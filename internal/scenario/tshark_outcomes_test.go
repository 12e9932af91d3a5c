package scenario

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTsharkOutcomes checks the outcome of every attempt of the lab's
// recordings against tshark: what came back to the client's port,
// acknowledging its ISN+1, in any of the scenario's captures (a SYN-ACK
// one capture saw may never reach the other). A completed or
// synack-no-ack attempt has a SYN-ACK, a refused one a RST and no
// SYN-ACK, an unanswered one neither.
func TestTsharkOutcomes(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed (Debian package tshark)")
	}
	for _, s := range All() {
		if !strings.HasPrefix(s.Name, "lab-dsr") {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			replies := map[string]string{} // "client port|ack": flags seen
			for _, name := range s.Files {
				out, err := exec.Command(tshark, "-n", "-r", filepath.Join(pcapsDir, name),
					"-Y", "tcp.srcport==443 && (tcp.flags.syn==1 || tcp.flags.reset==1)",
					"-T", "fields", "-E", "separator=|", "-e", "tcp.dstport", "-e", "tcp.ack_raw", "-e", "tcp.flags.syn").Output()
				if err != nil {
					t.Fatalf("tshark %s: %v", name, err)
				}
				for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
					if f := strings.Split(line, "|"); len(f) == 3 {
						kind := "rst"
						if f[2] == "1" || f[2] == "True" {
							kind = "synack"
						}
						k := f[0] + "|" + f[1]
						if replies[k] != "synack" {
							replies[k] = kind
						}
					}
				}
			}
			for _, e := range s.Expect {
				got := replies[strconv.Itoa(int(e.Client.Port()))+"|"+strconv.FormatUint(uint64(e.ISN+1), 10)]
				want := map[string]string{"completed": "synack", "synack-no-ack": "synack", "refused": "rst", "unanswered": ""}[e.Outcome]
				if got != want {
					t.Errorf("%v→%v ISN %d (%s): tshark sees %q come back, want %q", e.Client, e.Server, e.ISN, e.Outcome, got, want)
				}
			}
		})
	}
}
