package analyze

import (
	"net/netip"

	"github.com/slbdiag/slbdiag/decode"
)

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
	kind  decode.Encap
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
	if p.Encap == decode.EncapNone {
		return
	}
	k := encapKey{file, p.Encap, p.Outer}
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
	c.mac = c.mac || p.HasMAC
	e.n[k] = c
}

// list is the encapsulations in order of first appearance.
func (e *encaps) list() []Encapsulation {
	var out []Encapsulation
	for _, k := range e.order {
		c := e.n[k]
		out = append(out, Encapsulation{File: k.file, Kind: k.kind.Name, Outer: k.outer, Mirror: k.kind.Mirror,
			Frames: c.frames, InnerEthernet: c.mac})
	}
	return out
}
