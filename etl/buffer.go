package etl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The fixed layout of a WMI_BUFFER_HEADER, which starts every buffer.
const (
	bufferHeaderLen   = 72
	bufferFlagXpress  = 0x40
	bufferTypeHeader  = 4
	compressedMode    = 0x04000000 // EVENT_TRACE_COMPRESSED_MODE in LogFileMode
	compressionXpress = 3          // COMPRESSION_FORMAT_XPRESS in buffer 0's State
	// maxBufferLen bounds what one buffer may claim: ETW buffers are at
	// most 16 MiB (netsh and pktmon use 512 KiB and 64 KiB).
	maxBufferLen = 16 << 20
)

// ErrNotETL means the input does not start with an ETL logfile header.
var ErrNotETL = errors.New("not an ETL trace")

// ErrCompression means a buffer uses a compression format the reader does
// not know; the buffer is skipped, not taken for damage.
var ErrCompression = errors.New("unsupported compression")

// Detect reports whether b, the first bytes of a file (80 are enough), is
// the start of an ETL file: a header buffer whose first record is the
// SYSTEM64 logfile header.
func Detect(b []byte) bool {
	return len(b) >= 80 && b[0x4a] == hdrSystem64 && b[0x4b]&0xc0 == 0xc0 &&
		binary.LittleEndian.Uint16(b[0x36:]) == bufferTypeHeader &&
		binary.LittleEndian.Uint16(b[0x48:]) == 2
}

// buffer is one buffer's header facts and its (decompressed) data.
type buffer struct {
	offset     int64 // where it starts in the file
	size       uint32
	processor  uint8
	flags      uint16
	state      uint32 // buffer 0 of a compressed file: the compression format
	compressed bool
	data       []byte // the records: header excluded
}

// bufferReader reads the buffers of a file in file order.
type bufferReader struct {
	r           io.Reader
	off         int64
	compression uint32 // buffer 0's State when the file is compressed
	compressed  bool
	maxData     uint32 // the logger's buffer size: no buffer's data is larger
	scratch     []byte
}

// BufferError says which buffer could not be read, and why.
type BufferError struct {
	Offset int64 // byte offset of the buffer in the file
	Err    error
}

func (e *BufferError) Error() string {
	return fmt.Sprintf("buffer at byte %d: %v", e.Offset, e.Err)
}

func (e *BufferError) Unwrap() error { return e.Err }

// next reads the next buffer. At the end of the file it returns io.EOF. A
// buffer whose data cannot be had returns a *BufferError; skip says the
// next buffer can still be read (the damage is inside this one).
func (br *bufferReader) next() (b *buffer, skip bool, err error) {
	var h [bufferHeaderLen]byte
	n, err := io.ReadFull(br.r, h[:])
	if err == io.EOF {
		return nil, false, io.EOF
	}
	if err != nil {
		return nil, false, &BufferError{br.off, fmt.Errorf("header cut short after %d bytes: %w", n, io.ErrUnexpectedEOF)}
	}
	b = &buffer{
		offset:    br.off,
		size:      le32(h[:], 0x00),
		processor: h[0x28],
		flags:     le16(h[:], 0x34),
		state:     le32(h[:], 0x2c),
	}
	end := le32(h[:], 0x30)
	if b.size < bufferHeaderLen || b.size > maxBufferLen {
		return nil, false, &BufferError{br.off, fmt.Errorf("buffer size %d is not a buffer's", b.size)}
	}
	body := b.size - bufferHeaderLen
	if cap(br.scratch) < int(body) {
		br.scratch = make([]byte, body)
	}
	raw := br.scratch[:body]
	if n, err := io.ReadFull(br.r, raw); err != nil {
		return nil, false, &BufferError{br.off, fmt.Errorf("cut short after %d of its %d bytes: %w", bufferHeaderLen+n, b.size, io.ErrUnexpectedEOF)}
	}
	br.off += int64(b.size)
	if end < bufferHeaderLen || end > maxBufferLen || (br.maxData > 0 && end > br.maxData) || (!br.compressedBuffer(b) && end > b.size) {
		return nil, true, &BufferError{b.offset, fmt.Errorf("end of data %d is outside the buffer", end)}
	}
	if !br.compressedBuffer(b) {
		b.data = append([]byte(nil), raw[:end-bufferHeaderLen]...)
		return b, false, nil
	}
	b.compressed = true
	if br.compression != compressionXpress {
		return nil, true, &BufferError{b.offset, fmt.Errorf("%w %d", ErrCompression, br.compression)}
	}
	b.data, err = decompressXpress(raw, int(end-bufferHeaderLen))
	if err != nil {
		return nil, true, &BufferError{b.offset, err}
	}
	return b, false, nil
}

func (br *bufferReader) compressedBuffer(b *buffer) bool {
	return br.compressed && b.flags&bufferFlagXpress != 0
}

func le16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
func le64(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
