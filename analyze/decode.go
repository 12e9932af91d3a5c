package analyze

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TCP flag bits as they sit in byte 13 of the header.
const (
	flagFIN = 1 << 0
	flagSYN = 1 << 1
	flagRST = 1 << 2
	flagACK = 1 << 4
)

// packet holds the fields of one frame the tracker needs. It is filled in
// place for every frame, so decoding allocates nothing.
type packet struct {
	hasMAC         bool
	srcMAC, dstMAC [6]byte
	src, dst       netip.Addr
	ttl            uint8
	ipID           uint16 // IPv4 identification; 0 for IPv6
	ipLen          uint16 // length the IP header declares, whatever was captured
	proto          uint8  // IP protocol of the payload (the last header for IPv6)

	isTCP        bool
	sport, dport uint16
	flags        uint8
	seq, ack     uint32
	payload      []byte // the TCP payload; valid until the next frame, nil once settled
	tsval        uint32 // the TCP timestamp option's value, 0 without one
	// sumChecked is set for SYNs and SYN-ACKs captured whole, and sumBad
	// when their TCP checksum is wrong: checksum offload on the sending
	// host, or corruption on the way.
	sumChecked, sumBad bool
	// settlePayload sums the payload up in these, so that a packet handed
	// to another goroutine keeps no reference to its frame's buffer:
	// its length, whether it is a TLS ClientHello, and the name it asks for.
	payloadLen int
	hello      bool
	sni        string
	// alert is set when the payload starts with a TLS alert record in the
	// clear, alertDesc its description (unrecognized_name is 112).
	alert     bool
	alertDesc uint8

	// isARP is set for ARP replies and gratuitous ARP: a MAC claiming an
	// IPv4 address.
	isARP  bool
	arpIP  netip.Addr
	arpMAC [6]byte

	// isICMPErr is set for ICMP/ICMPv6 errors that quote a TCP segment.
	isICMPErr bool
	quoted    quotedTCP

	// fragment is set for a piece of a fragmented IP datagram. Only the
	// first piece has a TCP header; payloadLen then counts the payload
	// bytes in that piece alone, a lower bound of the segment's.
	fragment bool

	// encap is the outermost tunnel or framing the packet arrived in, and
	// outer the source address of the packet that carried it (a mirror
	// session's switch, a VXLAN endpoint), invalid when it had none. The
	// other fields then describe the inner packet: its MACs when it has
	// its own Ethernet header, hasMAC false when it has none.
	encap encapKind
	outer netip.Addr
}

// quotedTCP is the start of the TCP segment an ICMP error quotes.
type quotedTCP struct {
	src, dst     netip.Addr
	sport, dport uint16
	seq          uint32
}

// decoder turns frames of any supported link type into packets. Its layers
// are allocated once and shared by one parser per first layer.
type decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	loop    layers.Loopback
	ip4     ipv4Layer
	ip6     ipv6Layer
	tcp     layers.TCP
	icmp4   layers.ICMPv4
	icmp6   layers.ICMPv6
	arp     layers.ARP
	gre     layers.GRE
	erspan2 layers.ERSPANII
	vxlan   layers.VXLAN
	decoded []gopacket.LayerType
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
}

func newDecoder() *decoder {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, 16)}
	// IPv6 extension headers are walked by hand (ipv6Ext): gopacket's
	// skipper would read a later fragment's bytes as a TCP header.
	all := []gopacket.DecodingLayer{&d.eth, &d.dot1q, &d.sll, &d.sll2, &d.loop,
		&d.ip4, &d.ip6, &d.tcp, &d.icmp4, &d.icmp6, &d.arp}
	d.parsers = make(map[gopacket.LayerType]*gopacket.DecodingLayerParser)
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL,
		layers.LayerTypeLinuxSLL2, layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first, all...)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return d
}

// ipv4Layer and ipv6Layer stop gopacket's parser at IP in IP, which it
// would decode into the same layer and so lose the outer addresses:
// unwrap takes it from there.
type ipv4Layer struct{ layers.IPv4 }
type ipv6Layer struct{ layers.IPv6 }

func (l *ipv4Layer) NextLayerType() gopacket.LayerType {
	return notIPinIP(l.Protocol, l.IPv4.NextLayerType())
}

func (l *ipv6Layer) NextLayerType() gopacket.LayerType {
	return notIPinIP(l.NextHeader, l.IPv6.NextLayerType())
}

func notIPinIP(proto layers.IPProtocol, next gopacket.LayerType) gopacket.LayerType {
	if proto == protoIPinIP || proto == protoIPv6 {
		return gopacket.LayerTypeZero
	}
	return next
}

