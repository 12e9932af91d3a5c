package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Formats of capture files.
const (
	FormatPcap   = "pcap"
	FormatPcapng = "pcapng"
)

// ErrNotCapture means the input is neither pcap nor pcapng (nor a gzip'd one).
var ErrNotCapture = errors.New("not a pcap or pcapng capture")

// ErrDirectory means a directory was given where a capture file belongs.
var ErrDirectory = errors.New("a directory, not a capture file")

// readBufferSize is large because captures are read sequentially and big.
const readBufferSize = 1 << 20

var (
	magicPcapng = []byte{0x0a, 0x0d, 0x0d, 0x0a}
	magicGzip   = []byte{0x1f, 0x8b}
	magicsPcap  = [][]byte{
		{0xd4, 0xc3, 0xb2, 0xa1}, // microseconds, little-endian
		{0xa1, 0xb2, 0xc3, 0xd4}, // microseconds, big-endian
		{0x4d, 0x3c, 0xb2, 0xa1}, // nanoseconds, little-endian
		{0xa1, 0xb2, 0x3c, 0x4d}, // nanoseconds, big-endian
	}
)

// packetReader is what both pcapgo readers offer.
type packetReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// File is an open capture file. Its ZeroCopyReadPacketData and LinkType
// methods make it a packet source in gopacket's sense; the data returned is
// valid until the next read.
type File struct {
	Name   string // as given on the command line; "-" is stdin
	Format string // FormatPcap, FormatPcapng or FormatETL
	Gzip   bool   // the file was gzip'd (recognised by content)

	rd      packetReader
	src     io.Reader // as given to NewFile
	count   *countingReader
	buf     *bufio.Reader // what pcapgo reads
	ng      *ngFilter     // pcapng: between count's buffer and buf, skips blocks pcapgo does not need
	old     *oldPcap      // pcap 2.0-2.3: between count's buffer and buf, passes it on as 2.4
	closer  io.Closer
	inflate *readAhead   // gzip: the decompressed stream, inflated on its own goroutine
	raw     atomic.Int64 // bytes read from r, for BytesRead
	frames  int          // frames read so far
	goodEnd int64        // offset just after the last frame read whole

	lastLinkType layers.LinkType // pcapng: link type of the last frame read
	ifaceAddrs   []netip.Addr    // pcapng: addresses interface blocks give the capture host
	bigEndian    bool            // the byte order of record (pcap) or block (pcapng) headers
	nanoFactor   uint32          // pcap: nanoseconds in a unit of the records' fraction of a second
}

// Open opens the capture file name; "-" reads stdin.
func Open(name string, stdin io.Reader) (*File, error) {
	if name == "-" {
		return NewFile("stdin", stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, ErrDirectory)
	}
	cf, err := NewFile(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	cf.closer = f
	return cf, nil
}

// NewFile reads a capture from r, recognising pcap, pcapng, .etl and gzip
// by content. With r from InterruptibleReader, a stop while the header is
// read returns an error that wraps the context's.
func NewFile(name string, r io.Reader) (_ *File, err error) {
	defer func() {
		if err != nil {
			if stop := interruption(r); stop != nil {
				err = fmt.Errorf("%s: interrupted before its header was read: %w", name, stop)
			}
		}
	}()
	f := &File{Name: name, src: r}
	f.count = &countingReader{r: r, raw: &f.raw}
	f.buf = bufio.NewReaderSize(f.count, readBufferSize)
	magic, err := f.buf.Peek(4)
	if len(magic) == 0 && err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bytes.HasPrefix(magic, magicGzip) {
		zr, err := gzip.NewReader(f.buf)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		f.Gzip = true
		f.inflate = newReadAhead(zr)
		f.count = &countingReader{r: f.inflate}
		f.buf = bufio.NewReaderSize(f.count, readBufferSize)
		magic, err = f.buf.Peek(4)
		if len(magic) == 0 && err != nil && err != io.EOF {
			f.Close()
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
	}
	if err := f.openReader(magic); err != nil {
		f.Close() // stops the inflating goroutine; r is the caller's to close
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.goodEnd = f.offset()
	return f, nil
}

func (f *File) openReader(magic []byte) error {
	var err error
	switch {
	case len(magic) == 0 && f.Gzip:
		return fmt.Errorf("%w: the file is gzip'd and holds nothing", ErrNotCapture)
	case len(magic) == 0:
		return fmt.Errorf("%w: the file is empty", ErrNotCapture)
	case bytes.Equal(magic, magicPcapng):
		f.Format = FormatPcapng
		f.ng = newNgFilter(f.buf)
		f.buf = bufio.NewReaderSize(f.ng, readBufferSize)
		if _, _, err := f.checkNgBlock(0); err != nil {
			return fmt.Errorf("reading the pcapng header: %w", err)
		}
		// The NgReader keeps f.buf as its own buffer (bufio.NewReader
		// returns a large enough *bufio.Reader unchanged), so offsets stay exact.
		f.rd, err = pcapgo.NewNgReader(f.buf, pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true})
	case isETL(f.buf):
		f.Format = FormatETL
		f.rd = &etlReader{r: f.buf}
	case isPcapMagic(magic):
		f.Format = FormatPcap
		f.bigEndian = magic[0] == 0xa1
		if isOldPcap(f.buf) {
			f.old = &oldPcap{src: f.buf}
			f.buf = bufio.NewReaderSize(f.old, readBufferSize)
		}
		f.nanoFactor = 1000
		if magic[1] == 0x3c || magic[2] == 0x3c {
			f.nanoFactor = 1
		}
		f.rd, err = pcapgo.NewReader(f.buf)
	case f.Gzip:
		// The bytes shown are after decompression: say so, or they
		// match nothing the person sees in the file.
		return fmt.Errorf("%w: the file is gzip'd, and what it holds starts with % x", ErrNotCapture, magic)
	case archiveOf(magic) != "":
		return fmt.Errorf("%w: it is %s", ErrNotCapture, archiveOf(magic))
	default:
		return fmt.Errorf("%w (it starts with % x)", ErrNotCapture, magic)
	}
	if err != nil {
		return fmt.Errorf("reading the %s header: %w", f.Format, err)
	}
	return nil
}

func isPcapMagic(magic []byte) bool {
	for _, m := range magicsPcap {
		if bytes.Equal(magic, m) {
			return true
		}
	}
	return false
}

// ZeroCopyReadPacketData returns the next frame. At the end it returns io.EOF;
// a damaged or truncated file returns a *ReadError naming where the damage is;
// a read from InterruptibleReader stopped by its context, an error that
// wraps the context's, every frame before it read whole.
// In pcapng files with several link types, ci.AncillaryData[0] holds the
// frame's layers.LinkType.
func (f *File) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if err := f.check(); err != nil {
		return nil, gopacket.CaptureInfo{}, f.readError(err)
	}
	data, ci, ok := f.pcapRecordInBuffer()
	var err error
	if !ok {
		data, ci, err = f.rd.ZeroCopyReadPacketData()
	}
	if err != nil {
		if err == io.EOF && f.offset() == f.goodEnd && interruption(f.src) == nil {
			return nil, ci, io.EOF
		}
		return nil, ci, f.readError(err)
	}
	f.frames++
	f.goodEnd = f.offset()
	if len(ci.AncillaryData) > 0 {
		if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			f.lastLinkType = lt
		}
	}
	return data, ci, nil
}

