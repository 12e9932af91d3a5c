package capture

import (
	"bytes"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Redaction is what an evidence file hides, the way the report beside it
// does: addresses replaced by stand-ins wherever a header holds them (IPv4
// and IPv6, the headers ICMP and ICMPv6 errors quote, ARP, neighbour
// discovery targets), and server names overwritten inside TCP payloads
// (the ClientHello's SNI, a certificate's names) by stand-ins of the same
// length, so no length field changes. Checksums are adjusted for every
// byte changed (RFC 1624): a checksum that was right stays right, and one
// that checksum offload left wrong stays wrong by as much, as the
// analysis expects.
type Redaction struct {
	Addrs map[netip.Addr]netip.Addr
	Names map[string]string // each stand-in as long as its name
	// Others, when set, gives the stand-in of an address Addrs does not
	// list (the address itself to keep it): for packets the report never
	// named, such as a connection whose SYN came before an incident's
	// window.
	Others func(netip.Addr) netip.Addr
}

func (r Redaction) empty() bool { return len(r.Addrs) == 0 && len(r.Names) == 0 && r.Others == nil }

// redact rewrites frame b, a copy the caller owns, in place.
func (r Redaction) redact(lt layers.LinkType, b []byte) {
	off, ether, ok := netLayer(lt, b)
	if !ok {
		return
	}
	switch ether {
	case etherARP:
		r.redactARP(b[off:])
	case etherIPv4, etherIPv6:
		if p, ok := parseIP(b, off); ok {
			r.redactIP(b, p, true)
		}
	}
}

// redactARP rewrites the sender and target protocol addresses of an ARP
// packet for IPv4.
func (r Redaction) redactARP(b []byte) {
	if len(b) < 8 || be16(b, 2) != etherIPv4 || b[5] != 4 {
		return
	}
	hl := int(b[4])
	for _, at := range []int{8 + hl, 8 + 2*hl + 4} {
		if at+4 <= len(b) {
			r.swapAddr(b[at : at+4])
		}
	}
}

// redactIP rewrites the packet p: its addresses, and what its transport
// carries. outer is false for a packet an ICMP error quotes, whose payload
// is not searched for names.
func (r Redaction) redactIP(b []byte, p ipPacket, outer bool) {
	oldSrc, oldDst := bytes.Clone(b[p.src:p.src+p.alen]), bytes.Clone(b[p.dst:p.dst+p.alen])
	r.swapAddr(b[p.src : p.src+p.alen])
	r.swapAddr(b[p.dst : p.dst+p.alen])
	old, cur := append(oldSrc, oldDst...), append(bytes.Clone(b[p.src:p.src+p.alen]), b[p.dst:p.dst+p.alen]...)
	if !p.v6 {
		fixChecksum(b, p.off+10, p.end, old, cur, false)
	}
	if p.l4 == 0 {
		return
	}
	switch p.proto {
	case protoTCP:
		fixChecksum(b, p.l4+16, p.end, old, cur, false) // the pseudo-header's addresses
		if outer {
			r.redactNames(b, p)
		}
	case protoUDP:
		if p.v6 || be16(b, p.l4+6) != 0 { // an IPv4 UDP checksum of 0 is none
			fixChecksum(b, p.l4+6, p.end, old, cur, true)
		}
	case protoICMPv6:
		fixChecksum(b, p.l4+2, p.end, old, cur, false)
		r.redactICMPBody(b, p)
	case protoICMP:
		r.redactICMPBody(b, p)
	}
}

// redactICMPBody rewrites what an ICMP or ICMPv6 message carries: the
// packet an error quotes, or the target of neighbour discovery.
func (r Redaction) redactICMPBody(b []byte, p ipPacket) {
	if p.l4+8 > p.end {
		return
	}
	body := b[p.l4+4 : p.end]
	before := bytes.Clone(body)
	if q, ok := p.quoted(b); ok {
		r.redactIP(b, q, false)
	} else if p.v6 && (b[p.l4] == 135 || b[p.l4] == 136 || b[p.l4] == 137) && p.l4+24 <= p.end {
		r.swapAddr(b[p.l4+8 : p.l4+24]) // the target address
		if b[p.l4] == 137 && p.l4+40 <= p.end {
			r.swapAddr(b[p.l4+24 : p.l4+40]) // a redirect's destination
		}
	}
	fixChecksum(b, p.l4+2, p.end, before, body, false)
}

// redactNames overwrites each hidden server name in the TCP payload of p,
// ignoring ASCII case, as DNS does.
func (r Redaction) redactNames(b []byte, p ipPacket) {
	if len(r.Names) == 0 || p.l4+13 > p.end {
		return
	}
	start := p.l4 + int(b[p.l4+12]>>4)*4
	if start >= p.end {
		return
	}
	payload := b[start:p.end]
	for name, standIn := range r.Names {
		n := len(name)
		if n == 0 || len(standIn) != n {
			continue
		}
		for i := 0; i+n <= len(payload); i++ {
			if !bytes.EqualFold(payload[i:i+n], []byte(name)) {
				continue
			}
			old := bytes.Clone(payload[i : i+n])
			copy(payload[i:], standIn)
			// The payload starts at an even offset of the segment, so
			// byte i is the high half of a 16-bit word when i is even.
			fixChecksumAt(b, p.l4+16, p.end, old, payload[i:i+n], i%2 == 1, false)
			i += n - 1
		}
	}
}

// swapAddr replaces the address in b by its stand-in, if it has one.
func (r Redaction) swapAddr(b []byte) {
	var a netip.Addr
	switch len(b) {
	case 4:
		a = netip.AddrFrom4([4]byte(b))
	case 16:
		a = netip.AddrFrom16([16]byte(b))
	default:
		return
	}
	s, ok := r.Addrs[a]
	if !ok {
		// An IPv4 address may be listed in its IPv4-mapped form, or the
		// reverse.
		s, ok = r.Addrs[a.Unmap()]
	}
	if !ok && r.Others != nil {
		s = r.Others(a.Unmap())
		ok = s != a.Unmap()
	}
	if !ok {
		return
	}
	if len(b) == 16 {
		a16 := s.As16()
		copy(b, a16[:])
	} else if s.Unmap().Is4() {
		copy(b, s.Unmap().AsSlice())
	}
}

// fixChecksum adjusts the 16-bit checksum at ck, when the packet's captured
// bytes (to end) hold it, for words old that became cur.
func fixChecksum(b []byte, ck, end int, old, cur []byte, udp bool) {
	fixChecksumAt(b, ck, end, old, cur, false, udp)
}

// fixChecksumAt is fixChecksum for bytes that start at an odd offset of
// the checksummed data when odd is set. An adjusted UDP checksum of 0 is
// written as 0xffff: 0 would mean none.
func fixChecksumAt(b []byte, ck, end int, old, cur []byte, odd, udp bool) {
	if ck+2 > end || bytes.Equal(old, cur) {
		return
	}
	c := be16(b, ck)
	// RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m').
	s := uint32(^c) + uint32(^fold(sum16(old, odd))) + uint32(fold(sum16(cur, odd)))
	c = ^fold(s)
	if udp && c == 0 {
		c = 0xffff
	}
	b[ck], b[ck+1] = byte(c>>8), byte(c)
}

// sum16 adds b as big-endian 16-bit words; when odd, b's first byte is the
// low half of a word.
func sum16(b []byte, odd bool) uint32 {
	var s uint32
	for i, v := range b {
		if (i%2 == 0) != odd {
			s += uint32(v) << 8
		} else {
			s += uint32(v)
		}
	}
	return s
}

func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}
