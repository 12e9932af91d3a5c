package decode

import (
	"encoding/binary"
	"net/netip"
)

// fastEthernet decodes the frames that make up nearly all of a capture
// (Ethernet, at most one VLAN tag, IPv4 without options or fragments, or
// IPv6 without extension headers, carrying whole TCP, or UDP that is not
// a tunnel's) without gopacket. It reports ok only when it filled p exactly as the
// DecodingLayerParser path would; anything else (ARP, ICMP, truncation,
// odd headers) is left to that path. ip is decode's result.
func (d *Decoder) fastEthernet(data []byte, p *Packet) (ip, ok bool) {
	n := d.layout.nIP
	ip, ok = d.fastEthernetNoted(data, p)
	if !ok {
		d.layout.nIP = n // the slower path records the headers again
	}
	return ip, ok
}

func (d *Decoder) fastEthernetNoted(data []byte, p *Packet) (ip, ok bool) {
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
	start, at := d.off(rest), d.off(l4)
	d.addIP(IP{Off: start, V6: typ == etherIPv6, HdrLen: at - start, Proto: p.Proto, L4: at, End: at + len(l4)})
	p.HasMAC = true
	p.DstMAC = [6]byte(data[0:6])
	p.SrcMAC = [6]byte(data[6:12])
	switch p.Proto {
	case protoTCP:
		if !fastTCP(l4, p) {
			return true, false
		}
		if p.Flags&FlagSYN != 0 {
			p.SumChecked, p.SumBad = true, tcpSumBad(p.Src, p.Dst, l4)
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
func fastIPv4(b []byte, p *Packet) ([]byte, bool) {
	if len(b) < 20 || b[0] != 0x45 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < 20 || n > len(b) || binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 {
		return nil, false // TSO length 0, truncated, or a fragment
	}
	p.Src = netip.AddrFrom4([4]byte(b[12:16]))
	p.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	p.TTL = b[8]
	p.IPID, p.IPLen, p.Proto = binary.BigEndian.Uint16(b[4:6]), uint16(n), b[9]
	return b[20:n], true
}

// fastIPv6 reads an IPv6 header followed directly by TCP or UDP, captured
// whole, and returns its payload.
func fastIPv6(b []byte, p *Packet) ([]byte, bool) {
	if len(b) < 40 || b[0]>>4 != 6 || (b[6] != protoTCP && b[6] != protoUDP) {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	if n == 0 || n > len(b)-40 {
		return nil, false
	}
	p.Src = netip.AddrFrom16([16]byte(b[8:24]))
	p.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	p.TTL = b[7]
	p.IPLen, p.Proto = uint16(n), b[6]
	return b[40 : 40+n], true
}

// fastTCP reads a whole TCP header whose options are well formed.
func fastTCP(b []byte, p *Packet) bool {
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
	p.TSval = ts
	p.Payload = b[off:]
	return true
}

// fixedTCP fills p from the first 14 bytes of a TCP header: ports,
// sequence numbers and the flags the tracker reads, all a handshake needs.
func fixedTCP(b []byte, p *Packet) {
	p.IsTCP = true
	p.Sport = binary.BigEndian.Uint16(b[0:2])
	p.Dport = binary.BigEndian.Uint16(b[2:4])
	p.Seq = binary.BigEndian.Uint32(b[4:8])
	p.Ack = binary.BigEndian.Uint32(b[8:12])
	p.Flags = b[13] & (FlagFIN | FlagSYN | FlagRST | FlagACK)
}
