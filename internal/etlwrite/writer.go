package etlwrite

import (
	"encoding/binary"
	"errors"
	"io"
	"time"
	"unicode/utf16"
)

// Style is which tool's files a Writer imitates.
type Style int

// Styles.
const (
	// PktMon writes compressed buffers of PktMon events, with components
	// and the value maps pktmon embeds.
	PktMon Style = iota
	// Netsh writes uncompressed buffers of NDIS-PacketCapture fragments.
	Netsh
)

// Layout constants of the files (see the etl package).
const (
	bufferHeaderLen = 72
	headerBufferLen = 0x400
	netshBufferLen  = 0x10000
	pktmonBufferLen = 0x10000 // uncompressed data per buffer before compression
	ticksPerSecond  = 10_000_000
	rawStart        = 1_000_000
	compressedMode  = 0x04000000
	xpressFormat    = 3
)

// Provider GUIDs as they lie in a file.
var (
	guidPktMon    = guid(0x4d4f80d9, 0xc8bd, 0x4d73, [8]byte{0xbb, 0x5b, 0x19, 0xc9, 0x04, 0x02, 0xc5, 0xac})
	guidNDIS      = guid(0x2ed6006e, 0x4729, 0x4609, [8]byte{0xb4, 0x23, 0x3e, 0xe7, 0xbc, 0xd6, 0x78, 0xef})
	guidEventMeta = guid(0xbbccf6c1, 0x6cd1, 0x48c4, [8]byte{0x80, 0xff, 0x83, 0x94, 0x82, 0xe3, 0x76, 0x71})
)

func guid(a uint32, b, c uint16, d [8]byte) [16]byte {
	var g [16]byte
	binary.LittleEndian.PutUint32(g[0:], a)
	binary.LittleEndian.PutUint16(g[4:], b)
	binary.LittleEndian.PutUint16(g[6:], c)
	copy(g[8:], d[:])
	return g
}

// ErrClosed means the Writer was used after Close.
var ErrClosed = errors.New("etlwrite: writer closed")

// Writer writes one .etl file. Events go to buffers of Processors CPUs in
// turn, so that the file, like a real one, is not in time order.
type Writer struct {
	w       io.Writer
	style   Style
	start   time.Time
	bufs    [][]byte // per CPU: the records of the buffer being filled
	cpu     int
	closed  bool
	written int // buffers written, the header buffer included
	bufLen  int // netsh: bytes per buffer
}

// Options shape the file.
type Options struct {
	Start      time.Time // the trace's start: event times count from it
	Processors int       // CPUs whose buffers the events are spread over (1 if 0)
	// BufferSize is the size of netsh buffers, 64 KiB if 0; pktmon's
	// compressed buffers take what their data compresses to.
	BufferSize int
}

// New writes the header buffer of a trace of the given style to w.
func New(w io.Writer, style Style, o Options) (*Writer, error) {
	if o.Processors < 1 {
		o.Processors = 1
	}
	if o.BufferSize == 0 {
		o.BufferSize = netshBufferLen
	}
	if o.BufferSize < headerBufferLen || o.BufferSize > 1<<20 {
		return nil, errors.New("etlwrite: buffer size out of range")
	}
	wr := &Writer{w: w, style: style, start: o.Start, bufs: make([][]byte, o.Processors), bufLen: o.BufferSize}
	if err := wr.writeHeader(); err != nil {
		return nil, err
	}
	return wr, nil
}

func (w *Writer) raw(t time.Time) uint64 {
	return uint64(rawStart + t.Sub(w.start).Nanoseconds()/100)
}

// writeHeader writes buffer 0: the SYSTEM64 logfile header record.
func (w *Writer) writeHeader() error {
	lh := make([]byte, 280)
	// pktmon's header buffer is shorter on disk than the logger's buffers.
	size, logSize := uint32(w.bufLen), uint32(w.bufLen)
	mode := uint32(0x10001)
	if w.style == PktMon {
		size, logSize, mode = headerBufferLen, pktmonBufferLen, mode|compressedMode
	}
	le := binary.LittleEndian
	le.PutUint32(lh[0:], logSize)
	le.PutUint32(lh[8:], 26100) // OS build
	le.PutUint32(lh[12:], uint32(len(w.bufs)))
	le.PutUint32(lh[32:], mode)
	le.PutUint32(lh[44:], 8)
	le.PutUint64(lh[256:], ticksPerSecond)
	le.PutUint64(lh[264:], filetime(w.start))
	le.PutUint32(lh[272:], 1) // QPC
	lh = append(lh, utf16z("slbdiag")...)
	rec := make([]byte, 32, 32+len(lh))
	le.PutUint16(rec[0:], 2)
	rec[2], rec[3] = 0x02, 0xc0
	le.PutUint16(rec[4:], uint16(32+len(lh)))
	le.PutUint64(rec[16:], rawStart)
	rec = append(rec, lh...)
	data := align8(rec)
	bufLen := int(size)
	if len(data)+bufferHeaderLen > bufLen {
		return errors.New("etlwrite: header too long")
	}
	state := uint32(0)
	if w.style == PktMon {
		state = xpressFormat
	}
	return w.emit(bufferHeader(uint32(bufLen), uint32(bufferHeaderLen+len(data)), 0, 0x01, 4, state), data, bufLen)
}

