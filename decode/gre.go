package decode

import "github.com/gopacket/gopacket"

// EncapGRE is GRE (RFC 2784, 2890), as IP protocol 47 or in UDP to port
// 4754 (RFC 8086).
var EncapGRE = Encap{Name: "GRE"}

var _ = registerTunnel(tunnel{protos: []uint8{47}, udpTo: []uint16{4754}, unwrap: unwrapGRE})

// unwrapGRE reads a GRE header and what its protocol type says follows:
// a mirror session's framing (ERSPAN) names itself; any other payload,
// MPLS included, is a GRE tunnel's.
func unwrapGRE(d *Decoder, b []byte) (inner, bool) {
	g := &d.gre
	if g.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil || g.Version != 0 {
		return inner{}, false
	}
	d.noteGRE(b, g.ChecksumPresent)
	pl, proto := g.Payload, uint16(g.Protocol)
	if u, ok := byGRE[proto]; ok {
		in, ok := u(d, pl)
		if !in.kind.Mirror {
			in.kind = EncapGRE
		}
		return in, ok
	}
	return byEtherType(proto, pl, EncapGRE)
}
