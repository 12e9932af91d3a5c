package decode

// EncapTeredo is Teredo (RFC 4380): IPv6 in UDP, from or to port 3544.
var EncapTeredo = Encap{Name: "Teredo"}

var _ = registerTunnel(tunnel{udpEither: []uint16{3544}, unwrap: unwrapTeredo})

// unwrapTeredo skips the authentication and origin indications a Teredo
// datagram may start with, down to its IPv6 packet.
func unwrapTeredo(_ *Decoder, b []byte) (inner, bool) {
	for range 2 {
		if len(b) < 2 || b[0] != 0 {
			break
		}
		switch b[1] {
		case 0: // origin indication: 8 bytes
			if len(b) < 8 {
				return inner{}, false
			}
			b = b[8:]
		case 1: // authentication: lengths of the client id and value, nonce, confirmation
			if len(b) < 4 {
				return inner{}, false
			}
			n := 4 + int(b[2]) + int(b[3]) + 9
			if len(b) < n {
				return inner{}, false
			}
			b = b[n:]
		default:
			return inner{}, false
		}
	}
	if len(b) < 40 || b[0]>>4 != 6 {
		return inner{}, false
	}
	return inner{EncapTeredo, layerIPv6, b}, true
}
