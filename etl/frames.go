package etl

import (
	"encoding/binary"
	"hash/fnv"
	"net/netip"
	"time"
)

// copyWindow bounds how far apart two events of one packet may be: a
// packet crosses a host's components within microseconds, and any
// retransmission comes later than this.
const copyWindow = 200 * time.Millisecond

// Copy is one event of a packet: where it was seen, and whether it was
// dropped there.
type Copy struct {
	Time         time.Time
	Component    uint16
	Edge         uint16
	Dir          Direction
	Content      Content
	Drop         bool
	DropReason   uint32
	DropLocation uint32
}

// Frame is one packet, however many components logged it.
type Frame struct {
	Time    time.Time // of its first event
	Content Content   // what Data holds
	Data    []byte    // the most useful copy: Ethernet, then 802.11, then IP
	Length  int       // the length of that copy on the wire
	IfIndex uint32    // NDIS traces: the interface index
	Dir     Direction // of its first event
	// Copies are its events in time order: the path through the stack.
	Copies []Copy
	// Best indexes the copy Data comes from.
	Best int

	key    packetKey
	closed bool // no later event can join it
}

// Drop returns the event where the packet was dropped, if it was.
func (f *Frame) Drop() (Copy, bool) {
	for _, c := range f.Copies {
		if c.Drop {
			return c, true
		}
	}
	return Copy{}, false
}

// SYN reports whether the frame is a TCP SYN without ACK: a client's
// connection attempt.
func (f *Frame) SYN() bool {
	k := keyOf(&Packet{Content: f.Content, Data: f.Data})
	return !k.notIP && k.proto == 6 && k.flags&0x12 == 0x02
}

// Plaintext80211 returns an 802.11 data frame with its Protected bit
// cleared when its payload is plaintext LLC/SNAP, as the Wi-Fi drivers log
// them with the bit still set; ok is false for other frames.
func (f *Frame) Plaintext80211() (data []byte, ok bool) {
	if f.Content != Content80211 || !looks80211Data(f.Data) {
		return nil, false
	}
	data = append([]byte(nil), f.Data...)
	data[1] &^= 0x40
	return data, true
}

// Ethernet returns the frame as an Ethernet II frame when it holds an
// 802.11 data frame, as NDIS presents it to the stack; other frames come
// as they are. length is the wire length of what is returned.
func (f *Frame) Ethernet() (c Content, data []byte, length int) {
	if f.Content != Content80211 {
		return f.Content, f.Data, f.Length
	}
	e, ok := dot11ToEthernet(f.Data)
	if !ok {
		return f.Content, f.Data, f.Length
	}
	return ContentEthernet, e, f.Length - (len(f.Data) - len(e))
}

// Frames groups the trace's packet events, as Read holds them, into one
// frame per packet, as a Reader does.
func (t *Trace) Frames() []Frame {
	var g grouper
	var frames []Frame
	for i := range t.Packets {
		g.add(&t.Packets[i])
		for f := g.ready(); f != nil; f = g.ready() {
			frames = append(frames, *f)
		}
	}
	for g.flush() {
		for f := g.ready(); f != nil; f = g.ready() {
			frames = append(frames, *f)
		}
	}
	return frames
}

// grouper makes one frame of the events of each packet, taking them in
// time order: the events of one packet share its five-tuple and TCP
// sequence and acknowledgement (or, for other packets, their bytes from
// the network layer on), each component and edge logs it once, and they
// fall within copyWindow. PktGroupId is not used: some builds number every
// event anew. Frames come out in the order of their first events, once
// no later event can join them.
type grouper struct {
	open    map[packetKey]*Frame
	fifo    []*Frame // frames not yet given out, in order
	head    int
	flushed bool
}

func (g *grouper) add(p *Packet) {
	if g.open == nil {
		g.open = map[packetKey]*Frame{}
	}
	k := keyOf(p)
	c := Copy{Time: p.Time, Component: p.Component, Edge: p.Edge, Dir: p.Dir, Content: p.Content,
		Drop: p.Drop, DropReason: p.DropReason, DropLocation: p.DropLocation}
	if f, ok := g.open[k]; ok && p.Source == SourcePktMon && f.accepts(c) {
		f.add(p, c)
	} else {
		f := &Frame{Time: p.Time, Content: p.Content, Data: p.Data, Length: p.Length,
			IfIndex: p.IfIndex, Dir: p.Dir, Copies: []Copy{c}, key: k}
		g.open[k] = f
		g.fifo = append(g.fifo, f)
	}
	g.expire(p.Time)
}

// expire closes the frames no event at now or later can join.
func (g *grouper) expire(now time.Time) {
	for _, f := range g.fifo[g.head:] {
		if now.Sub(f.Time) <= copyWindow {
			break
		}
		f.closed = true
		if g.open[f.key] == f {
			delete(g.open, f.key)
		}
	}
}

