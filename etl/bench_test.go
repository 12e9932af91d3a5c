package etl

import (
	"os"
	"testing"
)

// BenchmarkReadBig streams the frames of a large trace named by ETL_BENCH (bench/ makes
// them with internal/benchgen -format etl); it skips without one.
func BenchmarkReadBig(b *testing.B) {
	name := os.Getenv("ETL_BENCH")
	if name == "" {
		b.Skip("ETL_BENCH names no trace")
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		rd, err := NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := rd.Next(); err != nil {
				break
			}
		}
		f.Close()
	}
}
