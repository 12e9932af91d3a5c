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

// Redact returns a copy of r in which every client address is replaced by
// a stand-in, the same stand-in for the same client in every attempt,
// finding and format. Health probes, VIPs and the host's addresses (also
// when the host is its own client) stay: they are the diagnosis, not the
// customer's users.
func Redact(r *analyze.Result) *analyze.Result {
	out := *r
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
	swap := func(a netip.Addr) netip.Addr {
		if b, ok := alias[a]; ok {
			return b
		}
		return a
	}
	out.Attempts = slices.Clone(r.Attempts)
	for i := range out.Attempts {
		a := &out.Attempts[i]
		a.Client = netip.AddrPortFrom(swap(a.Client.Addr()), a.Client.Port())
		a.ReplySrc = swap(a.ReplySrc)
	}
	out.Findings = slices.Clone(r.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			f.Evidence[j].Addr = swap(f.Evidence[j].Addr)
		}
	}
	return &out
}

// RedactNames returns a copy of r in which every TLS server name (SNI) is
// replaced by a stand-in (name-1.invalid, name-2.invalid, … in order of
// first appearance), the same for the same name everywhere. Use it with
// Redact when the customer's host names must not leave the ticket.
func RedactNames(r *analyze.Result) *analyze.Result {
	out := *r
	alias := map[string]string{}
	swap := func(n string) string {
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
	out.Attempts = slices.Clone(r.Attempts)
	for i := range out.Attempts {
		out.Attempts[i].SNI = swap(out.Attempts[i].SNI)
	}
	out.Findings = slices.Clone(r.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.Names = slices.Clone(e.Names)
			for k := range e.Names {
				e.Names[k] = swap(e.Names[k])
			}
		}
	}
	return &out
}
