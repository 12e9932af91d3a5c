package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// The lengths a capture may declare. pcapgo allocates as the bytes of a
// record arrive rather than by its declared length, but a gzip'd file of a
// few megabytes still inflates to gigabytes of zeros; and pcapng lengths
// that disagree make it read the next blocks out of step, as packets.
const (
	// maxFrameLen is libpcap's MAXIMUM_SNAPLEN: tcpdump and Wireshark
	// refuse longer records too.
	maxFrameLen = 262144
	// maxBlockLen is the longest pcapng block Wireshark reads: a largest
	// packet with room for options.
	maxBlockLen = 32 + maxFrameLen + 131072
)

// ErrTooLarge means a record or block declares more bytes than any capture
// tool writes.
var ErrTooLarge = errors.New("declared length too large")

// check looks at the headers the next read will consume, before pcapgo
// trusts them.
func (f *File) check() error {
	switch f.Format {
	case FormatPcap:
		return f.checkPcapRecord()
	case FormatETL:
		return nil // the etl package checks its own lengths
	}
	return f.checkNgBlocks()
}

func (f *File) order() binary.ByteOrder {
	if f.bigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// checkPcapRecord refuses a record header whose captured length is absurd.
// Short headers are left to pcapgo, which reports them as truncated.
func (f *File) checkPcapRecord() error {
	h, _ := f.buf.Peek(16)
	if len(h) < 16 {
		return nil
	}
	if n := f.order().Uint32(h[8:12]); n > maxFrameLen {
		return fmt.Errorf("record at byte %d: %w: %d bytes captured, more than the %d a packet can have", f.offset(), ErrTooLarge, n, maxFrameLen)
	}
	return nil
}

// pcapng block types this checker must understand; ngFilter keeps every
// other from pcapgo, and from the checker.
const (
	ngSectionHeader    = 0x0A0D0D0A
	ngInterface        = 0x00000001
	ngPacketObsolete   = 0x00000002
	ngSimplePacket     = 0x00000003
	ngEnhancedPacket   = 0x00000006
	ngByteOrderMagic   = 0x1A2B3C4D
	ngMinBlockLen      = 12 // type, length, trailing length
	ngMinSectionHeader = 28
)

// checkNgBlocks checks every block pcapgo will read to return the next
// frame: the blocks up to and including the next packet block (past the
// sections of unknown versions, which pcapgo skips), all within the read
// buffer. pcapgo then reads exactly these.
//
// More section headers and interface descriptions than the buffer holds
// before the next packet (a capture on a host with thousands of
// interfaces) are no damage: those checked are let through, and pcapgo
// reads on from them, as it reads any block, with allocations bounded by
// its own option lengths; the next call checks again from the packet on.
func (f *File) checkNgBlocks() error {
	skipping, descriptions := false, true
	for off := 0; ; {
		if _, err := f.peek(off, 1); err == io.EOF {
			return nil // the file ends between blocks: pcapgo reports the end
		}
		typ, n, err := f.checkNgBlock(off)
		if errors.Is(err, errBlocksAhead) && off > 0 && descriptions && !skipping {
			return nil
		}
		if err != nil {
			return err
		}
		switch typ {
		case ngInterface:
			if b, err := f.peek(off, n); err == nil {
				f.noteInterfaceAddrs(b)
			}
		case ngSectionHeader:
			h, _ := f.peek(off+12, 2)
			skipping = f.order().Uint16(h) != 1
		case ngEnhancedPacket, ngSimplePacket, ngPacketObsolete:
			if !skipping {
				return nil
			}
			descriptions = false // a skipped section's packets
		default:
			descriptions = false
		}
		off += n
	}
}

// errBlocksAhead is a peek past the read buffer: more blocks before the
// next packet than it holds.
var errBlocksAhead = errors.New("more blocks before the next packet than the read buffer holds")

// peek returns n bytes from off bytes ahead without consuming them; the
// file ending inside them is io.ErrUnexpectedEOF.
func (f *File) peek(off, n int) ([]byte, error) {
	b, err := f.buf.Peek(off + n)
	if len(b) == off+n {
		return b[off:], nil
	}
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("block at byte %d: %w (%d bytes)", f.at(off), errBlocksAhead, f.buf.Size())
	case err == io.EOF && len(b) <= off:
		return nil, io.EOF
	case err == io.EOF:
		return b[off:], io.ErrUnexpectedEOF
	}
	return b[min(off, len(b)):], err
}

