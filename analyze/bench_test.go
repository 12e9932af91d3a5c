package analyze

import (
	"context"
	"os"
	"testing"

	"github.com/slbdiag/slbdiag/capture"
)

// BenchmarkRunFile replays the capture named by $SLBDIAG_BENCH_FILE (for
// profiling on a large capture, such as bench/run.sh writes), read ahead
// as the command line does. It skips without one.
func BenchmarkRunFile(b *testing.B) {
	path := os.Getenv("SLBDIAG_BENCH_FILE")
	if path == "" {
		b.Skip("set SLBDIAG_BENCH_FILE to a capture")
	}
	ports, _ := ParsePorts("443")
	b.ReportAllocs()
	for b.Loop() {
		f, err := capture.Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := os.Stat(path)
		b.SetBytes(st.Size())
		Run(context.Background(), Config{Ports: ports, ReadAhead: true}, []Input{{Name: path, Format: f.Format, Source: f}})
		f.Close()
	}
}
