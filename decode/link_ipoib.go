package decode

import "encoding/binary"

// IP over InfiniBand.
var _ = registerLink(242, "IPOIB", ipoib)

// ipoib reads IP over InfiniBand (RFC 4391): a 4-byte header, the
// EtherType and two reserved bytes, after a pseudo-header whose size the
// writers disagree on: Wireshark reads a 40-byte global route header
// before it, Linux drivers build a 20-byte one. The header is taken where
// the EtherType and the IP version after it agree.
func ipoib(b []byte) (inner, bool) {
	for _, off := range []int{40, 20, 0} {
		if len(b) < off+5 {
			continue
		}
		in, ok := byEtherType(binary.BigEndian.Uint16(b[off:off+2]), b[off+4:], EncapNone)
		if v, vok := byVersion(in.data, EncapNone); ok && vok && v.first == in.first {
			return in, true
		}
	}
	return inner{}, false
}
