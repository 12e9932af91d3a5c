package decode

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// IP protocols the decoder reads past an IP header itself.
const (
	protoICMPv4   = 1
	protoICMPv6   = 58
	protoHopByHop = 0
	protoRouting  = 43
	protoFragment = 44
	protoAH       = 51
	protoDestOpts = 60
)

// maxIPv6Ext bounds the extension headers walked before giving up.
const maxIPv6Ext = 8

// follow goes on where gopacket's parser stopped: past IPv6 extension
// headers and into first fragments, into a TCP header the frame cut short,
// and to the start of an encapsulated packet, which it returns.
func (d *Decoder) follow(p *Packet) (inner, bool) {
	switch d.decoded[len(d.decoded)-1] {
	case layers.LayerTypeEthernet:
		if d.eth.EthernetType == layers.EthernetTypeLLC {
			return unwrapLLC(d.eth.Payload)
		}
		return d.unwrapEther(uint16(d.eth.EthernetType), d.eth.Payload)
	case layers.LayerTypeDot1Q:
		if d.dot1q.Type < 0x600 {
			return unwrapLLC(d.dot1q.Payload)
		}
		return d.unwrapEther(uint16(d.dot1q.Type), d.dot1q.Payload)
	case layers.LayerTypeLinuxSLL:
		return d.unwrapEther(uint16(d.sll.EthernetType), d.sll.Payload)
	case layers.LayerTypeLinuxSLL2:
		return d.unwrapEther(uint16(d.sll2.ProtocolType), d.sll2.Payload)
	case layers.LayerTypeIPv4:
		ip := &d.ip4
		if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
			return d.ipv4Piece(p)
		}
		return d.transport(uint8(ip.Protocol), ip.Payload, p)
	case layers.LayerTypeIPv6:
		return d.ipv6Ext(p)
	}
	return inner{}, false
}

// ipv6Ext walks the IPv6 extension headers to the upper-layer header and
// reads it.
func (d *Decoder) ipv6Ext(p *Packet) (inner, bool) {
	proto, at, frag, ok := ipv6Upper(uint8(d.ip6.NextHeader), d.ip6.Payload)
	if ok {
		p.Proto = proto
	}
	if frag >= 0 {
		p.Fragment = true
		d.ipv6Piece(frag, p)
		if ok && proto == protoTCP {
			if at >= 0 {
				// A first piece's TCP header is the frame's, for what
				// rewrites it; its fields are read from the whole datagram.
				d.noteTransport(proto, d.ip6.Payload[at:])
			}
			return inner{}, false
		}
	}
	if !ok || at < 0 {
		return inner{}, false
	}
	b := d.ip6.Payload[at:]
	d.noteTransport(proto, b)
	return d.transport(proto, b, p)
}

// ipv6Upper walks the IPv6 extension headers (RFC 8200) b starts with,
// after a header whose next header is next, to the upper-layer header:
// its protocol and offset in b, at < 0 for a later fragment, which has
// none; frag is the offset of the fragment header when b is a piece of a
// fragmented packet, -1 when it is not. A fragment header with offset 0
// and no more-fragments flag is an atomic fragment (RFC 6946), a whole
// packet. ok is false when the chain is cut short.
func ipv6Upper(next uint8, b []byte) (proto uint8, at, frag int, ok bool) {
	frag = -1
	for range maxIPv6Ext {
		n := 0
		switch next {
		case protoHopByHop, protoRouting, protoDestOpts:
			if len(b) >= at+2 {
				n = (int(b[at+1]) + 1) * 8
			}
		case protoAH:
			if len(b) >= at+2 {
				n = (int(b[at+1]) + 2) * 4
			}
		case protoFragment:
			if len(b) < at+8 {
				return 0, 0, frag, false
			}
			off, more := binary.BigEndian.Uint16(b[at+2:at+4])>>3, b[at+3]&1 != 0
			if off != 0 || more {
				frag = at
			}
			if off != 0 {
				return b[at], -1, frag, true
			}
			n = 8
		default:
			return next, at, frag, true
		}
		if n == 0 || len(b) < at+n {
			return 0, 0, frag, false
		}
		next, at = b[at], at+n
	}
	return 0, 0, frag, false
}

// transport reads the upper-layer header of an IP packet the parser did
// not: after extension headers, in a first fragment, or cut short. A
// tunnel's payload is returned to be unwrapped.
func (d *Decoder) transport(proto uint8, b []byte, p *Packet) (inner, bool) {
	switch proto {
	case protoTCP:
		if d.tcp.DecodeFromBytes(b, gopacket.NilDecodeFeedback) == nil {
			d.take(layers.LayerTypeTCP, p)
		} else if len(b) >= 13 && b[12]>>4 < 5 {
			p.BadOffset = true
		} else if len(b) >= 14 {
			// Cut inside its options by a small snaplen (pktmon's 128
			// bytes, tcpdump's old 68 or 96): ports, sequence numbers and
			// flags sit in the first 14 bytes, all a handshake needs.
			fixedTCP(b, p)
		}
	case protoICMPv4:
		if d.icmp4.DecodeFromBytes(b, gopacket.NilDecodeFeedback) == nil {
			d.take(layers.LayerTypeICMPv4, p)
		}
	case protoICMPv6:
		if d.icmp6.DecodeFromBytes(b, gopacket.NilDecodeFeedback) == nil {
			d.take(layers.LayerTypeICMPv6, p)
		}
	default:
		return d.unwrapIP(proto, b)
	}
	return inner{}, false
}

// unwrap decodes the packet an encapsulation carries in place of the one
// that carried it, noting the outermost encapsulation and its source. A
// payload that turns out not to be a packet leaves the outer one as it
// was; so does nesting deeper than maxNesting.
func (d *Decoder) unwrap(in inner, p *Packet, depth int) bool {
	if depth >= maxNesting {
		return false
	}
	outer := *p
	// The first fragment of a tunnel's packet holds the start of the
	// packet inside: its segment is cut short too.
	fresh := Packet{Encap: p.Encap, Outer: p.Outer, Fragment: p.Fragment}
	if fresh.Encap == EncapNone {
		fresh.Encap, fresh.Outer = in.kind, p.Src
	}
	*p = fresh
	ok := false
	fast := false
	if in.first == layers.LayerTypeEthernet {
		ok, fast = d.fastEthernet(in.data, p)
		if !fast {
			*p = fresh
		}
	}
	if !fast {
		ok = d.decodeLayers(in.first, in.data, p, depth+1)
	}
	if !ok {
		*p = outer
	}
	return ok
}
