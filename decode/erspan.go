package decode

import "github.com/gopacket/gopacket"

// ERSPAN is how switches and clouds mirror a port's frames to a collector,
// in GRE: type I is the mirrored frame right after a GRE header without a
// sequence number, type II has an 8-byte header and a GRE sequence number,
// type III a 12-byte header and a protocol type of its own.
var (
	EncapERSPAN1 = Encap{Name: "ERSPAN I", Mirror: true}
	EncapERSPAN2 = Encap{Name: "ERSPAN II", Mirror: true}
	EncapERSPAN3 = Encap{Name: "ERSPAN III", Mirror: true}
)

var (
	_ = registerTunnel(tunnel{greProtos: []uint16{0x88BE}, unwrap: unwrapERSPAN2})
	_ = registerTunnel(tunnel{greProtos: []uint16{0x22EB}, unwrap: unwrapERSPAN3})
)

// unwrapERSPAN2 reads type I or II, as the GRE header before it says.
func unwrapERSPAN2(d *Decoder, b []byte) (inner, bool) {
	if !d.gre.SeqPresent {
		return inner{EncapERSPAN1, layerEthernet, b}, true
	}
	if d.erspan2.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil {
		return inner{}, false
	}
	return inner{EncapERSPAN2, layerEthernet, d.erspan2.Payload}, true
}

// unwrapERSPAN3 reads the type III header: 12 bytes, then an 8-byte
// platform-specific subheader when its O flag is set, then the mirrored
// Ethernet frame.
func unwrapERSPAN3(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 12 || b[0]>>4 != 2 {
		return inner{}, false
	}
	n := 12
	if b[11]&1 != 0 {
		n += 8
	}
	if len(b) < n {
		return inner{}, false
	}
	return inner{EncapERSPAN3, layerEthernet, b[n:]}, true
}
