package decode

import "github.com/gopacket/gopacket/layers"

// OpenBSD pf's log: a header whose length its first byte gives, padded to
// 4 bytes.
var _ = registerLink(layers.LinkTypePFLog, "", func(b []byte) (inner, bool) {
	if len(b) == 0 {
		return inner{}, false
	}
	return byVersion(after(b, (int(b[0])+3)&^3), EncapNone)
})
