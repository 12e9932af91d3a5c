package analyze

import (
	"net/netip"

	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// TCP flag bits as the decoder reports them.
const (
	flagFIN = decode.FlagFIN
	flagSYN = decode.FlagSYN
	flagRST = decode.FlagRST
	flagACK = decode.FlagACK
)

// packet holds the fields of one frame the tracker needs: what the
// decoder read, and what settlePayload sums the TCP payload up into. It
// is filled in place for every frame, so decoding allocates nothing.
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
	// when their TCP checksum is wrong.
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

	isARP  bool
	arpIP  netip.Addr
	arpMAC [6]byte

	isICMPErr bool
	quoted    decode.QuotedTCP

	// badOffset is set for a TCP header with a data offset under 5, and
	// malformed for every TCP header that cannot be one
	// (decode.Packet.MalformedTCP): no handshake's.
	badOffset, malformed bool

	// fragment is set for a piece of a fragmented IP datagram; payloadLen
	// then counts the payload bytes in that piece alone, a lower bound of
	// the segment's.
	fragment bool

	encap decode.Encap
	outer netip.Addr
}

// decoder is the frame decoder with the frame it last read.
type decoder struct {
	d *decode.Decoder
	f decode.Packet
}

func newDecoder() *decoder { return &decoder{d: decode.New()} }

// decode fills p from one frame and reports whether it carried IP.
func (d *decoder) decode(lt layers.LinkType, data []byte, p *packet) bool {
	ip := d.d.Decode(lt, data, &d.f)
	f := &d.f
	// Field by field, not a composite literal: no temporary to copy.
	// TestPacketTakesEveryField fails when one is left out.
	p.hasMAC, p.srcMAC, p.dstMAC, p.src, p.dst, p.ttl = f.HasMAC, f.SrcMAC, f.DstMAC, f.Src, f.Dst, f.TTL
	p.ipID, p.ipLen, p.proto = f.IPID, f.IPLen, f.Proto
	p.isTCP, p.sport, p.dport, p.flags, p.seq, p.ack = f.IsTCP, f.Sport, f.Dport, f.Flags, f.Seq, f.Ack
	p.payload, p.tsval, p.sumChecked, p.sumBad = f.Payload, f.TSval, f.SumChecked, f.SumBad
	p.payloadLen, p.hello, p.sni, p.alert, p.alertDesc = 0, false, "", false, 0
	p.isARP, p.arpIP, p.arpMAC, p.isICMPErr, p.quoted = f.IsARP, f.ARPIP, f.ARPMAC, f.IsICMPErr, f.Quoted
	p.fragment, p.encap, p.outer = f.Fragment, f.Encap, f.Outer
	p.badOffset, p.malformed = f.BadOffset, f.MalformedTCP()
	return ip
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
