package decode

import "encoding/binary"

// EncapSNAP is an 802.3 frame's LLC header and the SNAP header whose
// EtherType says what it carries (RFC 1042), as Token Ring, FDDI, ATM and
// some switches frame IP.
var EncapSNAP = Encap{Name: "LLC/SNAP"}

// unwrapLLC is found by frame length rather than by type, so it is not in
// the tunnel tables: Ethernet and 802.1Q headers call it for a length
// field, and ATM's link type for every frame.
func unwrapLLC(b []byte) (inner, bool) {
	if len(b) < 8 || b[0] != 0xAA || b[1] != 0xAA || b[2] != 0x03 {
		return inner{}, false
	}
	return byEtherType(binary.BigEndian.Uint16(b[6:8]), b[8:], EncapSNAP)
}
