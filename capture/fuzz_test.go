package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzFile feeds arbitrary bytes to the file reader: it must return an error
// or frames, never panic, and never claim more frames than it returned.
func FuzzFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "pcaps", "*"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 1<<16 {
			f.Add(b)
		}
	}
	f.Add(pcapBytes(f, false))
	f.Add(pcapngBytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := NewFile("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		n := 0
		for {
			_, _, err := cf.ZeroCopyReadPacketData()
			if err == io.EOF {
				return
			}
			var re *ReadError
			if err != nil {
				if !errors.As(err, &re) || re.Frames != n || re.Offset > int64(len(data))*1100 {
					t.Fatalf("error %v after %d frames", err, n)
				}
				return
			}
			n++
		}
	})
}
