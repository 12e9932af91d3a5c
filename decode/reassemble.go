package decode

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Bounds on reassembly, the Linux kernel's defaults: a datagram waits at
// most fragTimeout (net.ipv4.ipfrag_time) for its missing pieces, and the
// pieces waiting hold at most fragHighThresh bytes
// (net.ipv4.ipfrag_high_thresh), the oldest datagram evicted first. Each
// piece is charged fragOverhead beyond its bytes, as the kernel charges a
// buffer's truesize, so that tiny fragments cannot hold unbounded state.
const (
	fragTimeout    = 30 * time.Second
	fragHighThresh = 4 << 20
	fragOverhead   = 256
	maxDatagram    = 65535
)

// fragKey identifies a datagram's pieces (RFC 791, RFC 8200): its
// addresses, identification and, for IPv4, protocol.
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
}

// span is a byte range of a datagram's payload.
type span struct{ off, end int }

// datagram is a fragmented datagram being put together.
type datagram struct {
	key   fragKey
	start time.Time
	buf   []byte
	have  []span // sorted, disjoint
	size  int    // the payload's length, -1 until the last piece came
	first bool   // the piece at offset 0 came
	proto uint8  // the protocol (IPv6: next header) of the first piece
	cost  int
	dead  bool
}

// reassembler puts fragmented IP datagrams back together as the Linux
// kernel does (net/ipv4/inet_fragment.c): a piece wholly inside one
// already held is a duplicate and ignored, any other overlap discards the
// whole datagram (RFC 5722; Linux since 4.19 for IPv4 too), as do a piece
// past the end a last piece set, a second last piece disagreeing on the
// end, an empty piece and a datagram over 65535 bytes.
type reassembler struct {
	queues map[fragKey]*datagram
	order  []*datagram // by arrival of their first piece, for eviction
	used   int
	now    time.Time
	done   []byte // the datagram last completed, until the next frame
	// lost counts the datagrams discarded without being completed, and
	// evicted those of them discarded because the pieces held passed
	// fragHighThresh: a SYN in them is never seen.
	lost, evicted int
}

// add takes one piece: payload b at byte offset off, more set when more
// pieces follow it. It returns the whole payload and the first piece's
// protocol once the datagram is complete; the payload is valid until the
// next call.
func (r *reassembler) add(k fragKey, off int, more bool, proto uint8, b []byte) ([]byte, uint8, bool) {
	r.done = nil
	r.expire()
	end := off + len(b)
	if more {
		end &^= 7 // as the kernel trims a middle piece to 8-byte units
	}
	if end <= off || end > maxDatagram {
		r.lose(r.queues[k])
		return nil, 0, false
	}
	q := r.queues[k]
	if q == nil {
		q = r.open(k)
	}
	if !r.place(q, off, end, more, b[:end-off]) {
		r.lose(q)
		return nil, 0, false
	}
	if off == 0 {
		q.first, q.proto = true, proto
	}
	if !q.first || q.size < 0 || len(q.have) != 1 || q.have[0] != (span{0, q.size}) {
		r.evict()
		return nil, 0, false
	}
	r.done, proto = q.buf[:q.size], q.proto
	r.kill(q)
	return r.done, proto, true
}

func (r *reassembler) open(k fragKey) *datagram {
	if r.queues == nil {
		r.queues = make(map[fragKey]*datagram)
	}
	q := &datagram{key: k, start: r.now, size: -1}
	r.queues[k] = q
	r.order = append(r.order, q)
	return q
}

// place puts a piece in q and reports whether q survives it.
func (r *reassembler) place(q *datagram, off, end int, more bool, b []byte) bool {
	if !more {
		if q.size >= 0 && end != q.size || q.size < 0 && len(q.have) > 0 && q.have[len(q.have)-1].end > end {
			return false
		}
		q.size = end
	} else if q.size >= 0 && end > q.size {
		return false
	}
	i := 0
	for i < len(q.have) && q.have[i].end <= off {
		i++
	}
	if i < len(q.have) && q.have[i].off < end {
		h := q.have[i]
		return off >= h.off && end <= h.end // a duplicate: ignored
	}
	if len(q.buf) < end {
		q.buf = append(q.buf, make([]byte, end-len(q.buf))...)
	}
	copy(q.buf[off:end], b)
	q.have = slices.Insert(q.have, i, span{off, end})
	q.have = merge(q.have)
	q.cost += len(b) + fragOverhead
	r.used += len(b) + fragOverhead
	return true
}

