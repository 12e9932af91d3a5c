package decode

import "github.com/gopacket/gopacket/layers"

// ATM with LLC encapsulation (RFC 1483).
var _ = registerLink(layers.LinkTypeATM_RFC1483, "ATM_RFC1483", unwrapLLC)