// readError is why reading stopped at the frame after the last one read
// whole: the damage there, or the interruption.
func (f *File) readError(err error) error {
	if stop := interruption(f.src); stop != nil {
		return fmt.Errorf("%s: interrupted after frame %d: %w", f.Name, f.frames, stop)
	}
	return &ReadError{Name: f.Name, Frames: f.frames, Offset: f.damageOffset(err), Gzip: f.Gzip, Err: err}
}

// LinkType is the link type of the file; for pcapng, whose interfaces may
// differ, that of the last frame read (Null before the first).
func (f *File) LinkType() layers.LinkType {
	if f.Format == FormatPcapng {
		return f.lastLinkType
	}
	return f.rd.LinkType()
}

// Close closes the underlying file, if Open opened one.
func (f *File) Close() error {
	if f.inflate != nil {
		f.inflate.stop()
		f.inflate = nil
	}
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// offset is how many bytes of the (uncompressed) capture have been consumed.
func (f *File) offset() int64 {
	if f.old != nil {
		return f.old.out - int64(f.buf.Buffered())
	}
	if f.ng == nil {
		return f.count.n - int64(f.buf.Buffered())
	}
	pos := f.ng.out - int64(f.buf.Buffered())
	f.ng.consumed(pos)
	return f.ng.fileOffset(pos)
}

// at is the offset in the capture of the byte ahead bytes after what has
// been consumed, as far as it has been buffered.
func (f *File) at(ahead int) int64 {
	if f.ng == nil {
		return f.offset() + int64(ahead)
	}
	return f.ng.fileOffset(f.ng.out - int64(f.buf.Buffered()) + int64(ahead))
}

// ReadError reports a capture file that could not be read to its end.
// Every frame before Offset was read whole.
type ReadError struct {
	Name   string
	Frames int   // frames read whole before the damage
	Offset int64 // byte offset where the unreadable record starts
	Gzip   bool  // Offset counts uncompressed bytes
	Err    error
}

func (e *ReadError) Error() string {
	what := "damaged"
	if errors.Is(e.Err, io.ErrUnexpectedEOF) || errors.Is(e.Err, io.EOF) {
		what = "truncated"
	}
	unit := "byte"
	if e.Gzip {
		unit = "uncompressed byte"
	}
	return fmt.Sprintf("%s: %s after frame %d, at %s %d: %v", e.Name, what, e.Frames, unit, e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// DamageAt says where the damage starts and whether the file just ends
// there (truncated) rather than holding something unreadable.
func (e *ReadError) DamageAt() (offset int64, truncated bool) {
	return e.Offset, errors.Is(e.Err, io.ErrUnexpectedEOF) || errors.Is(e.Err, io.EOF)
}

// countingReader counts the bytes read through it; raw, when set, also
// counts them for another goroutine to watch.
type countingReader struct {
	r   io.Reader
	n   int64
	raw *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.raw != nil {
		c.raw.Add(int64(n))
	}
	return n, err
}

// BytesRead is how many bytes of the file (compressed, when gzip'd) have
// been read so far. Unlike the rest of File, it may be called from
// another goroutine while the file is read: a progress line does.
func (f *File) BytesRead() int64 { return f.raw.Load() }
