package analyze

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// maxNesting bounds how many encapsulations deep a frame is unwrapped: a
// mirror of a tunnel (ERSPAN of VXLAN) is two, and a crafted frame that
// nests GRE in GRE forever stops here.
const maxNesting = 4

// encapKind is a tunnel or framing that packets can arrive inside.
type encapKind uint8

const (
	encapNone encapKind = iota
	encapVXLAN
	encapGeneve
	encapGRE
	encapERSPAN1
	encapERSPAN2
	encapERSPAN3
	encapIPinIP
	encapEtherIP
	encapMPLS
	encapPPPoE
	encapPBB
	encapSNAP
	encapGTPU
	encapTeredo
	encapAYIYA
	numEncaps
)

var encapNames = [numEncaps]string{"", "VXLAN", "Geneve", "GRE", "ERSPAN I", "ERSPAN II", "ERSPAN III",
	"IP-in-IP", "EtherIP", "MPLS", "PPPoE", "802.1ah PBB", "LLC/SNAP", "GTP-U", "Teredo", "AYIYA"}

func (k encapKind) String() string { return encapNames[k] }

// mirror reports whether the kind is how switches and clouds mirror
// traffic to a collector, rather than a tunnel the traffic itself took.
func (k encapKind) mirror() bool {
	return k == encapERSPAN1 || k == encapERSPAN2 || k == encapERSPAN3
}

// UDP ports that announce a tunnel. Both ends of VXLAN, Geneve and GTP-U
// send to the well-known port; Teredo and AYIYA servers answer from it.
const (
	portVXLAN      = 4789
	portVXLANLinux = 8472 // the Linux kernel's default before IANA assigned 4789
	portGeneve     = 6081
	portGTPU       = 2152
	portTeredo     = 3544
	portAYIYA      = 5072
	portGREinUDP   = 4754 // RFC 8086
	portMPLSinUDP  = 6635 // RFC 7510
)

// tunnelPort reports whether a UDP datagram between these ports may
// carry a tunnel; fastEthernet leaves those to the slower path.
func tunnelPort(sport, dport uint16) bool {
	switch dport {
	case portVXLAN, portVXLANLinux, portGeneve, portGTPU, portTeredo, portAYIYA, portGREinUDP, portMPLSinUDP:
		return true
	}
	return sport == portTeredo || sport == portAYIYA
}

// EtherTypes and IP protocols of the encapsulations.
const (
	etherTEB     = 0x6558 // transparent Ethernet bridging: an Ethernet frame follows
	etherERSPAN2 = 0x88BE // ERSPAN type I (no GRE sequence) or II
	etherERSPAN3 = 0x22EB
	etherMPLS    = 0x8847
	etherMPLSm   = 0x8848
	etherPPPoE   = 0x8864
	etherPBB     = 0x88E7 // 802.1ah I-TAG
	etherARP     = 0x0806

	protoIPinIP  = 4
	protoIPv6    = 41
	protoGRE     = 47
	protoEtherIP = 97
	protoMPLS    = 137
)

// inner is what an encapsulation wraps: where its packet starts, and how.
type inner struct {
	kind  encapKind
	first gopacket.LayerType // layers.LayerTypeEthernet, IPv4 or IPv6
	data  []byte
}

