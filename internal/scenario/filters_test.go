package scenario

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
)

// TestEvidenceCountsMatchFilters checks every number slbdiag prints
// beside a Wireshark display filter against Wireshark itself: for every
// bundled capture, each finding's evidence counts exactly the packets
// `tshark -r FILE -Y FILTER` shows, summed over the scenario's files. A
// ticket reader who pastes the filter must see the number the report
// gave, and the frames the report cites among them.
//
// Where a tool recorded each packet several times, tshark shows every
// copy and marks the copies as retransmissions while slbdiag counts each
// packet once: there the count is a lower bound of what tshark shows.
// Where several captures saw the same traffic, one file's filter cannot
// show what slbdiag learnt from both (a SYN-ACK seen on one side, lost
// on the other): those are not compared here.
func TestEvidenceCountsMatchFilters(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed (Debian package tshark)")
	}
	for _, s := range All() {
		if strings.HasSuffix(s.Files[0], ".txt") || sameTraffic(s.Name) {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			res := analyzeScenario(t, s)
			copies := CopiesPerTransmission(s.Name)
			for _, f := range res.Findings {
				for _, e := range f.Evidence {
					if !countsFilter(e) {
						continue
					}
					got := 0
					shown := map[analyze.FrameRef]bool{}
					for i, name := range s.Files {
						frames := tsharkFrames(t, tshark, filepath.Join(pcapsDir, name), e.Filter)
						for _, n := range frames {
							shown[analyze.FrameRef{File: i, Frame: n}] = true
						}
						got += len(frames)
					}
					ok := got == e.Count
					if copies > 1 {
						ok = e.Count <= got
					}
					if !ok {
						t.Errorf("%s %s: slbdiag counts %d, tshark -2 -Y %q shows %d packets (copies per packet: %d)",
							f.Cause, e.Kind, e.Count, e.Filter, got, copies)
					}
					for _, ref := range e.Frames {
						if !shown[ref] {
							t.Errorf("%s %s: frame %d of %s is cited, but tshark -2 -Y %q does not show it",
								f.Cause, e.Kind, ref.Frame, s.Files[ref.File], e.Filter)
						}
					}
				}
			}
		})
	}
}

// sameTraffic says whether a scenario's captures saw the same packets at
// different points: two-sides and the lab's pairs (labPairs).
func sameTraffic(name string) bool { return name == "two-sides" || strings.HasSuffix(name, "-pair") }

// TestNotAtBackendFilter checks the evidence of SYNs absent from a
// backend's capture against Wireshark: its filter shows not one packet in
// the backend's capture (the file of its frames, which tshark shows as
// SYNs to the host's own address) and, in the other captures, the SYNs
// the finding counts.
func TestNotAtBackendFilter(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed (Debian package tshark)")
	}
	checked := 0
	for _, s := range All() {
		if strings.HasSuffix(s.Files[0], ".txt") || len(s.Files) < 2 {
			continue
		}
		for _, f := range analyzeScenario(t, s).Findings {
			for _, e := range f.Evidence {
				if e.Kind != analyze.EvNotAtBackend {
					continue
				}
				checked++
				if len(e.Frames) == 0 {
					t.Fatalf("%s: %s cites no frame of the backend's capture", s.Name, e.Kind)
				}
				backend := e.Frames[0].File
				others := 0
				for i, name := range s.Files {
					shown := tsharkFrames(t, tshark, filepath.Join(pcapsDir, name), e.Filter)
					if i == backend {
						if len(shown) != 0 {
							t.Errorf("%s: tshark -Y %q shows frames %v in the backend's %s", s.Name, e.Filter, shown, name)
						}
						host := tsharkFrames(t, tshark, filepath.Join(pcapsDir, name),
							fmt.Sprintf("%s && tcp.flags.syn==1 && tcp.flags.ack==0", addrTest(e.Addr)))
						for _, ref := range e.Frames {
							if ref.File != backend || !slices.Contains(host, ref.Frame) {
								t.Errorf("%s: frame %d of %s is cited as a SYN to %s, which tshark does not show", s.Name, ref.Frame, s.Files[ref.File], e.Addr)
							}
						}
						continue
					}
					others += len(shown)
				}
				if others != f.Syns {
					t.Errorf("%s: the other captures show %d SYNs with %q; the finding counts %d", s.Name, others, e.Filter, f.Syns)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no scenario has SYNs absent from a backend's capture")
	}
}

func addrTest(a netip.Addr) string {
	if a.Is4() {
		return "ip.dst==" + a.String()
	}
	return "ipv6.dst==" + a.String()
}

// analyzeScenario replays a scenario as 'slbdiag analyze' does.
func analyzeScenario(t *testing.T, s Scenario) *analyze.Result {
	t.Helper()
	ports, err := analyze.ParsePorts("443")
	if err != nil {
		t.Fatal(err)
	}
	cfg := analyze.Config{Ports: ports, Grace: analyze.DefaultGrace}
	if s.VIP != "" {
		if cfg.VIPs, err = analyze.ParsePrefixes(s.VIP); err != nil {
			t.Fatal(err)
		}
	}
	var inputs []analyze.Input
	for _, name := range s.Files {
		f, err := capture.Open(filepath.Join(pcapsDir, name), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		inputs = append(inputs, analyze.Input{Name: f.Name, Format: f.Format, Source: f})
	}
	res, err := analyze.Run(context.Background(), cfg, inputs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tsharkFrames lists the frames a display filter shows in a file, with
// Wireshark's default settings and both passes, as the Wireshark window
// shows them (tcp.completeness is final only on the second pass).
func tsharkFrames(t *testing.T, tshark, path, filter string) []int {
	t.Helper()
	// Fragments are reassembled, as by default: tshark then shows a
	// fragmented SYN in the frame that completes it, where slbdiag
	// numbers it too.
	cmd := exec.Command(tshark, "-2", "-n", "-r", path, "-Y", filter, "-T", "fields", "-e", "frame.number")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && strings.Contains(stderr.String(), "cut short")) {
		t.Fatalf("tshark -Y %q: %v\n%s", filter, err, stderr.String())
	}
	var frames []int
	for _, f := range strings.Fields(string(out)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("tshark frame number %q: %v", f, err)
		}
		frames = append(frames, n)
	}
	return frames
}

// countsFilter reports whether an evidence's Count is the number of
// packets its Filter shows, as the report prints them side by side.
// Evidence from host facts, and the SYNs' MAC, print no count.
// The SYNs absent from a backend's capture are shown by a filter that
// shows them in the other capture only, beside frames of the host's own
// handshakes: TestNotAtBackendFilter checks it per file.
func countsFilter(e analyze.Evidence) bool {
	return e.Filter != "" && e.Fact == nil && e.Kind != analyze.EvHostMAC && e.Kind != analyze.EvNotAtBackend
}
