package etl

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrXpress means a compressed buffer does not decompress.
var ErrXpress = errors.New("xpress: corrupt compressed data")

// decompressXpress decodes the plain LZ77 variant of XPRESS (MS-XCA
// §2.3–2.4), the only compression pktmon buffers were seen to use, into
// exactly want bytes. No well-kept Go implementation of this variant exists
// (the libraries met do LZNT1 or XPRESS Huffman), hence this one.
func decompressXpress(in []byte, want int) ([]byte, error) {
	out := make([]byte, 0, want)
	var flags uint32
	nflags := 0
	pos := 0
	halfByte := -1 // where the shared length nibble lies, once one is read
	for len(out) < want {
		if nflags == 0 {
			if pos+4 > len(in) {
				return out, fmt.Errorf("%w: flags past the end at %d", ErrXpress, pos)
			}
			flags = binary.LittleEndian.Uint32(in[pos:])
			pos += 4
			nflags = 32
		}
		nflags--
		if flags&(1<<nflags) == 0 {
			if pos >= len(in) {
				return out, fmt.Errorf("%w: literal past the end at %d", ErrXpress, pos)
			}
			out = append(out, in[pos])
			pos++
			continue
		}
		length, dist, next, err := xpressMatch(in, pos, &halfByte)
		if err != nil {
			return out, err
		}
		pos = next
		if dist > len(out) || length > want-len(out) {
			return out, fmt.Errorf("%w: match of %d bytes %d back at output %d", ErrXpress, length, dist, len(out))
		}
		from := len(out) - dist
		if dist >= length {
			out = append(out, out[from:from+length]...)
			continue
		}
		for i := 0; i < length; i++ { // byte by byte: the match overlaps itself
			out = append(out, out[from+i])
		}
	}
	return out, nil
}

// xpressMatch reads one match token at pos: its length, its distance and
// where the next token starts.
func xpressMatch(in []byte, pos int, halfByte *int) (length, dist, next int, err error) {
	short := func(what string) error { return fmt.Errorf("%w: %s past the end at %d", ErrXpress, what, pos) }
	if pos+2 > len(in) {
		return 0, 0, 0, short("match")
	}
	v := int(binary.LittleEndian.Uint16(in[pos:]))
	pos += 2
	length, dist = v&7, v>>3+1
	if length == 7 {
		if *halfByte < 0 {
			if pos >= len(in) {
				return 0, 0, 0, short("length nibble")
			}
			length = int(in[pos] & 0x0f)
			*halfByte = pos
			pos++
		} else {
			length = int(in[*halfByte] >> 4)
			*halfByte = -1
		}
		if length == 15 {
			if pos >= len(in) {
				return 0, 0, 0, short("length byte")
			}
			length = int(in[pos])
			pos++
			if length == 255 {
				if pos+2 > len(in) {
					return 0, 0, 0, short("length word")
				}
				length = int(binary.LittleEndian.Uint16(in[pos:]))
				pos += 2
				if length == 0 {
					if pos+4 > len(in) {
						return 0, 0, 0, short("length dword")
					}
					length = int(binary.LittleEndian.Uint32(in[pos:]))
					pos += 4
				}
				if length < 15+7 {
					return 0, 0, 0, fmt.Errorf("%w: match length %d too short at %d", ErrXpress, length, pos)
				}
				length -= 15 + 7
			}
			length += 15
		}
		length += 7
	}
	return length + 3, dist, pos, nil
}
