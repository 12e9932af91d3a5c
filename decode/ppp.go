package decode

import "encoding/binary"

// unwrapPPP reads a PPP protocol field (RFC 1661), after the HDLC-like
// address and control bytes when they are there (RFC 1662): the framing
// of PPP links and of PPPoE sessions.
func unwrapPPP(b []byte, kind Encap) (inner, bool) {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0x03 {
		b = b[2:]
	}
	if len(b) < 2 {
		return inner{}, false
	}
	proto, n := uint16(b[0]), 1
	if b[0]&1 == 0 { // a protocol field not compressed to one byte
		proto, n = binary.BigEndian.Uint16(b[:2]), 2
	}
	switch proto {
	case 0x21:
		return inner{kind, layerIPv4, b[n:]}, true
	case 0x57:
		return inner{kind, layerIPv6, b[n:]}, true
	}
	return inner{}, false
}
