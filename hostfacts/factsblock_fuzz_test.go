package hostfacts

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCollected: no collector's file, however damaged, panics or
// hangs the reader; what it returns is either facts or an error.
func FuzzReadCollected(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(collectedDir, "*.txt"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("slbdiag-collect/1\nfacts-begin\nos name=windows\nsslcert ccs=%3A\nsslcert host=:\nfacts-end\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := decodeFile(b)
		if err != nil || !IsCollected(text) {
			return
		}
		facts, err := readCollected(context.Background(), "fuzz", text)
		if err == nil && facts == nil {
			t.Fatal("no facts and no error")
		}
	})
}