// decode fills p from one frame and reports whether it carried IP.
// Decoding errors of inner layers (truncated frames) keep what was decoded.
func (d *decoder) decode(lt layers.LinkType, data []byte, p *packet) bool {
	*p = packet{}
	if lt == layers.LinkTypeEthernet {
		if ip, ok := fastEthernet(data, p); ok {
			return ip
		}
		*p = packet{}
	}
	first, data, ok := linkStart(lt, data)
	if !ok {
		return false
	}
	return d.decodeLayers(first, data, p, 0)
}

// decodeLayers is decode with gopacket's layers, for every frame the fast
// path leaves alone, from the layer the frame (or a tunnel's payload)
// starts with. depth is how many encapsulations were unwrapped to get here.
func (d *decoder) decodeLayers(first gopacket.LayerType, data []byte, p *packet, depth int) bool {
	parser := d.parsers[first]
	if parser == nil {
		return false
	}
	err := parser.DecodeLayers(data, &d.decoded)
	ip := false
	for _, t := range d.decoded {
		ip = d.take(t, p) || ip
	}
	if len(d.decoded) == 0 {
		return false
	}
	if in, ok := d.follow(p); ok {
		return d.unwrap(in, p, depth) || ip || p.isARP
	}
	if err == nil && p.isTCP && p.flags&flagSYN != 0 {
		d.checkSum(p)
	}
	return ip || p.isARP
}

// take fills p from one decoded layer and reports whether it was IP.
func (d *decoder) take(t gopacket.LayerType, p *packet) bool {
	switch t {
	case layers.LayerTypeEthernet:
		p.hasMAC = true
		copy(p.srcMAC[:], d.eth.SrcMAC)
		copy(p.dstMAC[:], d.eth.DstMAC)
	case layers.LayerTypeIPv4:
		p.src, _ = netip.AddrFromSlice(d.ip4.SrcIP)
		p.dst, _ = netip.AddrFromSlice(d.ip4.DstIP)
		p.ttl = d.ip4.TTL
		p.ipID, p.ipLen, p.proto = d.ip4.Id, d.ip4.Length, uint8(d.ip4.Protocol)
		return true
	case layers.LayerTypeIPv6:
		p.src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
		p.dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
		p.ttl = d.ip6.HopLimit
		p.ipLen, p.proto = d.ip6.Length, uint8(d.ip6.NextHeader)
		return true
	case layers.LayerTypeTCP:
		p.isTCP = true
		p.sport, p.dport = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort)
		p.seq, p.ack = d.tcp.Seq, d.tcp.Ack
		p.flags = tcpFlags(&d.tcp)
		p.payload = d.tcp.Payload
		p.tsval = tsval(d.tcp.Options)
	case layers.LayerTypeARP:
		d.arpClaim(p)
	case layers.LayerTypeICMPv4:
		if t := d.icmp4.TypeCode.Type(); t == layers.ICMPv4TypeDestinationUnreachable ||
			t == layers.ICMPv4TypeTimeExceeded || t == layers.ICMPv4TypeParameterProblem {
			p.isICMPErr = parseQuotedIPv4(d.icmp4.Payload, &p.quoted)
		}
	case layers.LayerTypeICMPv6:
		if t := d.icmp6.TypeCode.Type(); t == layers.ICMPv6TypeDestinationUnreachable ||
			t == layers.ICMPv6TypeTimeExceeded || t == layers.ICMPv6TypeParameterProblem {
			// The ICMPv6 payload starts with 4 bytes of type-specific data.
			p.isICMPErr = len(d.icmp6.Payload) > 4 && parseQuotedIPv6(d.icmp6.Payload[4:], &p.quoted)
		}
	}
	return false
}

// checkSum checks the TCP checksum of a SYN or SYN-ACK whose segment
// follows its IP header directly and was captured whole.
func (d *decoder) checkSum(p *packet) {
	n := len(d.decoded)
	if n < 2 || d.decoded[n-1] != layers.LayerTypeTCP {
		return
	}
	var seg []byte
	switch d.decoded[n-2] {
	case layers.LayerTypeIPv4:
		if seg = d.ip4.Payload; len(seg) != int(d.ip4.Length)-int(d.ip4.IHL)*4 {
			return
		}
	case layers.LayerTypeIPv6:
		if seg = d.ip6.Payload; len(seg) != int(d.ip6.Length) {
			return
		}
	default:
		return
	}
	p.sumChecked, p.sumBad = true, tcpSumBad(p.src, p.dst, seg)
}

