package hostfacts

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzBundle feeds arbitrary text to the reader of saved command outputs
// (the splitter and every parser behind it): a customer's file is
// untrusted, so it must give facts or an error, never a panic.
func FuzzBundle(f *testing.F) {
	samples, _ := filepath.Glob(filepath.Join("..", "testdata", "hostfacts", "*", "*.txt"))
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "hostfacts", "*", "*", "*.txt"))
	for _, p := range append(samples, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("PS C:\\> netsh interface ipv4 show interface 12\n\nInterface Ethernet Parameters\n----\nIfLuid : x\nWeak Host Sends : enabled\n")
	f.Fuzz(func(t *testing.T, text string) {
		facts, err := FromOutputs("fuzz", SplitBundle(text))
		if err == nil && facts == nil {
			t.Fatal("no facts and no error")
		}
	})
}

// FuzzDecode: any bytes decode to text or give ErrNotText, never a panic,
// and what decodes parses without one.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("PS C:\\> ver\r\n"))
	f.Add([]byte{0xFF, 0xFE, 'P', 0, 'S', 0, '>', 0})
	f.Add([]byte{0xb0, 0xe6, 0xb1, 0xbe})
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := Decode(b)
		if err != nil {
			return
		}
		FromOutputs("fuzz", SplitBundle(text))
	})
}
