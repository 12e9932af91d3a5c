package analyze

import (
	"cmp"
	"net/netip"
	"slices"
)

// arpKey is one MAC claiming one address.
type arpKey struct {
	ip  netip.Addr
	mac [6]byte
}

// arpClaim is a MAC answering ARP for an address (or announcing it).
type arpClaim struct {
	mac   [6]byte
	count int
	first FrameRef
}

// maxARPClaims bounds the (address, MAC) pairs remembered; past it, new
// pairs are counted in arpsCapped and said in the report.
const maxARPClaims = 1 << 16

func (t *tracker) arp(p *packet, ref FrameRef) {
	k := arpKey{p.ARPIP, p.ARPMAC}
	if c, ok := t.arps[k]; ok {
		c.count++
		return
	}
	if len(t.arps) >= maxARPClaims {
		t.arpsCapped++
		return
	}
	t.arps[k] = &arpClaim{mac: p.ARPMAC, count: 1, first: ref}
}

// arpClaims groups the claims by the address claimed, each address's in
// order of first claim.
func (t *tracker) arpClaims() map[netip.Addr][]arpClaim {
	out := make(map[netip.Addr][]arpClaim)
	for k, c := range t.arps {
		out[k.ip] = append(out[k.ip], *c)
	}
	for _, cs := range out {
		slices.SortFunc(cs, func(a, b arpClaim) int {
			return cmp.Or(cmp.Compare(a.first.File, b.first.File), cmp.Compare(a.first.Frame, b.first.Frame))
		})
	}
	return out
}
