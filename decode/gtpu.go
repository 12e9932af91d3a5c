package decode

// EncapGTPU is GTPv1-U (3GPP TS 29.281), in UDP to port 2152.
var EncapGTPU = Encap{Name: "GTP-U"}

var _ = registerTunnel(tunnel{udpTo: []uint16{2152}, unwrap: unwrapGTPU})

// unwrapGTPU reads the header of a G-PDU, the message that carries a
// user's IP packet, with its optional fields and extension headers.
func unwrapGTPU(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 8 || b[0]>>5 != 1 || b[0]&0x10 == 0 || b[1] != 0xFF {
		return inner{}, false
	}
	flags, n := b[0], 8
	if flags&0x07 != 0 { // E, S or PN: sequence, N-PDU and next extension type follow
		if len(b) < 12 {
			return inner{}, false
		}
		next := b[11]
		n = 12
		for next != 0 && flags&0x04 != 0 {
			if len(b) < n+1 || b[n] == 0 {
				return inner{}, false
			}
			l := int(b[n]) * 4
			if len(b) < n+l {
				return inner{}, false
			}
			next = b[n+l-1]
			n += l
		}
	}
	return byVersion(b[n:], EncapGTPU)
}
