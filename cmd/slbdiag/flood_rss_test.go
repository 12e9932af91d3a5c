package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	sizes := map[floodgen.Shape]int{floodgen.Clients: 300_000, floodgen.Clients6: 300_000, floodgen.Ports: 100_000, floodgen.Dests: 100_000}
	for _, shape := range floodgen.Shapes {
		t.Run(string(shape), func(t *testing.T) {
			n := sizes[shape]
			path := filepath.Join(t.TempDir(), string(shape)+".pcap")
			writeFlood(t, path, shape, n)
			cmd := exec.Command(binary, "analyze", "--port", "any", "--format", "json", path)
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
			rss, ok := maxRSS(cmd.ProcessState)
			if !ok {
				t.Skip("max RSS is measured on Linux only")
			}
			t.Logf("%d SYNs: max RSS %d MiB", n, rss>>20)
			if rss > floodMaxRSS {
				t.Errorf("max RSS %d MiB, over the %d MiB bound", rss>>20, floodMaxRSS>>20)
			}
		})
	}
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
