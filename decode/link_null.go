package decode

import "github.com/gopacket/gopacket/layers"

// BSD loopback: a 4-byte address family, in the writer's byte order
// (NULL) or in network order (LOOP).
var (
	_ = registerLink(layers.LinkTypeNull, "", whole(layers.LayerTypeLoopback))
	_ = registerLink(layers.LinkTypeLoop, "", whole(layers.LayerTypeLoopback))
)
