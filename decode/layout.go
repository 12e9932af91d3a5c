package decode

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Layout is where the headers of one frame lie, at every depth: each IP
// header (outer, inner, and those an ICMP error quotes), with its
// transport header, each GRE header, each ARP packet. Offsets index the
// frame; nothing is copied. What rewrites a frame (redaction) walks it, so
// that a header analysis reads is never one it misses.
type Layout struct {
	ips  [maxIPs]IP
	gres [maxGREs]GRE
	arps [maxARPs]int
	nIP  int
	nGRE int
	nARP int
}

// Bounds on what a Layout holds: each level of nesting has at most an IP
// header, one it quotes, and a GRE header.
const (
	maxIPs  = 2 * (maxNesting + 2)
	maxGREs = maxNesting + 1
	maxARPs = 2
)

// IP is where the parts of one IP packet lie in a frame.
type IP struct {
	Off    int // the IP header
	V6     bool
	HdrLen int   // the IPv4 header's length with its options; 40 for IPv6
	Proto  uint8 // the transport protocol, past IPv6 extension headers
	// L4 is the transport header's offset, -1 when the header chain was
	// not followed to it (a later fragment, a truncated chain).
	L4     int
	End    int  // the end of the packet's captured bytes
	Quoted bool // the packet an ICMP error quotes
}

// AddrLen is the length of the packet's addresses: 4 or 16.
func (ip IP) AddrLen() int {
	if ip.V6 {
		return 16
	}
	return 4
}

// SrcOff and DstOff are where the packet's addresses lie.
func (ip IP) SrcOff() int {
	if ip.V6 {
		return ip.Off + 8
	}
	return ip.Off + 12
}

func (ip IP) DstOff() int { return ip.SrcOff() + ip.AddrLen() }

// GRE is where a GRE header lies, and what its checksum covers when it
// has one (RFC 2784): the header and its payload, to End.
type GRE struct {
	Off, End int
	Sum      bool // the checksum field, at Off+4, is present
}

// IPs is every IP header of the frame, outermost first, quoted ones after
// the packet that quotes them.
func (l *Layout) IPs() []IP { return l.ips[:l.nIP] }

// GREs is every GRE header of the frame.
func (l *Layout) GREs() []GRE { return l.gres[:l.nGRE] }

// ARPs is the offset of every ARP packet of the frame.
func (l *Layout) ARPs() []int { return l.arps[:l.nARP] }

// off is where b, a part of the frame being decoded, starts in it.
func (d *Decoder) off(b []byte) int { return cap(d.frame) - cap(b) }

func (d *Decoder) addIP(ip IP) {
	d.ip = -1
	if d.layout.nIP < maxIPs {
		d.layout.ips[d.layout.nIP] = ip
		d.ip = d.layout.nIP
		d.layout.nIP++
	}
}

// noteIPv4 records the IPv4 header gopacket just decoded. A later
// fragment has no transport header of its own.
func (d *Decoder) noteIPv4() {
	ip := &d.ip4
	pl := d.off(ip.Payload)
	l4 := pl
	if ip.FragOffset != 0 {
		l4 = -1
	}
	d.addIP(IP{Off: d.off(ip.Contents), HdrLen: len(ip.Contents), Proto: uint8(ip.Protocol), L4: l4, End: pl + len(ip.Payload)})
}

// noteIPv6 records the IPv6 header gopacket just decoded; ipv6Ext finds
// its transport header.
func (d *Decoder) noteIPv6() {
	ip := &d.ip6
	pl := d.off(ip.Payload)
	d.addIP(IP{Off: d.off(ip.Contents), V6: true, HdrLen: 40, Proto: uint8(ip.NextHeader), L4: pl, End: pl + len(ip.Payload)})
	switch ip.NextHeader {
	case protoHopByHop, protoRouting, protoFragment, protoAH, protoDestOpts:
		if d.ip >= 0 {
			d.layout.ips[d.ip].L4 = -1 // until ipv6Ext walks there
		}
	}
}

// noteTransport records where the transport header of the IP packet last
// recorded starts, once the extension headers are walked.
func (d *Decoder) noteTransport(proto uint8, b []byte) {
	if d.ip >= 0 {
		d.layout.ips[d.ip].Proto, d.layout.ips[d.ip].L4 = proto, d.off(b)
	}
}

