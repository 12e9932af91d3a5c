package capture

import (
	"bytes"
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// Redaction is what an evidence file hides, the way the report beside it
// does: addresses replaced by stand-ins wherever a header holds them, at
// every depth the decoder reads (IPv4 and IPv6, outer and inner headers
// of tunnels and mirror sessions, the headers ICMP and ICMPv6 errors
// quote, ARP, neighbour discovery targets), and server names overwritten
// inside TCP payloads (the ClientHello's SNI, a certificate's names) by
// stand-ins of the same length, so no length field changes. Checksums are
// adjusted for every byte changed (RFC 1624), at every level that covers
// it (an inner TCP segment's, the VXLAN or Geneve datagram's UDP checksum
// around it, GRE's optional one): a checksum that was right stays right,
// one that checksum offload left wrong stays wrong by as much, as the
// analysis expects, and a UDP checksum of zero (none) stays zero.
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

// redact rewrites frame b, a copy the caller owns, in place, decoding it
// with d.
func (r Redaction) redact(d *decode.Decoder, lt layers.LinkType, b []byte) {
	var p decode.Packet
	d.Decode(lt, b, &p)
	l := d.Layout()
	e := editor{b: b}
	e.sums = e.checksums(l)
	for i, ip := range l.IPs() {
		if i > 0 && sameHeader(l.IPs()[:i], ip.Off) {
			continue
		}
		e.addr(ip.SrcOff(), ip.AddrLen(), i, r)
		e.addr(ip.DstOff(), ip.AddrLen(), i, r)
		switch {
		case ip.L4 < 0 || ip.Quoted:
		case ip.Proto == protoTCP:
			r.redactNames(&e, ip)
		case ip.Proto == protoICMPv6 && ip.V6:
			r.redactND(&e, ip)
		}
	}
	for _, at := range l.ARPs() {
		r.redactARP(&e, at)
	}
}

func sameHeader(ips []decode.IP, off int) bool {
	for _, ip := range ips {
		if ip.Off == off {
			return true
		}
	}
	return false
}

// The IP protocols and the EtherType redaction reads, as gopacket names them.
const (
	protoICMP   = uint8(layers.IPProtocolICMPv4)
	protoTCP    = uint8(layers.IPProtocolTCP)
	protoUDP    = uint8(layers.IPProtocolUDP)
	protoICMPv6 = uint8(layers.IPProtocolICMPv6)
	etherIPv4   = uint16(layers.EthernetTypeIPv4)
)

// redactARP rewrites the sender and target protocol addresses of an ARP
// packet for IPv4.
func (r Redaction) redactARP(e *editor, at int) {
	b := e.b[at:]
	if len(b) < 8 || be16(b, 2) != etherIPv4 || b[5] != 4 {
		return
	}
	hl := int(b[4])
	for _, a := range []int{8 + hl, 8 + 2*hl + 4} {
		if a+4 <= len(b) {
			e.addr(at+a, 4, -1, r)
		}
	}
}

// redactND rewrites the target of neighbour discovery, and a redirect's
// destination.
func (r Redaction) redactND(e *editor, ip decode.IP) {
	t := ip.L4
	if t+24 > ip.End {
		return
	}
	switch e.b[t] {
	case 135, 136, 137:
		e.addr(t+8, 16, -1, r)
		if e.b[t] == 137 && t+40 <= ip.End {
			e.addr(t+24, 16, -1, r)
		}
	}
}

// redactNames overwrites each hidden server name in the TCP payload of ip,
// ignoring ASCII case, as DNS does.
func (r Redaction) redactNames(e *editor, ip decode.IP) {
	if len(r.Names) == 0 || ip.L4+13 > ip.End {
		return
	}
	start := ip.L4 + int(e.b[ip.L4+12]>>4)*4
	if start >= ip.End {
		return
	}
	payload := e.b[start:ip.End]
	for name, standIn := range r.Names {
		n := len(name)
		if n == 0 || len(standIn) != n {
			continue
		}
		for i := 0; i+n <= len(payload); i++ {
			if bytes.EqualFold(payload[i:i+n], []byte(name)) {
				e.set(start+i, []byte(standIn), -1)
				i += n - 1
			}
		}
	}
}

// standIn returns the stand-in of address a, if it has one.
func (r Redaction) standIn(a netip.Addr) (netip.Addr, bool) {
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
	return s, ok
}

// editor changes bytes of a frame and keeps every checksum covering them
// right (or exactly as wrong as it was).
type editor struct {
	b    []byte
	sums []checksum
}

// checksum is a 16-bit one's complement checksum at ck over the bytes
// from start to end, and over the pseudo-header of the IP header whose
// layout index is pseudo (-1 for none).
type checksum struct {
	ck, start, end int
	pseudo         int
	udp            bool // an adjusted 0 is written as 0xffff: 0 means none
}

// checksums lists the checksums of a frame's layout that its captured
// bytes hold.
func (e *editor) checksums(l *decode.Layout) []checksum {
	var sums []checksum
	add := func(c checksum) {
		if c.ck < c.start || c.ck+2 > c.end || c.end > len(e.b) {
			return
		}
		for _, s := range sums {
			if s.ck == c.ck {
				return // one field, one checksum, however the layout named it
			}
		}
		sums = append(sums, c)
	}
	for i, ip := range l.IPs() {
		if !ip.V6 {
			add(checksum{ck: ip.Off + 10, start: ip.Off, end: ip.Off + ip.HdrLen, pseudo: -1})
		}
		if ip.L4 < 0 {
			continue
		}
		switch ip.Proto {
		case protoTCP:
			add(checksum{ck: ip.L4 + 16, start: ip.L4, end: ip.End, pseudo: i})
		case protoUDP:
			if ip.L4+8 <= ip.End && be16(e.b, ip.L4+6) != 0 {
				add(checksum{ck: ip.L4 + 6, start: ip.L4, end: ip.End, pseudo: i, udp: true})
			}
		case protoICMP:
			if !ip.V6 {
				add(checksum{ck: ip.L4 + 2, start: ip.L4, end: ip.End, pseudo: -1})
			}
		case protoICMPv6:
			if ip.V6 {
				add(checksum{ck: ip.L4 + 2, start: ip.L4, end: ip.End, pseudo: i})
			}
		}
	}
	for _, g := range l.GREs() {
		if g.Sum {
			add(checksum{ck: g.Off + 4, start: g.Off, end: g.End, pseudo: -1})
		}
	}
	return sums
}

// addr replaces the n-byte address at off by its stand-in, if it has one;
// ip is the layout index of the IP header it belongs to (-1 for an
// address in a payload), whose pseudo-header holds it.
func (e *editor) addr(off, n, ip int, r Redaction) {
	if off+n > len(e.b) {
		return
	}
	var a netip.Addr
	if n == 4 {
		a = netip.AddrFrom4([4]byte(e.b[off : off+4]))
	} else {
		a = netip.AddrFrom16([16]byte(e.b[off : off+16]))
	}
	s, ok := r.standIn(a)
	if !ok {
		return
	}
	var cur []byte
	switch {
	case n == 16:
		a16 := s.As16()
		cur = a16[:]
	case s.Unmap().Is4():
		cur = s.Unmap().AsSlice()
	default:
		return // no IPv4 form to write
	}
	old := bytes.Clone(e.b[off : off+n])
	e.set(off, cur, -1)
	if ip < 0 {
		return
	}
	for i, c := range e.sums {
		if c.pseudo == ip {
			e.adjust(i, old, cur, false)
		}
	}
}

// set writes cur at off, adjusting every checksum whose range covers it.
// When what is written is checksum from's own field, only the checksums
// around from's range see it: they nest, so a crafted frame whose ranges
// overlap cannot make two checksums adjust each other forever.
func (e *editor) set(off int, cur []byte, from int) {
	old := bytes.Clone(e.b[off : off+len(cur)])
	if bytes.Equal(old, cur) {
		return
	}
	copy(e.b[off:], cur)
	for i, c := range e.sums {
		if off < c.start || off+len(cur) > c.end {
			continue
		}
		if from >= 0 && !encloses(c, e.sums[from]) {
			continue
		}
		e.adjust(i, old, cur, (off-c.start)%2 == 1)
	}
}

// encloses reports whether c's range holds f's and more.
func encloses(c, f checksum) bool {
	return c.start <= f.start && f.end <= c.end && (c.start != f.start || c.end != f.end)
}

// adjust updates checksum i for words old that became cur, starting at an
// odd offset of what it covers when odd is set (RFC 1624, eqn. 3:
// HC' = ~(~HC + ~m + m')); the checksum's own change is an edit that the
// checksums around it see.
func (e *editor) adjust(i int, old, cur []byte, odd bool) {
	c := e.sums[i]
	hc := be16(e.b, c.ck)
	s := uint32(^hc) + uint32(^fold(sum16(old, odd))) + uint32(fold(sum16(cur, odd)))
	v := ^fold(s)
	if c.udp && v == 0 {
		v = 0xffff
	}
	e.set(c.ck, binary.BigEndian.AppendUint16(nil, v), i)
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

func be16(b []byte, off int) uint16 {
	if off+2 > len(b) {
		return 0
	}
	return binary.BigEndian.Uint16(b[off:])
}
