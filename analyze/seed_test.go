package analyze

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/capture"
)

const pcapsDir = "../testdata/pcaps"

// bundledCaptures lists the sample captures (not the deliberately bad files).
func bundledCaptures(tb testing.TB) []string {
	tb.Helper()
	entries, err := os.ReadDir(pcapsDir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !strings.HasSuffix(n, ".md") && !strings.HasSuffix(n, ".txt") {
			names = append(names, filepath.Join(pcapsDir, n))
		}
	}
	return names
}

// readFrames reads a capture's frames by link type, up to any damage.
func readFrames(tb testing.TB, path string) map[layers.LinkType][][]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := capture.NewFile(path, bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[layers.LinkType][][]byte{}
	for {
		b, ci, err := f.ZeroCopyReadPacketData()
		if err != nil {
			var re *capture.ReadError
			if errors.Is(err, io.EOF) || errors.As(err, &re) {
				return out
			}
			tb.Fatal(err)
		}
		lt := f.LinkType()
		if len(ci.AncillaryData) > 0 {
			if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
				lt = l
			}
		}
		out[lt] = append(out[lt], bytes.Clone(b))
	}
}

// addBundledSeeds gives FuzzRun the frames of every bundled capture, in
// its own input format: a link type index, then length-prefixed frames.
func addBundledSeeds(f *testing.F) {
	for _, path := range bundledCaptures(f) {
		for lt, frames := range readFrames(f, path) {
			i := slices.Index(fuzzLinkTypes, lt)
			if i < 0 {
				continue
			}
			var in []byte
			for _, fr := range frames {
				if len(fr) > 255 {
					fr = fr[:255]
				}
				in = append(in, byte(len(fr)))
				in = append(in, fr...)
			}
			f.Add(uint8(i), in)
		}
	}
}

// BenchmarkRun measures a whole analysis of each bundled capture held in
// memory: reading, decoding, tracking and diagnosis.
func BenchmarkRun(b *testing.B) {
	ports, _ := ParsePorts("443")
	for _, path := range bundledCaptures(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(path), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				f, err := capture.NewFile(path, bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				Run(context.Background(), Config{Ports: ports}, []Input{{Name: path, Format: f.Format, Source: f}})
			}
		})
	}
}

// addBundledFrames gives FuzzDecode every frame of every bundled capture,
// each with the index of its link type.
func addBundledFrames(f *testing.F) {
	for _, path := range bundledCaptures(f) {
		for lt, frames := range readFrames(f, path) {
			i := slices.Index(fuzzLinkTypes, lt)
			if i < 0 {
				continue
			}
			for _, fr := range frames {
				f.Add(uint8(i), fr)
			}
		}
	}
}