// checkNgBlock checks the lengths of the block at off bytes ahead, and
// returns its type and length. A section header sets the byte order of what
// follows.
func (f *File) checkNgBlock(off int) (typ uint32, n int, err error) {
	at := f.at(off)
	h, err := f.peek(off, 12)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, 0, fmt.Errorf("block at byte %d: %w", at, err)
	}
	typ = binary.LittleEndian.Uint32(h[0:4]) // a section header reads the same both ways
	if typ == ngSectionHeader {
		switch {
		case binary.LittleEndian.Uint32(h[8:12]) == ngByteOrderMagic:
			f.bigEndian = false
		case binary.BigEndian.Uint32(h[8:12]) == ngByteOrderMagic:
			f.bigEndian = true
		default:
			return 0, 0, fmt.Errorf("section header at byte %d: byte-order magic % x is wrong", at, h[8:12])
		}
	}
	o := f.order()
	typ = o.Uint32(h[0:4])
	n = int(o.Uint32(h[4:8]))
	if min := minBlockLen(typ); n < min || n%4 != 0 || n > maxBlockLen {
		if n > maxBlockLen {
			return 0, 0, fmt.Errorf("block at byte %d: %w: block of %d bytes, more than the %d Wireshark reads", at, ErrTooLarge, n, maxBlockLen)
		}
		return 0, 0, fmt.Errorf("block at byte %d: type %#x cannot be %d bytes long", at, typ, n)
	}
	b, err := f.peek(off, n)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, 0, fmt.Errorf("block at byte %d of %d bytes: %w", at, n, err)
	}
	if trail := int(o.Uint32(b[n-4:])); trail != n {
		return 0, 0, fmt.Errorf("block at byte %d: its length says %d at the start and %d at the end", at, n, trail)
	}
	var inner, room int // a length the block declares inside, and the room it has for it
	switch typ {
	case ngEnhancedPacket, ngPacketObsolete:
		inner, room = int(o.Uint32(b[20:24])), n-32
	}
	if inner > room {
		return 0, 0, fmt.Errorf("block at byte %d: it declares %d bytes of content and has room for %d", at, inner, room)
	}
	return typ, n, nil
}

func minBlockLen(typ uint32) int {
	switch typ {
	case ngSectionHeader:
		return ngMinSectionHeader
	case ngInterface:
		return 20
	case ngEnhancedPacket, ngPacketObsolete:
		return 32
	case ngSimplePacket:
		return 16
	}
	return ngMinBlockLen
}

// pcapng interface options that name the interface's addresses.
const (
	ngOptIPv4Addr = 4 // if_IPv4addr: address and netmask, 8 bytes
	ngOptIPv6Addr = 5 // if_IPv6addr: address and prefix length, 17 bytes
)

// maxIfaceAddrs bounds the addresses kept from interface blocks.
const maxIfaceAddrs = 256

// noteInterfaceAddrs keeps the addresses an interface description block
// gives its interface (dumpcap and others write them when they know them).
func (f *File) noteInterfaceAddrs(b []byte) {
	o := f.order()
	opts := b[16 : len(b)-4] // after type, length, link type, reserved, snaplen
	for len(opts) >= 4 && len(f.ifaceAddrs) < maxIfaceAddrs {
		code, n := o.Uint16(opts[0:2]), int(o.Uint16(opts[2:4]))
		if code == 0 || len(opts) < 4+n {
			return
		}
		v := opts[4 : 4+n]
		switch {
		case code == ngOptIPv4Addr && n == 8:
			f.ifaceAddrs = append(f.ifaceAddrs, netip.AddrFrom4([4]byte(v[:4])))
		case code == ngOptIPv6Addr && n == 17:
			f.ifaceAddrs = append(f.ifaceAddrs, netip.AddrFrom16([16]byte(v[:16])))
		}
		next := 4 + (n+3)&^3 // values are padded to 32 bits
		if next > len(opts) {
			return
		}
		opts = opts[next:]
	}
}

// InterfaceAddrs returns the addresses the capture's pcapng interface
// blocks give the capture host, as far as the file has been read.
func (f *File) InterfaceAddrs() []netip.Addr { return f.ifaceAddrs }
