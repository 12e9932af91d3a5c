package report

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// Redacted client addresses come from ranges no real client uses:
// 198.18.0.0/15 (benchmarking, RFC 2544) and 100::/64 (discard-only,
// RFC 6666), numbered in order of first appearance.
var (
	redactV4 = netip.MustParseAddr("198.18.0.0")
	redactV6 = netip.MustParseAddr("100::")
)

// Redaction says what Redact hides.
type Redaction struct {
	Clients bool // client addresses
	Names   bool // TLS server names (SNI)
}

// Redact returns a copy of r with what red asks replaced by stand-ins, the
// same stand-in for the same value in every attempt, finding and format;
// with nothing asked it returns r. Client addresses become stand-ins from
// the ranges above; health probes, VIPs and the host's addresses (also
// when the host is its own client) stay: they are the diagnosis, not the
// customer's users. Server names become name-1.invalid, name-2.invalid, …
// in order of first appearance.
func Redact(r *analyze.Result, red Redaction) *analyze.Result {
	if !red.Clients && !red.Names {
		return r
	}
	addr, name := func(a netip.Addr) netip.Addr { return a }, func(n string) string { return n }
	if red.Clients {
		addr = clientAliases(r)
	}
	if red.Names {
		name = nameAliases()
	}
	out := *r
	out.Attempts = slices.Clone(r.Attempts)
	for i := range out.Attempts {
		a := &out.Attempts[i]
		a.Client = netip.AddrPortFrom(addr(a.Client.Addr()), a.Client.Port())
		a.ReplySrc = addr(a.ReplySrc)
		a.SNI = name(a.SNI)
	}
	// A tunnel's outer source can be the client itself (Teredo, AYIYA).
	out.Encapsulations = slices.Clone(r.Encapsulations)
	for i := range out.Encapsulations {
		out.Encapsulations[i].Outer = addr(out.Encapsulations[i].Outer)
	}
	out.Findings = slices.Clone(r.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.Addr = addr(e.Addr)
			e.Names = slices.Clone(e.Names)
			for k := range e.Names {
				e.Names[k] = name(e.Names[k])
			}
		}
	}
	return &out
}

// clientAliases maps each client address of r (not a probe, not a server)
// to its stand-in, numbered in order of first appearance.
func clientAliases(r *analyze.Result) func(netip.Addr) netip.Addr {
	next4, next6 := redactV4, redactV6
	alias := map[netip.Addr]netip.Addr{}
	servers := map[netip.Addr]bool{}
	for _, d := range r.Destinations {
		servers[d.Server.Addr()] = true
	}
	for _, a := range r.Attempts {
		c := a.Client.Addr()
		if _, ok := alias[c]; ok || r.ProbeNets.Contains(c) || servers[c] {
			continue // a probe, or the host talking to itself
		}
		if c.Unmap().Is4() {
			next4 = next4.Next()
			alias[c] = next4
		} else {
			next6 = next6.Next()
			alias[c] = next6
		}
	}
	return func(a netip.Addr) netip.Addr {
		if b, ok := alias[a]; ok {
			return b
		}
		return a
	}
}

// nameAliases gives each server name a stand-in as it is first met.
func nameAliases() func(string) string {
	alias := map[string]string{}
	return func(n string) string {
		if n == "" {
			return n
		}
		if a, ok := alias[n]; ok {
			return a
		}
		a := fmt.Sprintf("name-%d.invalid", len(alias)+1)
		alias[n] = a
		return a
	}
}
