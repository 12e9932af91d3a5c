package decode

// EncapMPLS is an MPLS label stack (RFC 3032): after a link layer, in IP
// (protocol 137, RFC 4023), in UDP to port 6635 (RFC 7510), or in GRE.
var EncapMPLS = Encap{Name: "MPLS"}

var _ = registerTunnel(tunnel{ethers: []uint16{0x8847, 0x8848}, protos: []uint8{137}, udpTo: []uint16{6635},
	greProtos: []uint16{0x8847, 0x8848}, unwrap: unwrapMPLS})

// unwrapMPLS skips the label stack down to its bottom entry. What follows
// carries no type: IP says its version; a zero nibble is the pseudowire
// control word (RFC 4385) before an Ethernet frame.
func unwrapMPLS(_ *Decoder, b []byte) (inner, bool) {
	for {
		if len(b) < 4 {
			return inner{}, false
		}
		bottom := b[2]&1 != 0
		b = b[4:]
		if bottom {
			break
		}
	}
	if in, ok := byVersion(b, EncapMPLS); ok {
		return in, true
	}
	if len(b) >= 4+14 && b[0]>>4 == 0 {
		return inner{EncapMPLS, layerEthernet, b[4:]}, true
	}
	return inner{}, false
}
