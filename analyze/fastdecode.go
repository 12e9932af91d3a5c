package analyze

import (
	"encoding/binary"
	"net/netip"
)

// EtherTypes and IP protocols the fast path knows.
const (
	etherIPv4  = 0x0800
	etherIPv6  = 0x86DD
	etherDot1Q = 0x8100
	protoTCP   = 6
	protoUDP   = 17
)

// fastEthernet decodes the frames that make up nearly all of a capture
// (Ethernet, at most one VLAN tag, IPv4 without options or fragments, or
// IPv6 without extension headers, carrying whole TCP, or UDP that is not
// a tunnel's) without gopacket. It reports ok only when it filled p exactly as the
// DecodingLayerParser path would; anything else (ARP, ICMP, truncation,
// odd headers) is left to that path. ip is decode's result.
func fastEthernet(data []byte, p *packet) (ip, ok bool) {
	if len(data) < 14 {
		return false, false
	}
	typ := binary.BigEndian.Uint16(data[12:14])
	rest := data[14:]
	if typ == etherDot1Q {
		if len(rest) < 4 {
			return false, false
		}
		typ = binary.BigEndian.Uint16(rest[2:4])
		rest = rest[4:]
	}
	var l4 []byte
	switch typ {
	case etherIPv4:
		l4, ok = fastIPv4(rest, p)
	case etherIPv6:
		l4, ok = fastIPv6(rest, p)
	}
	if !ok {
		return false, false
	}
	p.hasMAC = true
	p.dstMAC = [6]byte(data[0:6])
	p.srcMAC = [6]byte(data[6:12])
	switch p.proto {
	case protoTCP:
		if !fastTCP(l4, p) {
			return true, false
		}
		if p.flags&flagSYN != 0 {
			p.sumChecked, p.sumBad = true, tcpSumBad(p.src, p.dst, l4)
		}
		return true, true
	case protoUDP:
		// A tunnel's datagram is unwrapped on the slower path.
		return true, len(l4) < 4 || !tunnelPort(binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4]))
	}
	return false, false
}

// fastIPv4 reads a 20-byte IPv4 header of a packet captured whole and not
// fragmented, and returns its payload.
func fastIPv4(b []byte, p *packet) ([]byte, bool) {
	if len(b) < 20 || b[0] != 0x45 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < 20 || n > len(b) || binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 {
		return nil, false // TSO length 0, truncated, or a fragment
	}
	p.src = netip.AddrFrom4([4]byte(b[12:16]))
	p.dst = netip.AddrFrom4([4]byte(b[16:20]))
	p.ttl = b[8]
	p.ipID, p.ipLen, p.proto = binary.BigEndian.Uint16(b[4:6]), uint16(n), b[9]
	return b[20:n], true
}

// fastIPv6 reads an IPv6 header followed directly by TCP or UDP, captured
// whole, and returns its payload.
func fastIPv6(b []byte, p *packet) ([]byte, bool) {
	if len(b) < 40 || b[0]>>4 != 6 || (b[6] != protoTCP && b[6] != protoUDP) {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	if n == 0 || n > len(b)-40 {
		return nil, false
	}
	p.src = netip.AddrFrom16([16]byte(b[8:24]))
	p.dst = netip.AddrFrom16([16]byte(b[24:40]))
	p.ttl = b[7]
	p.ipLen, p.proto = uint16(n), b[6]
	return b[40 : 40+n], true
}

// fastTCP reads a whole TCP header whose options are well formed.
func fastTCP(b []byte, p *packet) bool {
	if len(b) < 20 {
		return false
	}
	off := int(b[12]>>4) * 4
	if off < 20 || off > len(b) {
		return false
	}
	var ts uint32
	found := false
	for o := b[20:off]; len(o) > 0; {
		kind := o[0]
		if kind == 0 {
			break
		}
		if kind == 1 {
			o = o[1:]
			continue
		}
		if kind == 30 || len(o) < 2 || o[1] < 2 || int(o[1]) > len(o) {
			return false // MPTCP, or a length gopacket would stop at
		}
		if kind == 8 && o[1] >= 6 && !found {
			ts, found = binary.BigEndian.Uint32(o[2:6]), true // the first one counts, as in tsval
		}
		o = o[o[1]:]
	}
	fixedTCP(b, p)
	p.tsval = ts
	p.payload = b[off:]
	return true
}

// fixedTCP fills p from the first 14 bytes of a TCP header: ports,
// sequence numbers and the flags the tracker reads, all a handshake needs.
func fixedTCP(b []byte, p *packet) {
	p.isTCP = true
	p.sport = binary.BigEndian.Uint16(b[0:2])
	p.dport = binary.BigEndian.Uint16(b[2:4])
	p.seq = binary.BigEndian.Uint32(b[4:8])
	p.ack = binary.BigEndian.Uint32(b[8:12])
	p.flags = b[13] & (flagFIN | flagSYN | flagRST | flagACK)
}
