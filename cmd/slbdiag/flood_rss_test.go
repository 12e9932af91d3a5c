package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/slbdiag/slbdiag/internal/floodgen"
)

// floodMaxRSS is the memory README promises for any capture.
const floodMaxRSS = 256 << 20

// The built binary analyzes every shape of flood and scan, every port
// watched, within the memory bound, and counts every attempt.
func TestBinaryFloodsStayWithinMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and analyzes 800,000 SYNs")
	}
	// GNU time measures the child it forks: a process this test starts
	// directly reports at least this test's own peak, which Linux carries
	// across exec.
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		t.Skip("max RSS needs GNU time (Debian package time)")
	}
	sizes := map[floodgen.Shape]int{floodgen.Clients: 300_000, floodgen.Clients6: 300_000, floodgen.Ports: 100_000, floodgen.Dests: 100_000}
	for _, shape := range floodgen.Shapes {
		t.Run(string(shape), func(t *testing.T) {
			n := sizes[shape]
			path := filepath.Join(t.TempDir(), string(shape)+".pcap")
			writeFlood(t, path, shape, n)
			rssFile := filepath.Join(t.TempDir(), "rss")
			cmd := exec.Command(gnuTime, "-f", "%M", "-o", rssFile, binary, "analyze", "--port", "any", "--format", "json", path)
			out, err := cmd.Output()
			// Problems found (1), or, for a flood shorter than the grace
			// time that fits in the tracker, every attempt pending (3).
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 && exit.ExitCode() != 3 {
				t.Fatalf("exit %v, want 1 or 3", err)
			}
			var r struct {
				Summary struct {
					Attempts int `json:"attempts"`
				} `json:"summary"`
			}
			if err := json.Unmarshal(out, &r); err != nil || r.Summary.Attempts != n {
				t.Errorf("%d attempts reported (%v), want %d", r.Summary.Attempts, err, n)
			}
			rss := gnuTimeRSS(t, rssFile)
			t.Logf("%d SYNs: max RSS %d MiB", n, rss>>20)
			if rss > floodMaxRSS {
				t.Errorf("max RSS %d MiB, over the %d MiB bound", rss>>20, floodMaxRSS>>20)
			}
		})
	}
}

// gnuTimeRSS reads the max RSS GNU time wrote (in KiB, on its last line).
func gnuTimeRSS(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		t.Fatalf("GNU time wrote nothing to %s", path)
	}
	kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("GNU time wrote %q: %v", b, err)
	}
	return kib << 10
}

func writeFlood(t *testing.T, path string, shape floodgen.Shape, n int) {
	t.Helper()
	f, err := floodgen.New(shape, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	w := pcapgo.NewWriterNanos(out)
	if err := w.WriteFileHeader(65535, f.LinkType()); err != nil {
		t.Fatal(err)
	}
	for {
		b, ci, err := f.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err := w.WritePacket(ci, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
