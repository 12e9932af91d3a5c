package decode

import "encoding/binary"

// EncapGeneve is Geneve (RFC 8926), in UDP to port 6081.
var EncapGeneve = Encap{Name: "Geneve"}

var _ = registerTunnel(tunnel{udpTo: []uint16{6081}, unwrap: unwrapGeneve})

// unwrapGeneve reads a Geneve header: 8 bytes and the options' length,
// then a payload of the EtherType it names.
func unwrapGeneve(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 8 || b[0]>>6 != 0 {
		return inner{}, false
	}
	n := 8 + int(b[0]&0x3f)*4
	if len(b) < n {
		return inner{}, false
	}
	return byEtherType(binary.BigEndian.Uint16(b[2:4]), b[n:], EncapGeneve)
}
