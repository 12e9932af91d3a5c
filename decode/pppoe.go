package decode

// EncapPPPoE is a PPPoE session (RFC 2516), EtherType 0x8864.
var EncapPPPoE = Encap{Name: "PPPoE"}

var _ = registerTunnel(tunnel{ethers: []uint16{0x8864}, unwrap: unwrapPPPoE})

// unwrapPPPoE reads a PPPoE session header and the PPP protocol after it.
func unwrapPPPoE(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 8 || b[0] != 0x11 || b[1] != 0 {
		return inner{}, false
	}
	return unwrapPPP(b[6:], EncapPPPoE)
}
