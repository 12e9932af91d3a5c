package analyze

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/slbdiag/slbdiag/internal/floodgen"
)

// liveBudget bounds the heap a Run may hold live at any time. The binary
// promises 256 MiB of RSS, and a Go heap grows to about twice what is
// live before it collects (GOGC=100): so half of it.
const liveBudget = 128 << 20

// liveHeap is the heap held after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampledFlood is a flood whose reader measures the live heap every
// `every` frames.
type sampledFlood struct {
	*floodgen.Flood
	frames, every int
	peak          *uint64
}

func (s *sampledFlood) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	s.frames++
	if s.frames%s.every == 0 {
		*s.peak = max(*s.peak, liveHeap())
	}
	return s.Flood.ZeroCopyReadPacketData()
}

// floodPeak analyzes a flood of n SYNs of the shape as the command line
// does (every port watched, attempts streamed to a consumer) and returns
// the largest live heap seen: while reading, while the attempts leave,
// and with the Result built.
func floodPeak(t *testing.T, shape floodgen.Shape, n int) (uint64, *Result) {
	t.Helper()
	f, err := floodgen.New(shape, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	ports, _ := ParsePorts("any")
	base := liveHeap()
	var peak uint64
	every := n / 4
	src := &sampledFlood{Flood: f, every: every, peak: &peak}
	handed := 0
	cfg := Config{Ports: ports, OnAttempt: func(*Attempt) error {
		if handed++; handed%every == 0 {
			peak = max(peak, liveHeap())
		}
		return nil
	}}
	r, err := Run(context.Background(), cfg, []Input{{Name: string(shape), Format: "pcap", Source: src}})
	if err != nil {
		t.Fatal(err)
	}
	peak = max(peak, liveHeap())
	runtime.KeepAlive(r)
	if peak < base {
		return 0, r
	}
	return peak - base, r
}

// Every shape of flood and scan stays within the memory bound, and past
// the tracker's bounds memory stays flat as the flood doubles, while
// every attempt is still counted.
func TestFloodMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("analyzes 3.6 million SYNs")
	}
	const n = 300_000
	for _, shape := range floodgen.Shapes {
		t.Run(string(shape), func(t *testing.T) {
			small, r := floodPeak(t, shape, n)
			if got := r.Summary.Counts.Total(); got != n {
				t.Errorf("%d attempts counted, want %d", got, n)
			}
			large, r := floodPeak(t, shape, 2*n)
			if got := r.Summary.Counts.Total(); got != 2*n {
				t.Errorf("%d attempts counted, want %d", got, 2*n)
			}
			t.Logf("live heap at most %d MiB for %d SYNs, %d MiB for %d", small>>20, n, large>>20, 2*n)
			if large > liveBudget {
				t.Errorf("%d MiB live for %d SYNs, over the %d MiB bound", large>>20, 2*n, liveBudget>>20)
			}
			if large > small+small/4 {
				t.Errorf("live heap grew from %d MiB to %d MiB as the flood doubled: it must stay flat", small>>20, large>>20)
			}
		})
	}
}
