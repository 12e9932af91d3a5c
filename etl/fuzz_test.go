package etl

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader, seeded with traces of both
// kinds from the writer and, where they lie beside the repository, the
// small real ones: it must return an error or a trace, never panic, and
// every frame must hold a packet event.
func FuzzRead(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(sharedDir, "*.etl"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	pm, ns := synthPktMon(f), synthNetsh(f)
	f.Add(pm)
	f.Add(ns[:len(ns)/3*2])
	offs := bufferOffsets(pm)
	f.Add(pm[:offs[len(offs)-1]+100])
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		copies := 0
		for _, fr := range tr.Frames() {
			if len(fr.Copies) == 0 {
				t.Fatal("a frame without events")
			}
			copies += len(fr.Copies)
			fr.Ethernet()
			fr.SYN()
		}
		if copies != len(tr.Packets) {
			t.Fatalf("%d copies in frames, %d packet events", copies, len(tr.Packets))
		}
	})
}
