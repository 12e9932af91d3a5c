package decode

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TCP flag bits as they sit in byte 13 of the header.
const (
	FlagFIN = 1 << 0
	FlagSYN = 1 << 1
	FlagRST = 1 << 2
	FlagACK = 1 << 4
)

// Packet holds the fields of one frame that analysis reads. It is filled
// in place for every frame, so decoding allocates nothing. For a frame
// that came in a tunnel or a mirror session, it describes the innermost
// packet; the Decoder's Layout holds every header on the way to it.
type Packet struct {
	HasMAC         bool
	SrcMAC, DstMAC [6]byte
	Src, Dst       netip.Addr
	TTL            uint8
	IPID           uint16 // IPv4 identification; 0 for IPv6
	IPLen          uint16 // length the IP header declares, whatever was captured
	Proto          uint8  // IP protocol of the payload (the last header for IPv6)

	IsTCP        bool
	Sport, Dport uint16
	Flags        uint8
	Seq, Ack     uint32
	Payload      []byte // the TCP payload; valid until the next frame
	TSval        uint32 // the TCP timestamp option's value, 0 without one
	// SumChecked is set for SYNs and SYN-ACKs captured whole, and SumBad
	// when their TCP checksum is wrong: checksum offload on the sending
	// host, or corruption on the way.
	SumChecked, SumBad bool

	// IsARP is set for ARP replies and gratuitous ARP: a MAC claiming an
	// IPv4 address.
	IsARP  bool
	ARPIP  netip.Addr
	ARPMAC [6]byte

	// IsICMPErr is set for ICMP/ICMPv6 errors that quote a TCP segment.
	IsICMPErr bool
	Quoted    QuotedTCP

	// BadOffset is set for a TCP header whose data offset is under 5
	// (fewer than the 20 bytes every TCP header has): not a TCP header.
	BadOffset bool

	// Fragment is set for a piece of a fragmented IP datagram. A TCP
	// segment sent in pieces is read from the whole datagram, at the
	// frame whose piece completes it, and is not a Fragment then; the
	// pieces before it, and those of a datagram never completed, carry
	// no TCP header.
	Fragment bool

	// Encap is the outermost tunnel or framing the packet arrived in, and
	// Outer the source address of the packet that carried it (a mirror
	// session's switch, a VXLAN endpoint), invalid when it had none. The
	// other fields then describe the inner packet: its MACs when it has
	// its own Ethernet header, HasMAC false when it has none.
	Encap Encap
	Outer netip.Addr
}

// MalformedTCP reports whether the frame's TCP header cannot be one a
// TCP stack sends or accepts (RFC 9293): a data offset under 5, or SYN
// with RST. Such a segment (a scanner's probe, a fuzzer's, corruption) is
// no handshake's.
func (p *Packet) MalformedTCP() bool {
	return p.BadOffset || p.IsTCP && p.Flags&(FlagSYN|FlagRST) == FlagSYN|FlagRST
}

// QuotedTCP is the start of the TCP segment an ICMP error quotes.
type QuotedTCP struct {
	Src, Dst     netip.Addr
	Sport, Dport uint16
	Seq          uint32
}

// Decoder turns frames of any supported link type into packets and their
// layouts. Its layers are allocated once and shared by one parser per
// first layer; a Decoder is for one goroutine.
type Decoder struct {
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
	frags   reassembler

	// frame is the frame being decoded, which every offset of layout
	// indexes; ip is the layout's entry of the IP header last decoded.
	frame  []byte
	layout Layout
	ip     int
}

// New returns a Decoder.
func New() *Decoder {
	d := &Decoder{decoded: make([]gopacket.LayerType, 0, 16)}
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

// Decode fills p from one frame of link type lt, and the Decoder's
// Layout with where every header of it lies, and reports whether it
// carried IP (or an ARP claim). Decoding errors of inner layers
// (truncated frames) keep what was decoded. p.Payload and the Layout are
// valid until the next call.
func (d *Decoder) Decode(lt layers.LinkType, data []byte, p *Packet) bool {
	*p = Packet{}
	d.frame, d.ip = data, -1
	d.layout.nIP, d.layout.nGRE, d.layout.nARP = 0, 0, 0
	if lt == layers.LinkTypeEthernet {
		if ip, ok := d.fastEthernet(data, p); ok {
			return ip
		}
		*p = Packet{}
	}
	first, data, ok := linkStart(lt, data)
	if !ok {
		return false
	}
	return d.decodeLayers(first, data, p, 0)
}

// Layout is where the headers of the frame last decoded lie.
func (d *Decoder) Layout() *Layout { return &d.layout }

// decodeLayers is Decode with gopacket's layers, for every frame the fast
// path leaves alone, from the layer the frame (or a tunnel's payload)
// starts with. depth is how many encapsulations were unwrapped to get here.
func (d *Decoder) decodeLayers(first gopacket.LayerType, data []byte, p *Packet, depth int) bool {
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
		return d.unwrap(in, p, depth) || ip || p.IsARP
	}
	if err == nil && p.IsTCP && p.Flags&FlagSYN != 0 {
		d.checkSum(p)
	}
	return ip || p.IsARP
}

