package decode

// EncapPBB is 802.1ah provider backbone bridging: a 4-byte I-TAG, then
// the customer's frame from its MACs on, EtherType 0x88E7.
var EncapPBB = Encap{Name: "802.1ah PBB"}

var _ = registerTunnel(tunnel{ethers: []uint16{0x88E7}, unwrap: unwrapPBB})

func unwrapPBB(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 4+14 {
		return inner{}, false
	}
	return inner{EncapPBB, layerEthernet, b[4:]}, true
}
