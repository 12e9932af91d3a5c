package decode

import "github.com/gopacket/gopacket/layers"

// Ethernet, and Hilscher netANALYZER's Ethernet after its 4-byte
// pseudo-header, or after the pseudo-header, preamble and start delimiter
// (12 bytes) for its transparent mode.
var (
	_ = registerLink(layers.LinkTypeEthernet, "", whole(layers.LayerTypeEthernet))
	_ = registerLink(240, "NETANALYZER", skip(layers.LayerTypeEthernet, 4))
	_ = registerLink(241, "NETANALYZER_TRANSPARENT", skip(layers.LayerTypeEthernet, 12))
)
