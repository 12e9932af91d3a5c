package analyze

import (
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
	// Packet is what the decoder read, filled in place: embedded, so
	// that the fast path copies no field of it.
	decode.Packet

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
}

// decoder is the frame decoder.
type decoder struct {
	d *decode.Decoder
}

func newDecoder() *decoder { return &decoder{d: decode.New()} }

// decode fills p from one frame and reports whether it carried IP.
func (d *decoder) decode(lt layers.LinkType, data []byte, p *packet) bool {
	ip := d.d.Decode(lt, data, &p.Packet)
	p.payloadLen, p.hello, p.sni, p.alert, p.alertDesc = 0, false, "", false, 0
	return ip
}

// settlePayload notes the TCP payload's length and whether it is a
// ClientHello, and lets go of the payload.
func (p *packet) settlePayload() {
	if p.Payload == nil {
		return
	}
	p.payloadLen = len(p.Payload)
	if p.payloadLen > 0 {
		p.sni, p.hello = parseClientHello(p.Payload)
		p.alertDesc, p.alert = parseAlert(p.Payload)
	}
	p.Payload = nil
}
