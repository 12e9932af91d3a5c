package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// ngFilter passes a pcapng stream on with only the blocks pcapgo needs to
// return packets: section headers, interface descriptions and packet
// blocks. Every other block (decryption secrets, name resolution,
// interface statistics, custom and unknown blocks) is skipped by its
// length as it streams by, never buffered: Wireshark embeds TLS keys as
// one block of megabytes before the first packet, and pcapgo would keep
// every secret and name it reads in memory for the whole run. A skipped
// block must still be whole: its length at the start and at the end must
// agree.
type ngFilter struct {
	src       *bufio.Reader
	bigEndian bool
	left      int   // bytes of the current block still to pass on
	out       int64 // bytes passed on so far
	in        int64 // bytes consumed from src so far
	// skips lists the blocks skipped at output positions not yet known to
	// be consumed; skipped counts the bytes of those folded away.
	skips   []ngSkip
	skipped int64
	err     error // once reading failed, it keeps failing: a reader may ask again
}

// ngSkip is n bytes skipped just before output position at.
type ngSkip struct{ at, n int64 }

func newNgFilter(src *bufio.Reader) *ngFilter { return &ngFilter{src: src} }

// passed reports whether blocks of type typ go on to pcapgo.
func ngPassed(typ uint32) bool {
	switch typ {
	case ngSectionHeader, ngInterface, ngPacketObsolete, ngSimplePacket, ngEnhancedPacket:
		return true
	}
	return false
}

func (g *ngFilter) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.read(p)
	g.err = err
	return n, err
}

func (g *ngFilter) read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if g.left == 0 {
			// Between blocks: do not wait for more input while holding
			// some (stdin may be a live tcpdump).
			if n > 0 && g.src.Buffered() < 12 {
				break
			}
			if err := g.next(); err != nil {
				return n, err
			}
			continue
		}
		if n > 0 && g.src.Buffered() == 0 {
			break
		}
		k, err := g.src.Read(p[n : n+min(len(p)-n, g.left)])
		n += k
		g.left -= k
		g.out += int64(k)
		g.in += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// next looks at the block that starts the rest of the stream: it passes
// it on (sets left), or skips it.
func (g *ngFilter) next() error {
	h, err := g.src.Peek(12)
	if len(h) < 12 {
		if len(h) == 0 {
			return err
		}
		g.left = len(h) // a short tail: pcapgo and the checker say it is cut
		return nil
	}
	if binary.LittleEndian.Uint32(h) == ngSectionHeader {
		switch uint32(ngByteOrderMagic) {
		case binary.LittleEndian.Uint32(h[8:12]):
			g.bigEndian = false
		case binary.BigEndian.Uint32(h[8:12]):
			g.bigEndian = true
		}
	}
	var o binary.ByteOrder = binary.LittleEndian
	if g.bigEndian {
		o = binary.BigEndian
	}
	typ, n := o.Uint32(h[0:4]), int64(o.Uint32(h[4:8]))
	switch {
	case n < ngMinBlockLen || n%4 != 0:
		// Nonsense: pass the rest on, for the checker to say where.
		g.left = math.MaxInt
		return nil
	case ngPassed(typ):
		g.left = int(n)
		return nil
	}
	at := g.in
	if _, err := g.src.Discard(int(n - 4)); err != nil {
		return fmt.Errorf("block at byte %d of %d bytes: %w", at, n, io.ErrUnexpectedEOF)
	}
	t, _ := g.src.Peek(4)
	if len(t) < 4 {
		return fmt.Errorf("block at byte %d of %d bytes: %w", at, n, io.ErrUnexpectedEOF)
	}
	if trail := int64(o.Uint32(t)); trail != n {
		return fmt.Errorf("block at byte %d: its length says %d at the start and %d at the end", at, n, trail)
	}
	g.src.Discard(4)
	g.in += n
	g.skips = append(g.skips, ngSkip{at: g.out, n: n})
	return nil
}

// fileOffset returns where output position pos lies in the stream g
// reads from: pos plus the blocks skipped before it.
func (g *ngFilter) fileOffset(pos int64) int64 {
	off := pos + g.skipped
	for _, s := range g.skips {
		if s.at > pos {
			break
		}
		off += s.n
	}
	return off
}

// consumed says that output before pos has been read for good, so the
// skips before it need not be kept one by one.
func (g *ngFilter) consumed(pos int64) {
	i := 0
	for i < len(g.skips) && g.skips[i].at <= pos {
		g.skipped += g.skips[i].n
		i++
	}
	g.skips = g.skips[i:]
}
