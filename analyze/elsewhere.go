package analyze

import (
	"cmp"
	"net/netip"
	"slices"
)

// maxElsewhere bounds the servers whose SYNs to unwatched ports are
// counted one by one; SYNs to servers past it are counted together.
const maxElsewhere = 256

// Elsewhere is a server that received SYNs on a port not watched: where
// the SYNs went when none went to --port.
type Elsewhere struct {
	Server netip.AddrPort
	SYNs   int // every transmission, exact
}

// elsewhere counts SYNs to ports not watched, per server, in bounded
// memory: the first maxElsewhere servers one by one, the rest together.
type elsewhere struct {
	syns map[netip.AddrPort]int
	more int // SYNs to servers past the first maxElsewhere
}

func (e *elsewhere) note(server netip.AddrPort) {
	if n, ok := e.syns[server]; ok || len(e.syns) < maxElsewhere {
		if e.syns == nil {
			e.syns = map[netip.AddrPort]int{}
		}
		e.syns[server] = n + 1
		return
	}
	e.more++
}

// top lists the servers with most SYNs, at most n, and how many SYNs the
// rest received, so that what is printed adds up to every SYN seen.
func (e *elsewhere) top(n int) ([]Elsewhere, int) {
	var all []Elsewhere
	for s, c := range e.syns {
		all = append(all, Elsewhere{s, c})
	}
	slices.SortFunc(all, func(a, b Elsewhere) int {
		if c := cmp.Compare(b.SYNs, a.SYNs); c != 0 {
			return c
		}
		return a.Server.Compare(b.Server)
	})
	rest := e.more
	if len(all) > n {
		for _, x := range all[n:] {
			rest += x.SYNs
		}
		all = all[:n]
	}
	return all, rest
}
