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

// Redactor gives stand-ins, the same one for the same value wherever it
// appears: in JSONL lines as attempts stream out, then in the report of
// the same run. Stand-ins are numbered in order of first appearance.
type Redactor struct {
	red          Redaction
	keep         func(netip.Addr) bool // addresses that stay: probes, VIPs, the host's
	alias        map[netip.Addr]netip.Addr
	next4, next6 netip.Addr
	names        map[string]string
}

// NewRedactor returns a Redactor for red that leaves the addresses keep
// reports true for as they are (nil keeps none).
func NewRedactor(red Redaction, keep func(netip.Addr) bool) *Redactor {
	if keep == nil {
		keep = func(netip.Addr) bool { return false }
	}
	return &Redactor{red: red, keep: keep, alias: map[netip.Addr]netip.Addr{},
		next4: redactV4, next6: redactV6, names: map[string]string{}}
}

// Client returns a client address's stand-in.
func (x *Redactor) Client(a netip.Addr) netip.Addr {
	if x == nil || !x.red.Clients || !a.IsValid() || x.keep(a) {
		return a
	}
	if b, ok := x.alias[a]; ok {
		return b
	}
	var b netip.Addr
	if a.Unmap().Is4() {
		x.next4 = x.next4.Next()
		b = x.next4
	} else {
		x.next6 = x.next6.Next()
		b = x.next6
	}
	x.alias[a] = b
	return b
}

// Known returns the stand-in of an address already given one, or the
// address itself: for addresses that are redacted only as clients.
func (x *Redactor) Known(a netip.Addr) netip.Addr {
	if x == nil {
		return a
	}
	if b, ok := x.alias[a]; ok {
		return b
	}
	return a
}

// Name returns a TLS server name's stand-in.
func (x *Redactor) Name(n string) string {
	if x == nil || !x.red.Names || n == "" {
		return n
	}
	if a, ok := x.names[n]; ok {
		return a
	}
	a := fmt.Sprintf("name-%d.invalid", len(x.names)+1)
	x.names[n] = a
	return a
}

// Redact returns a copy of r with what red asks replaced by stand-ins, the
// same stand-in for the same value in every attempt, finding and format;
// with nothing asked it returns r. Client addresses become stand-ins from
// the ranges above; health probes, VIPs and the host's addresses (also
// when the host is its own client) stay: they are the diagnosis, not the
// customer's users. Server names become name-1.invalid, name-2.invalid, …
// in order of first appearance.
func Redact(r *analyze.Result, red Redaction) *analyze.Result {
	return NewRedactor(red, nil).Result(r)
}

// Result returns a copy of r redacted with x's stand-ins, giving new ones
// to values x has not met.
func (x *Redactor) Result(r *analyze.Result) *analyze.Result {
	if x == nil || (!x.red.Clients && !x.red.Names) {
		return r
	}
	servers := map[netip.Addr]bool{}
	for _, d := range r.Destinations {
		servers[d.Server.Addr()] = true
	}
	keep := x.keep
	x.keep = func(a netip.Addr) bool { return keep(a) || r.ProbeNets.Contains(a) || servers[a] }
	defer func() { x.keep = keep }()
	out := *r
	out.Examples = slices.Clone(r.Examples)
	for i := range out.Examples {
		a := &out.Examples[i]
		a.Client = netip.AddrPortFrom(x.Client(a.Client.Addr()), a.Client.Port())
		a.ReplySrc = x.Known(a.ReplySrc)
		a.SNI = x.Name(a.SNI)
	}
	out.Findings = slices.Clone(r.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.Addr = x.Known(e.Addr)
			e.Names = slices.Clone(e.Names)
			for k := range e.Names {
				e.Names[k] = x.Name(e.Names[k])
			}
		}
	}
	return &out
}
