package decode

import "github.com/gopacket/gopacket/layers"

// linkTypeRawBSD is DLT_RAW as some BSDs number it in files.
const linkTypeRawBSD layers.LinkType = 12

// Raw IP: the packet is the frame, of the version its type or its first
// nibble says.
var (
	_ = registerLink(layers.LinkTypeIPv4, "IPV4", whole(layers.LayerTypeIPv4))
	_ = registerLink(layers.LinkTypeIPv6, "IPV6", whole(layers.LayerTypeIPv6))
	_ = registerLink(layers.LinkTypeRaw, "", rawIP)
	_ = registerLink(linkTypeRawBSD, "", rawIP)
)

func rawIP(b []byte) (inner, bool) {
	if len(b) > 0 && b[0]>>4 == 6 {
		return inner{first: layerIPv6, data: b}, true
	}
	return inner{first: layerIPv4, data: b}, true
}