// merge joins adjacent spans of a sorted, disjoint list.
func merge(s []span) []span {
	out := s[:1]
	for _, x := range s[1:] {
		if last := &out[len(out)-1]; last.end == x.off {
			last.end = x.end
		} else {
			out = append(out, x)
		}
	}
	return out
}

// lose discards q, not completed, and counts it.
func (r *reassembler) lose(q *datagram) {
	if q != nil && !q.dead {
		r.lost++
	}
	r.kill(q)
}

func (r *reassembler) kill(q *datagram) {
	if q == nil || q.dead {
		return
	}
	q.dead = true
	r.used -= q.cost
	delete(r.queues, q.key)
}

// expire discards the datagrams that waited longer than fragTimeout.
func (r *reassembler) expire() {
	for len(r.order) > 0 {
		q := r.order[0]
		if !q.dead && r.now.Sub(q.start) <= fragTimeout {
			break
		}
		r.lose(q)
		r.order[0] = nil
		r.order = r.order[1:]
	}
	if len(r.order) > 2*len(r.queues)+64 {
		r.order = slices.DeleteFunc(r.order, func(q *datagram) bool { return q.dead })
	}
}

// evict discards the oldest datagrams while the pieces held are over
// fragHighThresh.
func (r *reassembler) evict() {
	for r.used > fragHighThresh && len(r.order) > 0 {
		if q := r.order[0]; !q.dead {
			r.evicted++
		}
		r.lose(r.order[0])
		r.order[0] = nil
		r.order = r.order[1:]
	}
}

// FragmentsLost counts the fragmented TCP datagrams this Decoder never
// completed, those still waiting included, and of them those evicted
// because more than fragHighThresh bytes of pieces waited.
func (d *Decoder) FragmentsLost() (lost, evicted int) {
	return d.frags.lost + len(d.frags.queues), d.frags.evicted
}

// SetTime tells the Decoder the capture time of the frames that follow,
// by which fragmented datagrams still incomplete expire.
func (d *Decoder) SetTime(t time.Time) { d.frags.now = t }

// ipv4Piece takes a piece of a fragmented IPv4 datagram. A TCP segment is
// decoded once its datagram is whole; the first piece of any other
// protocol is read as it comes, which is enough to find a tunnel's
// inner packet.
func (d *Decoder) ipv4Piece(p *Packet) (inner, bool) {
	ip := &d.ip4
	p.Fragment = true
	more := ip.Flags&layers.IPv4MoreFragments != 0
	if ip.Protocol != layers.IPProtocolTCP {
		if ip.FragOffset != 0 {
			return inner{}, false // a later piece: no header of its own
		}
		return d.transport(uint8(ip.Protocol), ip.Payload, p)
	}
	if len(ip.Payload) != int(ip.Length)-int(ip.IHL)*4 {
		return inner{}, false // captured short: its datagram cannot be whole
	}
	k := fragKey{src: p.Src, dst: p.Dst, id: uint32(ip.Id), proto: protoTCP}
	if whole, _, ok := d.frags.add(k, int(ip.FragOffset)*8, more, protoTCP, ip.Payload); ok {
		d.wholeTCP(whole, p)
	}
	return inner{}, false
}

// ipv6Piece takes a piece of a fragmented IPv6 packet whose fragment
// header is at frag in the payload, and decodes the TCP segment the
// whole packet carries once it is complete.
func (d *Decoder) ipv6Piece(frag int, p *Packet) {
	b := d.ip6.Payload
	if len(b) != int(d.ip6.Length) || len(b) < frag+8 {
		return
	}
	h := b[frag : frag+8]
	k := fragKey{src: p.Src, dst: p.Dst, id: binary.BigEndian.Uint32(h[4:8])}
	off, more := int(binary.BigEndian.Uint16(h[2:4])&^7), h[3]&1 != 0
	whole, next, ok := d.frags.add(k, off, more, h[0], b[frag+8:])
	if !ok {
		return
	}
	if proto, at, fr, ok := ipv6Upper(next, whole); ok && at >= 0 && fr < 0 && proto == protoTCP {
		p.Proto = proto
		d.wholeTCP(whole[at:], p)
	}
}

// wholeTCP reads the TCP segment of a reassembled datagram. Its bytes are
// not the frame's, so the Layout gets no transport header from it.
func (d *Decoder) wholeTCP(seg []byte, p *Packet) {
	if d.tcp.DecodeFromBytes(seg, gopacket.NilDecodeFeedback) != nil {
		return
	}
	d.take(layers.LayerTypeTCP, p)
	p.Fragment = false
	if p.Flags&FlagSYN != 0 {
		p.SumChecked, p.SumBad = true, tcpSumBad(p.Src, p.Dst, seg)
	}
}
