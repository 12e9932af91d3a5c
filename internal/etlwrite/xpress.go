package etlwrite

import "encoding/binary"

// The limits of plain LZ77 XPRESS (MS-XCA §2.3): a match reaches back
// 8192 bytes at most and is at least 3 bytes long.
const (
	xpressWindow = 8192
	xpressMinLen = 3
	xpressMaxLen = 1 << 16
)

// compressXpress encodes b as plain LZ77 XPRESS, greedily, matching the
// decoder of MS-XCA §2.4 that Windows and the etl package use.
func compressXpress(b []byte) []byte {
	e := xpressEncoder{out: make([]byte, 0, len(b)/2+8), halfByte: -1}
	e.newFlags()
	table := make(map[[3]byte]int, 1<<12)
	for i := 0; i < len(b); {
		length, dist := 0, 0
		if i+xpressMinLen <= len(b) {
			key := [3]byte(b[i : i+3])
			if j, ok := table[key]; ok && i-j <= xpressWindow {
				for length < xpressMaxLen && i+length < len(b) && b[j+length] == b[i+length] {
					length++
				}
				dist = i - j
			}
			table[key] = i
		}
		if length < xpressMinLen {
			e.literal(b[i])
			i++
			continue
		}
		e.match(length, dist)
		for k := i + 1; k < i+length && k+3 <= len(b); k++ {
			table[[3]byte(b[k:k+3])] = k
		}
		i += length
	}
	return e.out
}

type xpressEncoder struct {
	out      []byte
	flagsAt  int // where the current flag word lies
	flags    uint32
	nflags   int // flag bits used in it
	halfByte int // a length byte whose high nibble is still free, or -1
}

func (e *xpressEncoder) newFlags() {
	e.flagsAt, e.flags, e.nflags = len(e.out), 0, 0
	e.out = append(e.out, 0, 0, 0, 0)
}

// flag records one token's kind, most significant bit first.
func (e *xpressEncoder) flag(match bool) {
	if e.nflags == 32 {
		e.newFlags()
	}
	if match {
		e.flags |= 1 << (31 - e.nflags)
	}
	e.nflags++
	binary.LittleEndian.PutUint32(e.out[e.flagsAt:], e.flags)
}

func (e *xpressEncoder) literal(c byte) {
	e.flag(false)
	e.out = append(e.out, c)
}

func (e *xpressEncoder) match(length, dist int) {
	e.flag(true)
	m := length - xpressMinLen
	v := uint16((dist - 1) << 3)
	if m < 7 {
		e.out = binary.LittleEndian.AppendUint16(e.out, v|uint16(m))
		return
	}
	e.out = binary.LittleEndian.AppendUint16(e.out, v|7)
	n := byte(min(m-7, 15))
	if e.halfByte < 0 {
		e.halfByte = len(e.out)
		e.out = append(e.out, n)
	} else {
		e.out[e.halfByte] |= n << 4
		e.halfByte = -1
	}
	if m-7 < 15 {
		return
	}
	if m-22 < 255 {
		e.out = append(e.out, byte(m-22))
		return
	}
	e.out = append(e.out, 255)
	if m < 1<<16 {
		e.out = binary.LittleEndian.AppendUint16(e.out, uint16(m))
		return
	}
	e.out = binary.LittleEndian.AppendUint16(e.out, 0)
	e.out = binary.LittleEndian.AppendUint32(e.out, uint32(m))
}