// byEtherType says how a payload of the EtherType starts, for the types
// that carry something the decoder follows.
func byEtherType(t uint16, b []byte, kind encapKind) (inner, bool) {
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
func byVersion(b []byte, kind encapKind) (inner, bool) {
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
// encapsulation: MPLS, PPPoE, 802.1ah, or an 802.3 frame's LLC/SNAP.
func (d *decoder) unwrapEther(t uint16, b []byte) (inner, bool) {
	switch t {
	case etherMPLS, etherMPLSm:
		return unwrapMPLS(b)
	case etherPPPoE:
		return unwrapPPPoE(b)
	case etherPBB:
		// The 4-byte I-TAG, then the customer's frame from its MACs on.
		if len(b) < 4+14 {
			return inner{}, false
		}
		return inner{encapPBB, layers.LayerTypeEthernet, b[4:]}, true
	}
	return inner{}, false
}

// unwrapLLC follows an 802.3 frame's LLC header to the SNAP header whose
// EtherType says what it carries (RFC 1042), as Token Ring, FDDI, ATM and
// some switches frame IP.
func unwrapLLC(b []byte) (inner, bool) {
	if len(b) < 8 || b[0] != 0xAA || b[1] != 0xAA || b[2] != 0x03 {
		return inner{}, false
	}
	return byEtherType(binary.BigEndian.Uint16(b[6:8]), b[8:], encapSNAP)
}

// unwrapMPLS skips the label stack down to its bottom entry. What follows
// carries no type: IP says its version; a zero nibble is the pseudowire
// control word (RFC 4385) before an Ethernet frame.
func unwrapMPLS(b []byte) (inner, bool) {
	for {
		if len(b) < 4 {
			return inner{}, false
		}
		bottom := b[2]&1 != 0
		b = b[4:]
		if bottom {
			break
		}
	}
	if in, ok := byVersion(b, encapMPLS); ok {
		return in, true
	}
	if len(b) >= 4+14 && b[0]>>4 == 0 {
		return inner{encapMPLS, layers.LayerTypeEthernet, b[4:]}, true
	}
	return inner{}, false
}

// unwrapPPPoE reads a PPPoE session header (RFC 2516) and the PPP
// protocol after it.
func unwrapPPPoE(b []byte) (inner, bool) {
	if len(b) < 8 || b[0] != 0x11 || b[1] != 0 {
		return inner{}, false
	}
	return unwrapPPP(b[6:], encapPPPoE)
}

// unwrapPPP reads a PPP protocol field (RFC 1661), after the HDLC-like
// address and control bytes when they are there (RFC 1662).
func unwrapPPP(b []byte, kind encapKind) (inner, bool) {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0x03 {
		b = b[2:]
	}
	if len(b) < 2 {
		return inner{}, false
	}
	proto, n := uint16(b[0]), 1
	if b[0]&1 == 0 { // a protocol field not compressed to one byte
		proto, n = binary.BigEndian.Uint16(b[:2]), 2
	}
	switch proto {
	case 0x21:
		return inner{kind, layers.LayerTypeIPv4, b[n:]}, true
	case 0x57:
		return inner{kind, layers.LayerTypeIPv6, b[n:]}, true
	}
	return inner{}, false
}

// unwrapIP follows an IP payload that is a tunnel: GRE (and ERSPAN in
// it), IP in IP, EtherIP, MPLS in IP, or UDP to a tunnel's port.
func (d *decoder) unwrapIP(proto uint8, b []byte) (inner, bool) {
	switch proto {
	case protoIPinIP:
		return inner{encapIPinIP, layers.LayerTypeIPv4, b}, len(b) > 0
	case protoIPv6:
		return inner{encapIPinIP, layers.LayerTypeIPv6, b}, len(b) > 0
	case protoGRE:
		return d.unwrapGRE(b)
	case protoEtherIP:
		if len(b) < 2+14 || b[0]>>4 != 3 {
			return inner{}, false
		}
		return inner{encapEtherIP, layers.LayerTypeEthernet, b[2:]}, true
	case protoMPLS:
		return unwrapMPLS(b)
	case protoUDP:
		return d.unwrapUDP(b)
	}
	return inner{}, false
}

// unwrapGRE reads a GRE header (RFC 2784, 2890) and what it says follows,
// ERSPAN included: type I is the mirrored frame right after GRE, type II
// has an 8-byte header and a GRE sequence number, type III a 12-byte one.
func (d *decoder) unwrapGRE(b []byte) (inner, bool) {
	g := &d.gre
	if g.DecodeFromBytes(b, gopacket.NilDecodeFeedback) != nil || g.Version != 0 {
		return inner{}, false
	}
	pl := g.Payload
	switch uint16(g.Protocol) {
	case etherERSPAN2:
		if !g.SeqPresent {
			return inner{encapERSPAN1, layers.LayerTypeEthernet, pl}, true
		}
		if d.erspan2.DecodeFromBytes(pl, gopacket.NilDecodeFeedback) != nil {
			return inner{}, false
		}
		return inner{encapERSPAN2, layers.LayerTypeEthernet, d.erspan2.Payload}, true
	case etherERSPAN3:
		return unwrapERSPAN3(pl)
	case etherMPLS, etherMPLSm:
		in, ok := unwrapMPLS(pl)
		in.kind = encapGRE
		return in, ok
	}
	return byEtherType(uint16(g.Protocol), pl, encapGRE)
}

// unwrapERSPAN3 reads the ERSPAN type III header: 12 bytes, then an
// 8-byte platform-specific subheader when its O flag is set, then the
// mirrored Ethernet frame.
func unwrapERSPAN3(b []byte) (inner, bool) {
	if len(b) < 12 || b[0]>>4 != 2 {
		return inner{}, false
	}
	n := 12
	if b[11]&1 != 0 {
		n += 8
	}
	if len(b) < n {
		return inner{}, false
	}
	return inner{encapERSPAN3, layers.LayerTypeEthernet, b[n:]}, true
}

// unwrapUDP follows a UDP datagram to a tunnel's port.
func (d *decoder) unwrapUDP(b []byte) (inner, bool) {
	if len(b) < 8 {
		return inner{}, false
	}
	sport, dport := binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])
	pl := b[8:]
	switch dport {
	case portVXLAN, portVXLANLinux:
		if d.vxlan.DecodeFromBytes(pl, gopacket.NilDecodeFeedback) != nil || !d.vxlan.ValidIDFlag {
			return inner{}, false
		}
		return inner{encapVXLAN, layers.LayerTypeEthernet, d.vxlan.Payload}, true
	case portGeneve:
		return unwrapGeneve(pl)
	case portGTPU:
		return unwrapGTPU(pl)
	case portGREinUDP:
		return d.unwrapGRE(pl)
	case portMPLSinUDP:
		return unwrapMPLS(pl)
	}
	switch {
	case sport == portTeredo || dport == portTeredo:
		return unwrapTeredo(pl)
	case sport == portAYIYA || dport == portAYIYA:
		return unwrapAYIYA(pl)
	}
	return inner{}, false
}

