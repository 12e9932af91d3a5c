package decode

// EncapAYIYA is AYIYA (draft-massar-v6ops-ayiya), in UDP from or to port
// 5072.
var EncapAYIYA = Encap{Name: "AYIYA"}

var _ = registerTunnel(tunnel{udpEither: []uint16{5072}, unwrap: unwrapAYIYA})

// unwrapAYIYA reads an AYIYA header: 8 bytes, the identity and the
// signature, then the packet its next header names.
func unwrapAYIYA(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 8 || b[2]&0x0f != 1 { // opcode 1: forward
		return inner{}, false
	}
	n := 8 + 1<<(b[0]>>4) + int(b[1]>>4)*4
	if len(b) < n {
		return inner{}, false
	}
	switch b[3] {
	case protoIPinIP:
		return inner{EncapAYIYA, layerIPv4, b[n:]}, true
	case protoIPv6:
		return inner{EncapAYIYA, layerIPv6, b[n:]}, true
	}
	return inner{}, false
}