// emit writes a buffer: its header, its data, zeros up to total bytes.
func (w *Writer) emit(h, data []byte, total int) error {
	if _, err := w.w.Write(h); err != nil {
		return err
	}
	if _, err := w.w.Write(data); err != nil {
		return err
	}
	if pad := total - len(h) - len(data); pad > 0 {
		if _, err := w.w.Write(make([]byte, pad)); err != nil {
			return err
		}
	}
	w.written++
	return nil
}

func bufferHeader(size, offset uint32, cpu int, flags, typ uint16, state uint32) []byte {
	h := make([]byte, bufferHeaderLen)
	le := binary.LittleEndian
	le.PutUint32(h[0x00:], size)
	le.PutUint32(h[0x04:], offset)
	h[0x28] = byte(cpu)
	le.PutUint32(h[0x2c:], state)
	le.PutUint32(h[0x30:], offset)
	le.PutUint16(h[0x34:], flags)
	le.PutUint16(h[0x36:], typ)
	return h
}

// capacity is how many record bytes a buffer takes.
func (w *Writer) capacity() int {
	if w.style == PktMon {
		return pktmonBufferLen - bufferHeaderLen
	}
	return w.bufLen - bufferHeaderLen
}

// add puts a record in the next CPU's buffer, flushing it when full.
func (w *Writer) add(rec []byte) error {
	if w.closed {
		return ErrClosed
	}
	rec = align8(rec)
	if len(rec) > w.capacity() {
		return errors.New("etlwrite: event larger than a buffer")
	}
	cpu := w.cpu
	w.cpu = (w.cpu + 1) % len(w.bufs)
	if len(w.bufs[cpu])+len(rec) > w.capacity() {
		if err := w.flush(cpu); err != nil {
			return err
		}
	}
	w.bufs[cpu] = append(w.bufs[cpu], rec...)
	return nil
}

func (w *Writer) flush(cpu int) error {
	data := w.bufs[cpu]
	w.bufs[cpu] = data[:0:0]
	if len(data) == 0 {
		return nil
	}
	end := uint32(bufferHeaderLen + len(data))
	if w.style == PktMon {
		comp := compressXpress(data)
		return w.emit(bufferHeader(uint32(bufferHeaderLen+len(comp)), end, cpu, 0x40, 1, 0), comp, 0)
	}
	return w.emit(bufferHeader(uint32(w.bufLen), end, cpu, 0x01, 1, 0), data, w.bufLen)
}

// Close writes the buffers still open. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	for cpu := range w.bufs {
		if err := w.flush(cpu); err != nil {
			return err
		}
	}
	w.closed = true
	return nil
}

// event builds an EVENT_HEADER64 record.
func (w *Writer) event(provider [16]byte, id uint16, keyword uint64, t time.Time, data []byte) []byte {
	rec := make([]byte, 80, 80+len(data))
	le := binary.LittleEndian
	le.PutUint16(rec[0:], uint16(80+len(data)))
	rec[2], rec[3] = 0x13, 0xc0
	le.PutUint64(rec[16:], w.raw(t))
	copy(rec[24:], provider[:])
	le.PutUint16(rec[40:], id)
	le.PutUint64(rec[48:], keyword)
	return append(rec, data...)
}

// classic builds a FULL_HEADER64 record.
func (w *Writer) classic(provider [16]byte, typ uint8, data []byte) []byte {
	rec := make([]byte, 48, 48+len(data))
	le := binary.LittleEndian
	le.PutUint16(rec[0:], uint16(48+len(data)))
	rec[2], rec[3] = 0x14, 0xc0
	rec[4] = typ
	le.PutUint64(rec[16:], rawStart)
	copy(rec[24:], provider[:])
	return append(rec, data...)
}

func align8(b []byte) []byte {
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

func utf16z(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, 0, 0)
}

// filetime is t in 100 ns units since 1601.
func filetime(t time.Time) uint64 {
	return uint64(t.UnixMicro()+11644473600000000) * 10
}
