package etl

import (
	"fmt"
)

// Header types of trace records (byte 2 of a record's first word).
const (
	hdrSystem32     = 0x01
	hdrSystem64     = 0x02
	hdrCompact32    = 0x03
	hdrCompact64    = 0x04
	hdrPerfInfo32   = 0x10
	hdrPerfInfo64   = 0x11
	hdrEventHeader  = 0x13 // EVENT_HEADER, 64-bit
	hdrFullHeader64 = 0x14 // classic EVENT_TRACE_HEADER, 64-bit
)

// record is one trace record of a buffer, of the kinds the reader needs.
type record struct {
	kind     byte   // header type
	raw      uint64 // timestamp in the logger's clock
	provider GUID   // EVENT_HEADER and classic records
	id       uint16 // event id (EVENT_HEADER) or class type (classic) or hook id (SYSTEM)
	version  uint8
	keyword  uint64
	data     []byte // user data: valid until the next buffer
}

// GUID is a Windows GUID as it lies in a file.
type GUID [16]byte

func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le32(g[:], 0), le16(g[:], 4), le16(g[:], 6), g[8:10], g[10:])
}

// parseGUID reads "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into its file layout.
func parseGUID(s string) GUID {
	var g GUID
	var a uint32
	var b, c uint16
	var d [8]byte
	fmt.Sscanf(s, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7])
	g[0], g[1], g[2], g[3] = byte(a), byte(a>>8), byte(a>>16), byte(a>>24)
	g[4], g[5], g[6], g[7] = byte(b), byte(b>>8), byte(c), byte(c>>8)
	copy(g[8:], d[:])
	return g
}

// records walks the records of one buffer's data, calling fn for each of
// the kinds the reader has a use for, and counting all in *n. It
// returns the offset in data where a record could not be read, with why,
// or nil when the data was read to its end.
func records(data []byte, n *int, fn func(r *record)) error {
	for pos := 0; pos+4 <= len(data); {
		if le32(data, pos) == 0xffffffff {
			return nil // the end-of-data marker
		}
		kind := data[pos+2]
		if data[pos+3]&0x80 == 0 {
			return fmt.Errorf("record at data offset %d: no record marker (%#x)", pos, data[pos+3])
		}
		size, err := recordSize(data, pos, kind)
		if err != nil {
			return err
		}
		*n++
		r := record{kind: kind}
		rec := data[pos : pos+size]
		if parseRecord(&r, rec) || !knownHeaderType(kind) {
			fn(&r)
		}
		pos += (size + 7) &^ 7
	}
	return nil
}

// knownHeaderType reports whether records of the kind are known, read
// or not: the 64-bit kinds that traces are written with.
func knownHeaderType(kind byte) bool {
	switch kind {
	case hdrSystem64, hdrCompact64, hdrPerfInfo64, hdrEventHeader, hdrFullHeader64:
		return true
	}
	return false
}

// recordSize is the length of the record at pos, checked against the buffer.
func recordSize(data []byte, pos int, kind byte) (int, error) {
	var size int
	switch kind {
	case hdrSystem32, hdrSystem64, hdrCompact32, hdrCompact64, hdrPerfInfo32, hdrPerfInfo64:
		if pos+6 > len(data) {
			return 0, fmt.Errorf("record at data offset %d: header cut short", pos)
		}
		size = int(le16(data, pos+4))
	default:
		size = int(le16(data, pos))
	}
	if size < 8 || pos+size > len(data) {
		return 0, fmt.Errorf("record at data offset %d: size %d does not fit the buffer's %d bytes", pos, size, len(data))
	}
	return size, nil
}

// parseRecord fills r from the record bytes; false means the record is of
// a kind the reader has no use for, or too short for its kind.
func parseRecord(r *record, b []byte) bool {
	switch r.kind {
	case hdrSystem64:
		if len(b) < 32 {
			return false
		}
		r.id = le16(b, 6)
		r.raw = le64(b, 16)
		r.data = b[32:]
	case hdrEventHeader:
		if len(b) < 80 {
			return false
		}
		copy(r.provider[:], b[24:40])
		r.id = le16(b, 40)
		r.version = b[42]
		r.keyword = le64(b, 48)
		r.raw = le64(b, 16)
		data, ok := skipExtended(b[80:], le16(b, 4))
		if !ok {
			return false
		}
		r.data = data
	case hdrFullHeader64:
		if len(b) < 48 {
			return false
		}
		r.id = uint16(b[4])
		r.version = uint8(le16(b, 6))
		r.raw = le64(b, 16)
		copy(r.provider[:], b[24:40])
		r.data = b[48:]
	default:
		return false
	}
	return true
}

// skipExtended steps over the extended data items that come before the
// user data when an EVENT_HEADER's flags say there are some.
func skipExtended(b []byte, flags uint16) ([]byte, bool) {
	if flags&1 == 0 {
		return b, true
	}
	for {
		if len(b) < 8 {
			return nil, false
		}
		size, more := int(le16(b, 0)), le16(b, 4)
		if size < 8 || size > len(b) {
			return nil, false
		}
		b = b[min((size+7)&^7, len(b)):]
		if more != 1 {
			return b, true
		}
	}
}
