package capture

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// The few header fields an evidence file needs from a frame: which
// connection it belongs to, and where the addresses and checksums lie that
// redaction rewrites. Offsets index the frame; nothing is copied, and a
// frame cut short by the snaplen yields what it holds.

// Network-layer protocols as link layers name them (EtherTypes).
const (
	etherIPv4 = 0x0800
	etherARP  = 0x0806
	etherIPv6 = 0x86dd
)

// IP protocol numbers.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// linkTypeRawBSD is DLT_RAW as some BSDs number it in files (12).
const linkTypeRawBSD layers.LinkType = 12

// netLayer returns where the network-layer header of a frame starts and
// what it is (an EtherType), for the link types slbdiag decodes.
func netLayer(lt layers.LinkType, b []byte) (off int, ether uint16, ok bool) {
	switch lt {
	case layers.LinkTypeEthernet:
		off, ether = 14, be16(b, 12)
		for ether == 0x8100 || ether == 0x88a8 || ether == 0x9100 { // VLAN tags
			off, ether = off+4, be16(b, off+2)
		}
	case layers.LinkTypeLinuxSLL:
		off, ether = 16, be16(b, 14)
	case layers.LinkTypeLinuxSLL2:
		off, ether = 20, be16(b, 0)
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		off, ether = 4, ipVersion(b, 4)
	case layers.LinkTypeIPv4, layers.LinkTypeIPv6, layers.LinkTypeRaw, linkTypeRawBSD:
		off, ether = 0, ipVersion(b, 0)
	default:
		return 0, 0, false
	}
	return off, ether, off < len(b) && ether != 0
}

// ipVersion reads the version nibble of an IP header at off.
func ipVersion(b []byte, off int) uint16 {
	if off >= len(b) {
		return 0
	}
	switch b[off] >> 4 {
	case 4:
		return etherIPv4
	case 6:
		return etherIPv6
	}
	return 0
}

func be16(b []byte, off int) uint16 {
	if off+2 > len(b) {
		return 0
	}
	return binary.BigEndian.Uint16(b[off:])
}

// ipPacket is where the parts of one IP packet lie in a frame.
type ipPacket struct {
	off      int // the IP header
	v6       bool
	src, dst int // the addresses
	alen     int // their length: 4 or 16
	proto    uint8
	l4       int // the transport header; 0 when the header chain was not followed to it
	end      int // the end of the packet's captured bytes
}

// parseIP finds the parts of the IP packet at off, following IPv6
// extension headers to the transport header.
func parseIP(b []byte, off int) (ipPacket, bool) {
	p := ipPacket{off: off, end: len(b)}
	switch ipVersion(b, off) {
	case etherIPv4:
		if off+20 > len(b) {
			return p, false
		}
		hl := int(b[off]&0x0f) * 4
		if tl := int(be16(b, off+2)); tl >= 20 && off+tl < p.end {
			p.end = off + tl
		}
		p.src, p.dst, p.alen, p.proto = off+12, off+16, 4, b[off+9]
		fragOff := be16(b, off+6) & 0x1fff
		if hl >= 20 && off+hl <= p.end && fragOff == 0 {
			p.l4 = off + hl
		}
		return p, true
	case etherIPv6:
		if off+40 > len(b) {
			return p, false
		}
		p.v6 = true
		if pl := int(be16(b, off+4)); off+40+pl < p.end {
			p.end = off + 40 + pl
		}
		p.src, p.dst, p.alen = off+8, off+24, 16
		next, at := b[off+6], off+40
		for i := 0; i < 8; i++ { // a bounded chain of extension headers
			switch next {
			case 0, 43, 60: // hop-by-hop, routing, destination options
				if at+2 > p.end {
					return p, true
				}
				next, at = b[at], at+(int(b[at+1])+1)*8
			case 51: // authentication header
				if at+2 > p.end {
					return p, true
				}
				next, at = b[at], at+(int(b[at+1])+2)*4
			case 44: // fragment: only the first carries the transport header
				if at+8 > p.end || be16(b, at+2)&0xfff8 != 0 {
					return p, true
				}
				next, at = b[at], at+8
			default:
				p.proto = next
				if at <= p.end {
					p.l4 = at
				}
				return p, true
			}
		}
	}
	return p, false
}

func (p ipPacket) addr(b []byte, at int) netip.Addr {
	if p.alen == 4 {
		return netip.AddrFrom4([4]byte(b[at : at+4]))
	}
	return netip.AddrFrom16([16]byte(b[at : at+16]))
}

// ports returns the TCP ports of p, if its header holds them.
func (p ipPacket) ports(b []byte) (src, dst uint16, ok bool) {
	if p.proto != protoTCP || p.l4 == 0 || p.l4+4 > p.end {
		return 0, 0, false
	}
	return be16(b, p.l4), be16(b, p.l4+2), true
}

// quoted returns the packet an ICMP or ICMPv6 error quotes, if p is one.
func (p ipPacket) quoted(b []byte) (ipPacket, bool) {
	if p.l4 == 0 || p.l4+8 > p.end {
		return ipPacket{}, false
	}
	t := b[p.l4]
	isErr := (p.proto == protoICMP && !p.v6 && (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)) ||
		(p.proto == protoICMPv6 && p.v6 && t >= 1 && t <= 4)
	if !isErr {
		return ipPacket{}, false
	}
	q, ok := parseIP(b[:p.end], p.l4+8)
	return q, ok && q.v6 == p.v6
}

// tcpFlow returns the TCP connection a frame belongs to: its own, or the
// one an ICMP error quotes.
func tcpFlow(lt layers.LinkType, b []byte) (src, dst netip.AddrPort, ok bool) {
	off, ether, ok := netLayer(lt, b)
	if !ok || (ether != etherIPv4 && ether != etherIPv6) {
		return src, dst, false
	}
	p, ok := parseIP(b, off)
	if !ok {
		return src, dst, false
	}
	if q, isErr := p.quoted(b); isErr {
		p = q
	}
	sp, dp, ok := p.ports(b)
	if !ok {
		return src, dst, false
	}
	return netip.AddrPortFrom(p.addr(b, p.src), sp), netip.AddrPortFrom(p.addr(b, p.dst), dp), true
}
