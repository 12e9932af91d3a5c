package decode

import "github.com/gopacket/gopacket/layers"

// ARCNET, as BSD (2-byte header before the protocol id) and Linux (4
// bytes) store it.
var (
	_ = registerLink(layers.LinkTypeArcNet, "ARCNET_BSD", func(b []byte) (inner, bool) { return arcnet(b, 2) })
	_ = registerLink(layers.LinkTypeARCNetLinux, "ARCNET_LINUX", func(b []byte) (inner, bool) { return arcnet(b, 4) })
)

const (
	arcnetSplitException        = 0xFF
	arcnetIP1051, arcnetARP1051 = 0xF0, 0xF1
	arcnetIP1201, arcnetIPv6    = 0xD4, 0xC4
)

// arcnet reads an ARCNET frame as libpcap stores it: source and
// destination station, a 2-byte offset on Linux (hdr is 4 there, 2 on
// BSD), the protocol id, and for RFC 1201 protocols the split flag and
// sequence number, with an exception packet's filler before them.
func arcnet(b []byte, hdr int) (inner, bool) {
	if len(b) < hdr+1 {
		return inner{}, false
	}
	proto, b := b[hdr], b[hdr+1:]
	if proto != arcnetIP1051 && proto != arcnetARP1051 {
		if len(b) >= 4 && b[0] == arcnetSplitException {
			proto, b = b[3], b[4:]
		}
		b = after(b, 3) // split flag, sequence
	}
	switch proto {
	case arcnetIP1051, arcnetIP1201:
		return inner{EncapNone, layerIPv4, b}, len(b) > 0
	case arcnetIPv6:
		return inner{EncapNone, layerIPv6, b}, len(b) > 0
	}
	return inner{}, false
}
