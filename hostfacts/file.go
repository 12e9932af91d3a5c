package hostfacts

import (
	"errors"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrEncoding is a saved file in a legacy code page.
var ErrEncoding = errors.New("the file is neither UTF-8 nor UTF-16 (cmd.exe on Chinese Windows saves GBK); " +
	"save the outputs as UTF-8: run 'chcp 65001' in cmd.exe before the commands, or in PowerShell pipe them to 'Out-File -Encoding utf8'")

// ReadFile reads a host's saved command outputs (README, "Host facts"):
// one text file of the commands and what they printed. Windows PowerShell
// 5 writes `>` redirections as UTF-16LE with a BOM, so that is read too;
// cmd.exe on Chinese Windows writes GBK, which is refused with ErrEncoding
// rather than misread.
func ReadFile(name string) (*Facts, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	text, ok := decodeText(b)
	if !ok {
		return nil, ErrEncoding
	}
	return FromOutputs(name, SplitBundle(text))
}

// decodeText returns b as a string if it is UTF-8, or UTF-16 with a BOM.
func decodeText(b []byte) (string, bool) {
	le := len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE
	be := len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF
	if !le && !be {
		return string(b), utf8.Valid(b)
	}
	b = b[2:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		if le {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	return string(utf16.Decode(u)), true
}
