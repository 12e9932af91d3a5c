package decode

// EncapEtherIP is EtherIP (RFC 3378): an Ethernet frame after a 2-byte
// header whose version is 3, as IP protocol 97.
var EncapEtherIP = Encap{Name: "EtherIP"}

var _ = registerTunnel(tunnel{protos: []uint8{97}, unwrap: unwrapEtherIP})

func unwrapEtherIP(_ *Decoder, b []byte) (inner, bool) {
	if len(b) < 2+14 || b[0]>>4 != 3 {
		return inner{}, false
	}
	return inner{EncapEtherIP, layerEthernet, b[2:]}, true
}
