package decode

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// maxNesting bounds how many encapsulations deep a frame is unwrapped: a
// mirror of a tunnel (ERSPAN of VXLAN) is two, and a crafted frame that
// nests GRE in GRE forever stops here.
const maxNesting = 4

// Encap is a tunnel or framing that packets can arrive inside: its name,
// as reports show it, and whether it is how switches and clouds mirror
// traffic to a collector rather than a tunnel the traffic itself took.
// The zero Encap is none.
type Encap struct {
	Name   string
	Mirror bool
}

// EncapNone is a packet that came in no encapsulation.
var EncapNone = Encap{}

func (k Encap) String() string { return k.Name }

// EtherTypes and IP protocols the decoder follows itself.
const (
	etherIPv4  = 0x0800
	etherIPv6  = 0x86DD
	etherDot1Q = 0x8100
	etherTEB   = 0x6558 // transparent Ethernet bridging: an Ethernet frame follows
	protoTCP   = 6
	protoUDP   = 17
)

// inner is what an encapsulation wraps: where its packet starts, and how.
type inner struct {
	kind  Encap
	first gopacket.LayerType // layers.LayerTypeEthernet, IPv4 or IPv6
	data  []byte
}

// An unwrapper reads an encapsulation's header at the start of b and
// finds the packet it carries.
type unwrapper func(d *Decoder, b []byte) (inner, bool)

// tunnel is one encapsulation: where it is announced, and its unwrapper.
// Each tunnel's file registers it; the decoder looks it up by what the
// header before it says.
type tunnel struct {
	ethers    []uint16 // EtherTypes of a link layer's payload
	protos    []uint8  // IP protocols
	udpTo     []uint16 // UDP destination ports
	udpEither []uint16 // UDP ports at either end: servers that answer from theirs
	greProtos []uint16 // GRE protocol types
	unwrap    unwrapper
}

// The tunnels, by what announces them. They are filled once, as the
// package is initialised, and only read after. The fast path asks of
// every UDP datagram whether its ports are a tunnel's: a bit set answers
// that without hashing.
var (
	byEther     = map[uint16]unwrapper{}
	byProto     [256]unwrapper
	byUDPTo     = map[uint16]unwrapper{}
	byUDPEither = map[uint16]unwrapper{}
	byGRE       = map[uint16]unwrapper{}
	udpTo       portSet
	udpEither   portSet
)

// portSet is a set of UDP ports.
type portSet [1 << 16 / 64]uint64

func (s *portSet) add(p uint16)      { s[p>>6] |= 1 << (p & 63) }
func (s *portSet) has(p uint16) bool { return s[p>>6]&(1<<(p&63)) != 0 }

// registerTunnel adds t to the tables; each tunnel's file calls it to
// initialise a package variable, so a new tunnel is one new file.
func registerTunnel(t tunnel) bool {
	for _, e := range t.ethers {
		byEther[e] = t.unwrap
	}
	for _, p := range t.protos {
		byProto[p] = t.unwrap
	}
	for _, p := range t.udpTo {
		byUDPTo[p] = t.unwrap
		udpTo.add(p)
	}
	for _, p := range t.udpEither {
		byUDPEither[p] = t.unwrap
		udpEither.add(p)
	}
	for _, g := range t.greProtos {
		byGRE[g] = t.unwrap
	}
	return true
}

// byEtherType says how a payload of the EtherType starts, for the types
// that carry a packet the decoder reads itself.
func byEtherType(t uint16, b []byte, kind Encap) (inner, bool) {
	switch t {
	case etherIPv4:
		return inner{kind, layers.LayerTypeIPv4, b}, true
	case etherIPv6:
		return inner{kind, layers.LayerTypeIPv6, b}, true
	case etherTEB:
		return inner{kind, layers.LayerTypeEthernet, b}, true
	}
	return inner{}, false
}

// byVersion says how a packet starts that is IPv4 or IPv6 by its first
// nibble, as raw IP links and IP-carrying tunnels leave it.
func byVersion(b []byte, kind Encap) (inner, bool) {
	if len(b) == 0 {
		return inner{}, false
	}
	switch b[0] >> 4 {
	case 4:
		return inner{kind, layers.LayerTypeIPv4, b}, true
	case 6:
		return inner{kind, layers.LayerTypeIPv6, b}, true
	}
	return inner{}, false
}

// unwrapEther follows a link-layer payload that is itself an
// encapsulation: MPLS, PPPoE, 802.1ah.
func (d *Decoder) unwrapEther(t uint16, b []byte) (inner, bool) {
	if u, ok := byEther[t]; ok {
		return u(d, b)
	}
	return inner{}, false
}

// unwrapIP follows an IP payload that is a tunnel, or a UDP datagram to
// a tunnel's port.
func (d *Decoder) unwrapIP(proto uint8, b []byte) (inner, bool) {
	if proto == protoUDP {
		return d.unwrapUDP(b)
	}
	if u := byProto[proto]; u != nil {
		return u(d, b)
	}
	return inner{}, false
}

// tunnelPort reports whether a UDP datagram between these ports may
// carry a tunnel; the fast path leaves those to the slower one.
func tunnelPort(sport, dport uint16) bool {
	return udpTo.has(dport) || udpEither.has(dport) || udpEither.has(sport)
}

// unwrapUDP follows a UDP datagram to a tunnel's port: the destination
// port first, then either end's.
func (d *Decoder) unwrapUDP(b []byte) (inner, bool) {
	if len(b) < 8 {
		return inner{}, false
	}
	sport, dport := uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3])
	pl := b[8:]
	if !tunnelPort(sport, dport) {
		return inner{}, false
	}
	if u, ok := byUDPTo[dport]; ok {
		return u(d, pl)
	}
	if u, ok := byUDPEither[sport]; ok {
		return u(d, pl)
	}
	if u, ok := byUDPEither[dport]; ok {
		return u(d, pl)
	}
	return inner{}, false
}

// The layers an encapsulated packet can start with.
var (
	layerEthernet = layers.LayerTypeEthernet
	layerIPv4     = layers.LayerTypeIPv4
	layerIPv6     = layers.LayerTypeIPv6
)
