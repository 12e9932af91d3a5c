package decode

// EncapIPinIP is an IP packet carried directly in another (RFC 2003, RFC
// 4213): IPv4 as protocol 4, IPv6 as protocol 41, inside either.
var EncapIPinIP = Encap{Name: "IP-in-IP"}

const (
	protoIPinIP = 4
	protoIPv6   = 41
)

var (
	_ = registerTunnel(tunnel{protos: []uint8{protoIPinIP}, unwrap: func(_ *Decoder, b []byte) (inner, bool) {
		return inner{EncapIPinIP, layerIPv4, b}, len(b) > 0
	}})
	_ = registerTunnel(tunnel{protos: []uint8{protoIPv6}, unwrap: func(_ *Decoder, b []byte) (inner, bool) {
		return inner{EncapIPinIP, layerIPv6, b}, len(b) > 0
	}})
)