// unwrapGeneve reads a Geneve header (RFC 8926): 8 bytes and the options'
// length, then a payload of the EtherType it names.
func unwrapGeneve(b []byte) (inner, bool) {
	if len(b) < 8 || b[0]>>6 != 0 {
		return inner{}, false
	}
	n := 8 + int(b[0]&0x3f)*4
	if len(b) < n {
		return inner{}, false
	}
	return byEtherType(binary.BigEndian.Uint16(b[2:4]), b[n:], encapGeneve)
}

// unwrapGTPU reads a GTPv1-U header (3GPP TS 29.281) of a G-PDU, the
// message that carries a user's IP packet, with its optional fields and
// extension headers.
func unwrapGTPU(b []byte) (inner, bool) {
	if len(b) < 8 || b[0]>>5 != 1 || b[0]&0x10 == 0 || b[1] != 0xFF {
		return inner{}, false
	}
	flags, n := b[0], 8
	if flags&0x07 != 0 { // E, S or PN: sequence, N-PDU and next extension type follow
		if len(b) < 12 {
			return inner{}, false
		}
		next := b[11]
		n = 12
		for next != 0 && flags&0x04 != 0 {
			if len(b) < n+1 || b[n] == 0 {
				return inner{}, false
			}
			l := int(b[n]) * 4
			if len(b) < n+l {
				return inner{}, false
			}
			next = b[n+l-1]
			n += l
		}
	}
	return byVersion(b[n:], encapGTPU)
}

