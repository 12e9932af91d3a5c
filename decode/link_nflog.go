package decode

import "encoding/binary"

// Linux NFLOG (tcpdump -i nflog:N).
var _ = registerLink(239, "NFLOG", func(b []byte) (inner, bool) { return byVersion(nflog(b), EncapNone) })

// nflogPayload is NFULA_PAYLOAD: the packet itself.
const nflogPayload = 9

// nflog finds the packet in an NFLOG record: a 4-byte header, then
// type-length-value attributes padded to 4 bytes whose lengths and types
// are in the byte order of the host that logged them.
func nflog(b []byte) []byte {
	if len(b) < 4 {
		return nil
	}
	b = b[4:]
	for len(b) >= 4 {
		var order binary.ByteOrder = binary.LittleEndian
		if b[2] == 0 && b[3] != 0 {
			order = binary.BigEndian
		}
		n, typ := int(order.Uint16(b[0:2])), order.Uint16(b[2:4])
		if n < 4 || n > len(b) {
			return nil
		}
		if typ == nflogPayload {
			return b[4:n]
		}
		b = after(b, (n+3)&^3)
	}
	return nil
}
