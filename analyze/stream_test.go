package analyze

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slbdiag/slbdiag/capture"
)

// runBoth replays the captures with and without read-ahead.
func runBoth(t *testing.T, paths []string) (inline, ahead *Result) {
	t.Helper()
	ports, _ := ParsePorts("443")
	run := func(readAhead bool) *Result {
		var inputs []Input
		for _, path := range paths {
			f, err := capture.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			inputs = append(inputs, Input{Name: path, Format: f.Format, Source: f})
		}
		r, _ := Run(context.Background(), Config{Ports: ports, ReadAhead: readAhead}, inputs)
		return r
	}
	return run(false), run(true)
}

// Reading ahead on other goroutines changes nothing in the result, for one
// input and for several merged.
func TestReadAheadSameResult(t *testing.T) {
	all := bundledCaptures(t)
	for _, path := range all {
		t.Run(filepath.Base(path), func(t *testing.T) {
			inline, ahead := runBoth(t, []string{path})
			if d := cmp.Diff(inline, ahead, cmp.Exporter(func(reflect.Type) bool { return true })); d != "" {
				t.Errorf("read-ahead differs (-inline +ahead):\n%s", d)
			}
		})
	}
	t.Run("merged", func(t *testing.T) {
		inline, ahead := runBoth(t, all)
		if d := cmp.Diff(inline, ahead, cmp.Exporter(func(reflect.Type) bool { return true })); d != "" {
			t.Errorf("read-ahead differs (-inline +ahead):\n%s", d)
		}
	})
}