// unwrapTeredo skips the authentication and origin indications a Teredo
// datagram (RFC 4380) may start with, down to its IPv6 packet.
func unwrapTeredo(b []byte) (inner, bool) {
	for range 2 {
		if len(b) < 2 || b[0] != 0 {
			break
		}
		switch b[1] {
		case 0: // origin indication: 8 bytes
			if len(b) < 8 {
				return inner{}, false
			}
			b = b[8:]
		case 1: // authentication: lengths of the client id and value, nonce, confirmation
			if len(b) < 4 {
				return inner{}, false
			}
			n := 4 + int(b[2]) + int(b[3]) + 9
			if len(b) < n {
				return inner{}, false
			}
			b = b[n:]
		default:
			return inner{}, false
		}
	}
	if len(b) < 40 || b[0]>>4 != 6 {
		return inner{}, false
	}
	return inner{encapTeredo, layers.LayerTypeIPv6, b}, true
}

// unwrapAYIYA reads an AYIYA header (draft-massar-v6ops-ayiya): 8 bytes,
// the identity and the signature, then the packet its next header names.
func unwrapAYIYA(b []byte) (inner, bool) {
	if len(b) < 8 || b[2]&0x0f != 1 { // opcode 1: forward
		return inner{}, false
	}
	n := 8 + 1<<(b[0]>>4) + int(b[1]>>4)*4
	if len(b) < n {
		return inner{}, false
	}
	switch b[3] {
	case protoIPinIP:
		return inner{encapAYIYA, layers.LayerTypeIPv4, b[n:]}, true
	case protoIPv6:
		return inner{encapAYIYA, layers.LayerTypeIPv6, b[n:]}, true
	}
	return inner{}, false
}

// Encapsulation is a tunnel or mirror framing one input's packets came
// in, and who sent them so: the outer source address is the switch or
// cloud mirror session (ERSPAN, VXLAN) or the tunnel's far end.
type Encapsulation struct {
	File   int
	Kind   string     // "VXLAN", "Geneve", "GRE", "ERSPAN II", "MPLS", …
	Outer  netip.Addr // the outer packets' source; invalid for framings without one (MPLS, PPPoE, PBB, LLC/SNAP)
	Mirror bool       // a mirror session's framing (ERSPAN): the packets were copied to the capture, not sent to it
	Frames int
	// InnerEthernet says the packets inside had Ethernet headers of their
	// own (VXLAN, ERSPAN, gretap); without them, nothing can be said of
	// the MACs the packets were delivered to.
	InnerEthernet bool
}

// maxEncapSources bounds how many (input, kind, outer source) entries are
// kept; packets past it are counted under the kind with no source.
const maxEncapSources = 64

type encapKey struct {
	file  int
	kind  encapKind
	outer netip.Addr
}

type encapCount struct {
	frames int
	mac    bool
}

// encaps counts the frames that came in each encapsulation.
type encaps struct {
	n     map[encapKey]encapCount
	order []encapKey
}

func (e *encaps) note(file int, p *packet) {
	if p.encap == encapNone {
		return
	}
	k := encapKey{file, p.encap, p.outer}
	if _, ok := e.n[k]; !ok {
		if e.n == nil {
			e.n = map[encapKey]encapCount{}
		}
		if len(e.n) >= maxEncapSources {
			k.outer = netip.Addr{}
		}
		if _, ok := e.n[k]; !ok {
			e.order = append(e.order, k)
		}
	}
	c := e.n[k]
	c.frames++
	c.mac = c.mac || p.hasMAC
	e.n[k] = c
}

// list is the encapsulations in order of first appearance.
func (e *encaps) list() []Encapsulation {
	var out []Encapsulation
	for _, k := range e.order {
		c := e.n[k]
		out = append(out, Encapsulation{File: k.file, Kind: k.kind.String(), Outer: k.outer, Mirror: k.kind.mirror(),
			Frames: c.frames, InnerEthernet: c.mac})
	}
	return out
}
