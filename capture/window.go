package capture

import (
	"encoding/binary"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Window keeps the latest frames of a live capture in memory, bounded by
// age and by bytes, so that what came before a failed handshake can still
// be written once the failure is known. Frames are packed into blocks with
// their headers; a block leaves whole, oldest first, once its newest frame
// is older than the age bound or when the byte bound needs its room. Its
// memory never exceeds the byte bound (plus one block for a frame larger
// than a block), whatever the traffic.
type Window struct {
	keep      time.Duration
	maxBytes  int
	blockSize int
	blocks    []*frameBlock // oldest first
	free      []*frameBlock // emptied blocks of blockSize, kept for reuse
	held      int           // capacity of blocks and free
	lost      time.Time
}

// frameBlock holds frames as records: a header (recordHeader bytes) then the
// frame's captured bytes.
type frameBlock struct {
	buf  []byte
	last time.Time // the newest frame's timestamp
}

// recordHeader is a record's header: timestamp (Unix ns), captured and
// original length, link type.
const recordHeader = 8 + 4 + 4 + 2

// maxBlockSize is the size of the window's blocks when it is large: big
// enough that a block holds many frames, small enough that the byte bound
// is met closely.
const maxBlockSize = 1 << 20

// NewWindow returns a window that keeps frames for keep after the newest
// one, in at most maxBytes of memory.
func NewWindow(keep time.Duration, maxBytes int) *Window {
	bs := min(maxBlockSize, max(maxBytes/8, 4096))
	return &Window{keep: keep, maxBytes: maxBytes, blockSize: bs}
}

// Add copies a frame into the window, letting old blocks go.
func (w *Window) Add(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) {
	w.expire(ci.Timestamp)
	need := recordHeader + len(data)
	cur := w.current()
	if cur == nil || len(cur.buf)+need > cap(cur.buf) {
		cur = w.newBlock(need, ci.Timestamp)
	}
	var h [recordHeader]byte
	binary.LittleEndian.PutUint64(h[0:], uint64(ci.Timestamp.UnixNano()))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(max(ci.Length, len(data))))
	binary.LittleEndian.PutUint16(h[16:], uint16(lt))
	cur.buf = append(append(cur.buf, h[:]...), data...)
	if ci.Timestamp.After(cur.last) {
		cur.last = ci.Timestamp
	}
}

func (w *Window) current() *frameBlock {
	if len(w.blocks) == 0 {
		return nil
	}
	return w.blocks[len(w.blocks)-1]
}

// expire lets go the blocks whose newest frame is older than keep before
// now, except the current one.
func (w *Window) expire(now time.Time) {
	for len(w.blocks) > 1 && now.Sub(w.blocks[0].last) > w.keep {
		w.release()
	}
}

// release lets the oldest block go, keeping its memory for reuse.
func (w *Window) release() {
	b := w.blocks[0]
	w.blocks[0] = nil
	w.blocks = w.blocks[1:]
	if cap(b.buf) != w.blockSize {
		w.held -= cap(b.buf)
		return
	}
	b.buf, b.last = b.buf[:0], time.Time{}
	w.free = append(w.free, b)
}

// newBlock starts a block with room for need bytes, taking the room from
// the oldest frames when the byte bound is reached.
func (w *Window) newBlock(need int, now time.Time) *frameBlock {
	size := max(w.blockSize, need)
	for len(w.free) == 0 || size > w.blockSize {
		if w.held+size <= w.maxBytes || len(w.blocks) == 0 {
			w.held += size
			b := &frameBlock{buf: make([]byte, 0, size)}
			w.blocks = append(w.blocks, b)
			return b
		}
		if len(w.free) > 0 { // a large frame: give back a spare block first
			w.free = w.free[:len(w.free)-1]
			w.held -= w.blockSize
			continue
		}
		// Frames younger than keep go for lack of room: say how far back
		// the window still reaches.
		if old := w.blocks[0]; now.Sub(old.last) <= w.keep && old.last.After(w.lost) {
			w.lost = old.last
		}
		w.release()
	}
	b := w.free[len(w.free)-1]
	w.free = w.free[:len(w.free)-1]
	w.blocks = append(w.blocks, b)
	return b
}

// Held is the memory the window holds, in bytes.
func (w *Window) Held() int { return w.held }

// Lost is the newest timestamp of a frame the window let go for lack of
// room before its age bound: the window is complete only after it. Zero
// when none was.
func (w *Window) Lost() time.Time { return w.lost }

// Since hands each frame held from the time from on to fn, oldest first;
// data is valid only during the call. An error from fn stops it.
func (w *Window) Since(from time.Time, fn func(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) error) error {
	for _, b := range w.blocks {
		if b.last.Before(from) {
			continue
		}
		for rest := b.buf; len(rest) >= recordHeader; {
			ts := time.Unix(0, int64(binary.LittleEndian.Uint64(rest[0:])))
			n := int(binary.LittleEndian.Uint32(rest[8:]))
			ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: n, Length: int(binary.LittleEndian.Uint32(rest[12:]))}
			lt := layers.LinkType(binary.LittleEndian.Uint16(rest[16:]))
			data := rest[recordHeader : recordHeader+n]
			rest = rest[recordHeader+n:]
			if ts.Before(from) {
				continue
			}
			if err := fn(ci, lt, data); err != nil {
				return err
			}
		}
	}
	return nil
}
