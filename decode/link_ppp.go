package decode

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// PPP links, with or without HDLC-like framing, PPPoE sessions captured as
// such, and Cisco HDLC, whose 4-byte header ends with an EtherType.
var (
	_ = registerLink(layers.LinkTypePPP, "", linkPPP)
	_ = registerLink(layers.LinkTypePPP_HDLC, "PPP_HDLC", linkPPP)
	_ = registerLink(layers.LinkTypePPPEthernet, "PPP_ETHER", func(b []byte) (inner, bool) { return unwrapPPPoE(nil, b) })
	_ = registerLink(layers.LinkTypeC_HDLC, "C_HDLC", func(b []byte) (inner, bool) {
		if len(b) < 4 {
			return inner{}, false
		}
		return byEtherType(binary.BigEndian.Uint16(b[2:4]), b[4:], EncapNone)
	})
)

func linkPPP(b []byte) (inner, bool) { return unwrapPPP(b, EncapNone) }
