package decode

import "github.com/gopacket/gopacket"

// EncapVXLAN is VXLAN (RFC 7348): Ethernet frames in UDP to port 4789, or
// 8472, the Linux kernel's default before IANA assigned one.
var EncapVXLAN = Encap{Name: "VXLAN"}

var _ = registerTunnel(tunnel{udpTo: []uint16{4789, 8472}, unwrap: unwrapVXLAN})

// unwrapVXLAN reads the 8-byte VXLAN header, whose I flag says the
// network identifier is valid.
func unwrapVXLAN(d *Decoder, b []byte) (inner, bool) {
	if d.vxlan.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil || !d.vxlan.ValidIDFlag {
		return inner{}, false
	}
	return inner{EncapVXLAN, layerEthernet, d.vxlan.Payload}, true
}