func (d *Decoder) noteGRE(b []byte, sum bool) {
	if d.layout.nGRE < maxGREs {
		d.layout.gres[d.layout.nGRE] = GRE{Off: d.off(b), End: d.off(b) + len(b), Sum: sum}
		d.layout.nGRE++
	}
}

func (d *Decoder) noteARP(b []byte) {
	if d.layout.nARP < maxARPs {
		d.layout.arps[d.layout.nARP] = d.off(b)
		d.layout.nARP++
	}
}

// noteQuoted records the IP header an ICMP error quotes at the start of b.
// It keeps the entry of the packet that quotes it as the one last recorded.
func (d *Decoder) noteQuoted(b []byte, v6 bool) {
	q, ok := quotedIP(b, v6)
	if !ok || d.layout.nIP >= maxIPs {
		return
	}
	at := d.off(b)
	q.Off, q.End = q.Off+at, q.End+at
	if q.L4 >= 0 {
		q.L4 += at
	}
	d.layout.ips[d.layout.nIP] = q
	d.layout.nIP++
}

// quotesIPv4 reports whether an ICMP message of type t quotes the packet
// it is about (RFC 792): an error, or a redirect.
func quotesIPv4(t uint8) bool {
	switch t {
	case layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4TypeSourceQuench, layers.ICMPv4TypeRedirect,
		layers.ICMPv4TypeTimeExceeded, layers.ICMPv4TypeParameterProblem:
		return true
	}
	return false
}

// quotedIP reads the IP header an ICMP error quotes at the start of b
// (RFC 792 guarantees the first 8 bytes of its payload after it), with
// offsets relative to b.
func quotedIP(b []byte, v6 bool) (IP, bool) {
	if !v6 {
		if len(b) < 20 || b[0]>>4 != 4 {
			return IP{}, false
		}
		hl := int(b[0]&0x0f) * 4
		if hl < 20 || hl > len(b) {
			return IP{}, false
		}
		q := IP{HdrLen: hl, Proto: b[9], L4: hl, End: len(b), Quoted: true}
		if tl := int(binary.BigEndian.Uint16(b[2:4])); tl >= hl && tl < len(b) {
			q.End = tl
		}
		if binary.BigEndian.Uint16(b[6:8])&0x1fff != 0 {
			q.L4 = -1
		}
		return q, true
	}
	if len(b) < 40 || b[0]>>4 != 6 {
		return IP{}, false
	}
	q := IP{V6: true, HdrLen: 40, Proto: b[6], L4: -1, End: len(b), Quoted: true}
	if pl := int(binary.BigEndian.Uint16(b[4:6])); 40+pl < len(b) {
		q.End = 40 + pl
	}
	if proto, at, _, ok := ipv6Upper(b[6], b[40:q.End]); ok && at >= 0 {
		q.Proto, q.L4 = proto, 40+at
	}
	return q, true
}

// parseQuotedTCP reads the addresses, TCP ports and sequence number of the
// segment an ICMP error quotes at the start of b.
func parseQuotedTCP(b []byte, v6 bool, q *QuotedTCP) bool {
	ip, ok := quotedIP(b, v6)
	if !ok || ip.Proto != protoTCP || ip.L4 < 0 || ip.L4+8 > len(b) {
		return false
	}
	a := b[ip.SrcOff():ip.DstOff()]
	z := b[ip.DstOff() : ip.DstOff()+ip.AddrLen()]
	if v6 {
		q.Src, q.Dst = addr16(a), addr16(z)
	} else {
		q.Src, q.Dst = addr4(a), addr4(z)
	}
	t := b[ip.L4:]
	q.Sport = binary.BigEndian.Uint16(t[0:2])
	q.Dport = binary.BigEndian.Uint16(t[2:4])
	q.Seq = binary.BigEndian.Uint32(t[4:8])
	return true
}

func addr4(b []byte) netip.Addr  { return netip.AddrFrom4([4]byte(b)) }
func addr16(b []byte) netip.Addr { return netip.AddrFrom16([16]byte(b)) }
