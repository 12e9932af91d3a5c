package hostfacts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// MaxFileSize is the largest saved-outputs file read: the commands a
// host's facts need print well under a megabyte, even on a host with
// hundreds of interfaces.
const MaxFileSize = 32 << 20

// Errors of ReadFile.
var (
	ErrNotText  = errors.New("the file is not text: it is neither UTF-8, UTF-16 nor GBK (save the outputs of the commands as text, not a screenshot or an archive)")
	ErrTooLarge = fmt.Errorf("the file is larger than %d MiB: save only the outputs of the commands slbdiag reads (see README, \"Host facts\")", MaxFileSize>>20)
)

// ReadFile reads a host's saved command outputs (README, "Host facts"):
// one text file of the commands and what they printed. It reads UTF-8,
// UTF-16 (Windows PowerShell 5 writes `>` redirections as UTF-16LE, with a
// BOM or, from some editors, without) and GBK (code page 936: what cmd.exe
// on Chinese Windows saves). A collector's file (docs/FACTSFILE.md) is
// read by its facts block first and its raw outputs second. It stops when
// ctx is done.
func ReadFile(ctx context.Context, name string) (*Facts, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, ErrTooLarge
	}
	text, err := decodeFile(b)
	if err != nil {
		return nil, err
	}
	if IsCollected(text) {
		return readCollected(ctx, name, text)
	}
	return Parse(ctx, name, text)
}

// Decode returns saved command outputs as a string: UTF-8, UTF-16 with a
// BOM or recognisable without one, or GBK; anything else is ErrNotText.
func Decode(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	var text string
	switch le, be := utf16Order(b); {
	case le || be:
		text = decodeUTF16(b, le)
	case utf8.Valid(b):
		text = string(b)
	default:
		gbk, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		if err != nil {
			return "", ErrNotText
		}
		text = string(gbk)
	}
	if !looksLikeText(text) {
		return "", ErrNotText
	}
	return lineEnds(text), nil
}

// utf16Order tells UTF-16 by its BOM, or, without one, by the zero bytes
// that ASCII text has in every other byte.
func utf16Order(b []byte) (le, be bool) {
	switch {
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return true, false
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return false, true
	case len(b) < 16 || len(b)%2 != 0:
		return false, false
	}
	var even, odd int
	n := min(len(b), 4096)
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	return odd*10 > half*7 && even*10 < half, even*10 > half*7 && odd*10 < half
}

func decodeUTF16(b []byte, le bool) string {
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		b = b[2:]
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if le {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	return string(utf16.Decode(u))
}

// looksLikeText refuses what decoded into control characters or
// replacement characters: random or binary bytes decode as GBK as often as
// not, but a console's output holds neither.
func looksLikeText(s string) bool {
	bad, n := 0, 0
	for _, r := range s {
		n++
		switch {
		case r == 0:
			return false
		case r == '\n' || r == '\r' || r == '\t' || r == '\f' || r == 0x1b || r == '\b':
		case r == utf8.RuneError || unicode.IsControl(r) || (r >= 0xE000 && r <= 0xF8FF):
			bad++
		}
	}
	return bad*100 <= n
}
