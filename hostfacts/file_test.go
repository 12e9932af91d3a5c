package hostfacts

import (
	"testing"
	"unicode/utf16"
)

// TestDecodeUTF16: Windows PowerShell 5 saves `>` redirections as UTF-16LE.
func TestDecodeUTF16(t *testing.T) {
	want := "PS C:\\> ver\r\nMicrosoft Windows [版本 10.0.17763.1]\r\n"
	u := utf16.Encode([]rune(want))
	b := []byte{0xFF, 0xFE}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	if got, err := Decode(b); err != nil || got != want {
		t.Errorf("Decode = %q, %v; want %q", got, err, want)
	}
}