// tcpSumBad reports whether a TCP segment's checksum (RFC 793, RFC 8200
// for IPv6's pseudo-header) is wrong.
func tcpSumBad(src, dst netip.Addr, seg []byte) bool {
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(b[i])<<8 | uint32(b[i+1])
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
		}
	}
	if src.Is4() {
		s, d := src.As4(), dst.As4()
		add(s[:])
		add(d[:])
	} else {
		s, d := src.As16(), dst.As16()
		add(s[:])
		add(d[:])
	}
	sum += protoTCP + uint32(len(seg))
	add(seg)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return sum != 0xffff
}

// arpClaim notes an ARP reply, or a gratuitous ARP (a request for the
// sender's own address), for IPv4 over Ethernet: a MAC saying it owns an
// address. Ordinary requests claim nothing about the address asked for.
func (d *decoder) arpClaim(p *packet) {
	a := &d.arp
	if a.AddrType != layers.LinkTypeEthernet || a.Protocol != layers.EthernetTypeIPv4 ||
		len(a.SourceHwAddress) != 6 || len(a.SourceProtAddress) != 4 || len(a.DstProtAddress) != 4 {
		return
	}
	sender := netip.AddrFrom4([4]byte(a.SourceProtAddress))
	gratuitous := a.Operation == layers.ARPRequest && sender == netip.AddrFrom4([4]byte(a.DstProtAddress))
	if a.Operation != layers.ARPReply && !gratuitous {
		return
	}
	p.isARP, p.arpIP = true, sender
	copy(p.arpMAC[:], a.SourceHwAddress)
}

// settlePayload notes the TCP payload's length and whether it is a
// ClientHello, and lets go of the payload.
func (p *packet) settlePayload() {
	if p.payload == nil {
		return
	}
	p.payloadLen = len(p.payload)
	if p.payloadLen > 0 {
		p.sni, p.hello = parseClientHello(p.payload)
		p.alertDesc, p.alert = parseAlert(p.payload)
	}
	p.payload = nil
}

func tcpFlags(t *layers.TCP) uint8 {
	var f uint8
	if t.FIN {
		f |= flagFIN
	}
	if t.SYN {
		f |= flagSYN
	}
	if t.RST {
		f |= flagRST
	}
	if t.ACK {
		f |= flagACK
	}
	return f
}

// parseQuotedIPv4 reads the IPv4 header and TCP ports and sequence number
// an ICMP error quotes (RFC 792 guarantees the first 8 bytes of the segment).
func parseQuotedIPv4(b []byte, q *quotedTCP) bool {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != uint8(layers.IPProtocolTCP) {
		return false
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || ihl > len(b) {
		return false
	}
	q.src = netip.AddrFrom4([4]byte(b[12:16]))
	q.dst = netip.AddrFrom4([4]byte(b[16:20]))
	return parseQuotedTCP(b[ihl:], q)
}

// parseQuotedIPv6 reads the IPv6 header an ICMPv6 error quotes, skipping
// the extension headers that may sit before TCP.
func parseQuotedIPv6(b []byte, q *quotedTCP) bool {
	if len(b) < 40 || b[0]>>4 != 6 {
		return false
	}
	q.src = netip.AddrFrom16([16]byte(b[8:24]))
	q.dst = netip.AddrFrom16([16]byte(b[24:40]))
	next, rest := b[6], b[40:]
	for {
		switch layers.IPProtocol(next) {
		case layers.IPProtocolTCP:
			return parseQuotedTCP(rest, q)
		case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination:
			if len(rest) < 8 {
				return false
			}
			n := (int(rest[1]) + 1) * 8
			if len(rest) < n {
				return false
			}
			next, rest = rest[0], rest[n:]
		case layers.IPProtocolIPv6Fragment:
			if len(rest) < 8 {
				return false
			}
			next, rest = rest[0], rest[8:]
		default:
			return false
		}
	}
}

func parseQuotedTCP(b []byte, q *quotedTCP) bool {
	if len(b) < 8 {
		return false
	}
	q.sport = binary.BigEndian.Uint16(b[0:2])
	q.dport = binary.BigEndian.Uint16(b[2:4])
	q.seq = binary.BigEndian.Uint32(b[4:8])
	return true
}

// tsval returns the value of a TCP timestamps option (RFC 7323): each
// transmission of a segment carries the sender's clock, so copies of one
// packet share it and retransmissions do not.
func tsval(opts []layers.TCPOption) uint32 {
	for _, o := range opts {
		if o.OptionType == layers.TCPOptionKindTimestamps && len(o.OptionData) >= 4 {
			return binary.BigEndian.Uint32(o.OptionData)
		}
	}
	return 0
}