// take fills p from one decoded layer and reports whether it was IP.
func (d *Decoder) take(t gopacket.LayerType, p *Packet) bool {
	switch t {
	case layers.LayerTypeEthernet:
		p.HasMAC = true
		copy(p.SrcMAC[:], d.eth.SrcMAC)
		copy(p.DstMAC[:], d.eth.DstMAC)
	case layers.LayerTypeIPv4:
		p.Src, _ = netip.AddrFromSlice(d.ip4.SrcIP)
		p.Dst, _ = netip.AddrFromSlice(d.ip4.DstIP)
		p.TTL = d.ip4.TTL
		p.IPID, p.IPLen, p.Proto = d.ip4.Id, d.ip4.Length, uint8(d.ip4.Protocol)
		d.noteIPv4()
		return true
	case layers.LayerTypeIPv6:
		p.Src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
		p.Dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
		p.TTL = d.ip6.HopLimit
		p.IPLen, p.Proto = d.ip6.Length, uint8(d.ip6.NextHeader)
		d.noteIPv6()
		return true
	case layers.LayerTypeTCP:
		p.IsTCP = true
		p.Sport, p.Dport = uint16(d.tcp.SrcPort), uint16(d.tcp.DstPort)
		p.Seq, p.Ack = d.tcp.Seq, d.tcp.Ack
		p.Flags = tcpFlags(&d.tcp)
		p.Payload = d.tcp.Payload
		p.TSval = tsval(d.tcp.Options)
	case layers.LayerTypeARP:
		d.noteARP(d.arp.Contents)
		d.arpClaim(p)
	case layers.LayerTypeICMPv4:
		t := d.icmp4.TypeCode.Type()
		if quotesIPv4(t) {
			d.noteQuoted(d.icmp4.Payload, false)
		}
		if t == layers.ICMPv4TypeDestinationUnreachable ||
			t == layers.ICMPv4TypeTimeExceeded || t == layers.ICMPv4TypeParameterProblem {
			p.IsICMPErr = parseQuotedTCP(d.icmp4.Payload, false, &p.Quoted)
		}
	case layers.LayerTypeICMPv6:
		t := d.icmp6.TypeCode.Type()
		// The ICMPv6 payload starts with 4 bytes of type-specific data.
		if t >= layers.ICMPv6TypeDestinationUnreachable && t <= layers.ICMPv6TypeParameterProblem && len(d.icmp6.Payload) > 4 {
			d.noteQuoted(d.icmp6.Payload[4:], true)
		}
		if t == layers.ICMPv6TypeDestinationUnreachable ||
			t == layers.ICMPv6TypeTimeExceeded || t == layers.ICMPv6TypeParameterProblem {
			p.IsICMPErr = len(d.icmp6.Payload) > 4 && parseQuotedTCP(d.icmp6.Payload[4:], true, &p.Quoted)
		}
	}
	return false
}

// checkSum checks the TCP checksum of a SYN or SYN-ACK whose segment
// follows its IP header directly and was captured whole.
func (d *Decoder) checkSum(p *Packet) {
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
	p.SumChecked, p.SumBad = true, tcpSumBad(p.Src, p.Dst, seg)
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
func (d *Decoder) arpClaim(p *Packet) {
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
	p.IsARP, p.ARPIP = true, sender
	copy(p.ARPMAC[:], a.SourceHwAddress)
}

func tcpFlags(t *layers.TCP) uint8 {
	var f uint8
	if t.FIN {
		f |= FlagFIN
	}
	if t.SYN {
		f |= FlagSYN
	}
	if t.RST {
		f |= FlagRST
	}
	if t.ACK {
		f |= FlagACK
	}
	return f
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
