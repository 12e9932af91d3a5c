package decode

import "github.com/gopacket/gopacket/layers"

// Linux cooked captures (tcpdump -i any), versions 1 and 2.
var (
	_ = registerLink(layers.LinkTypeLinuxSLL, "", whole(layers.LayerTypeLinuxSLL))
	_ = registerLink(layers.LinkTypeLinuxSLL2, "", whole(layers.LayerTypeLinuxSLL2))
)