// ready returns the next closed frame, if any.
func (g *grouper) ready() *Frame {
	if g.head == len(g.fifo) || !g.fifo[g.head].closed {
		return nil
	}
	f := g.fifo[g.head]
	g.fifo[g.head] = nil
	g.head++
	if g.head > 1024 && g.head*2 > len(g.fifo) {
		g.fifo = append(g.fifo[:0], g.fifo[g.head:]...)
		g.head = 0
	}
	return f
}

// flush closes every frame: there will be no more events. It reports
// whether it closed any.
func (g *grouper) flush() bool {
	n := 0
	for _, f := range g.fifo[g.head:] {
		if !f.closed {
			f.closed = true
			n++
		}
	}
	clear(g.open)
	return n > 0
}

// accepts reports whether c can be another event of the same packet.
func (f *Frame) accepts(c Copy) bool {
	if c.Time.Sub(f.Time) > copyWindow {
		return false
	}
	for _, o := range f.Copies {
		if o.Component == c.Component && o.Edge == c.Edge && o.Dir == c.Dir && o.Drop == c.Drop {
			return false
		}
	}
	return true
}

func (f *Frame) add(p *Packet, c Copy) {
	f.Copies = append(f.Copies, c)
	if contentRank(p.Content) > contentRank(f.Content) {
		f.Content, f.Data, f.Length, f.Best = p.Content, p.Data, p.Length, len(f.Copies)-1
	}
}

// contentRank orders contents by how much of the packet they show.
func contentRank(c Content) int {
	return [...]int{ContentUnknown: 0, ContentRawIP: 1, Content80211: 2, ContentEthernet: 3}[c]
}

// packetKey identifies a packet across the components that log it.
type packetKey struct {
	src, dst  [16]byte // IPv4 addresses IPv4-mapped; v6 tells them apart
	v6        bool
	proto     uint8
	sport     uint16
	dport     uint16
	seq, ack  uint32
	flags     uint8
	ipID      uint32
	length    int
	bytesHash uint64
	notIP     bool
}

// keyOf is the packet key of an event.
func keyOf(p *Packet) packetKey {
	l3, ok := networkLayer(p.Content, p.Data)
	if !ok {
		return packetKey{notIP: true, bytesHash: hashBytes(l3), length: p.Length}
	}
	var k packetKey
	var l4 []byte
	switch l3[0] >> 4 {
	case 4:
		ihl := int(l3[0]&0x0f) * 4
		if len(l3) < 20 || ihl < 20 || len(l3) < ihl {
			return packetKey{notIP: true, bytesHash: hashBytes(l3), length: p.Length}
		}
		k.src, k.dst = netip.AddrFrom4([4]byte(l3[12:16])).As16(), netip.AddrFrom4([4]byte(l3[16:20])).As16()
		k.proto, k.ipID, k.length = l3[9], uint32(binary.BigEndian.Uint16(l3[4:])), int(binary.BigEndian.Uint16(l3[2:]))
		l4 = l3[ihl:min(len(l3), max(k.length, ihl))] // without Ethernet padding
	case 6:
		if len(l3) < 40 {
			return packetKey{notIP: true, bytesHash: hashBytes(l3), length: p.Length}
		}
		k.src, k.dst, k.v6 = [16]byte(l3[8:24]), [16]byte(l3[24:40]), true
		k.proto, k.ipID, k.length = l3[6], binary.BigEndian.Uint32(l3[0:])&0xfffff, int(binary.BigEndian.Uint16(l3[4:]))
		l4 = l3[40:min(len(l3), 40+k.length)]
	}
	if k.proto == 6 && len(l4) >= 14 {
		k.sport, k.dport = binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:])
		k.seq, k.ack, k.flags = binary.BigEndian.Uint32(l4[4:]), binary.BigEndian.Uint32(l4[8:]), l4[13]
		return k
	}
	k.bytesHash = hashBytes(l4)
	return k
}

// networkLayer returns the IP packet a payload holds; ok is false when it
// holds none, and then b is what identifies the payload.
func networkLayer(c Content, b []byte) (l3 []byte, ok bool) {
	off := -1
	switch c {
	case ContentRawIP:
		off = 0
	case ContentEthernet:
		off = 14
		for off+4 <= len(b) && (binary.BigEndian.Uint16(b[off-2:]) == 0x8100 || binary.BigEndian.Uint16(b[off-2:]) == 0x88a8) {
			off += 4
		}
	case Content80211:
		if n, ok := dot11HeaderLen(b); ok && looks80211Data(b) {
			off = n + 8
		}
	}
	if off < 0 || off >= len(b) || (b[off]>>4 != 4 && b[off]>>4 != 6) {
		if off >= 0 && off < len(b) {
			return b[off:], false
		}
		return b, false
	}
	return b[off:], true
}

func hashBytes(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
