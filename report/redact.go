package report

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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

// Redactor holds the stand-ins of one result, so that the report and the
// evidence packets written beside it hide the same values the same way.
type Redactor struct {
	addrs map[netip.Addr]netip.Addr
	names map[string]string
	order []string // names in order of first appearance
}

// NewRedactor chooses the stand-ins for what red asks to hide in r.
//
// Client addresses are replaced by address, whatever other role they play
// (a client address that also received a SYN is still a client), except
// VIPs, health probes and the host's own addresses: those are the
// diagnosis, not the customer's users (see keptAddrs). An attacker who
// forges an answer from a client address can make it look like a host
// address; nothing in a capture alone tells them apart.
//
// Server names become name-1.invalid, name-2.invalid, … in order of first
// appearance.
func NewRedactor(r *analyze.Result, red Redaction) *Redactor {
	x := &Redactor{}
	if red.Clients {
		x.addrs = clientAliases(r)
	}
	if red.Names {
		x.names = map[string]string{}
		for _, a := range r.Attempts {
			x.noteName(a.SNI)
		}
		for _, f := range r.Findings {
			for _, e := range f.Evidence {
				for _, n := range e.Names {
					x.noteName(n)
				}
			}
		}
	}
	return x
}

func (x *Redactor) noteName(n string) {
	if _, ok := x.names[n]; ok || n == "" {
		return
	}
	x.order = append(x.order, n)
	x.names[n] = fmt.Sprintf("name-%d.invalid", len(x.order))
}

// Addr returns a's stand-in, or a when it is not hidden.
func (x *Redactor) Addr(a netip.Addr) netip.Addr {
	if b, ok := x.addrs[a]; ok {
		return b
	}
	return a
}

// Name returns the server name n's stand-in, or n when names are not
// hidden. A name the result did not hold gets the next stand-in.
func (x *Redactor) Name(n string) string {
	if x.names == nil || n == "" {
		return n
	}
	x.noteName(n)
	return x.names[n]
}

// Addrs returns every hidden address and its stand-in.
func (x *Redactor) Addrs() map[netip.Addr]netip.Addr { return x.addrs }

// PacketNames returns every hidden server name with a stand-in of the same
// length, to overwrite the name's bytes inside packets (a ClientHello, a
// certificate) without changing any length field: the report's stand-in
// padded or cut to fit, "name-1.invalid" becoming "name-1xxxx.invalid" or
// "n1xx".
func (x *Redactor) PacketNames() map[string]string {
	if len(x.order) == 0 {
		return nil
	}
	out := make(map[string]string, len(x.order))
	for i, n := range x.order {
		out[n] = fitName(x.names[n], i+1, len(n))
	}
	return out
}

func fitName(alias string, num, n int) string {
	if n >= len(alias) {
		label, rest, _ := strings.Cut(alias, ".")
		return label + strings.Repeat("x", n-len(alias)) + "." + rest
	}
	s := fmt.Sprintf("n%d", num)
	if len(s) > n {
		return strings.Repeat("x", n)
	}
	return s + strings.Repeat("x", n-len(s))
}

// Redact returns a copy of r with what red asks replaced by stand-ins (see
// NewRedactor); with nothing asked it returns r.
func Redact(r *analyze.Result, red Redaction) *analyze.Result {
	return NewRedactor(r, red).Result(r)
}

// Result returns a copy of r with the stand-ins in place of what is
// hidden, the same stand-in for the same value in every attempt,
// destination and finding; with nothing hidden it returns r.
func (x *Redactor) Result(r *analyze.Result) *analyze.Result {
	if len(x.addrs) == 0 && x.names == nil {
		return r
	}
	ap := func(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(x.Addr(a.Addr()), a.Port()) }
	out := *r
	out.Attempts = slices.Clone(r.Attempts)
	for i := range out.Attempts {
		a := &out.Attempts[i]
		a.Client, a.Server = ap(a.Client), ap(a.Server)
		a.ReplySrc = x.Addr(a.ReplySrc)
		a.SNI = x.Name(a.SNI)
	}
	out.Destinations = slices.Clone(r.Destinations)
	for i := range out.Destinations {
		d := &out.Destinations[i]
		d.Server = ap(d.Server)
	}
	out.Findings = slices.Clone(r.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Server = ap(f.Server)
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.Addr = x.Addr(e.Addr)
			e.Filter = x.filter(e.Filter)
			e.Names = slices.Clone(e.Names)
			for k := range e.Names {
				e.Names[k] = x.Name(e.Names[k])
			}
		}
	}
	return &out
}

// filter returns a display filter with every hidden address in it
// replaced by its stand-in.
func (x *Redactor) filter(f string) string {
	if len(x.addrs) == 0 {
		return f
	}
	isAddrByte := func(c byte) bool {
		return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '.' || c == ':'
	}
	var b strings.Builder
	for i := 0; i < len(f); {
		j := i
		for j < len(f) && isAddrByte(f[j]) {
			j++
		}
		if j == i {
			b.WriteByte(f[i])
			i++
			continue
		}
		tok := f[i:j]
		if a, err := netip.ParseAddr(tok); err == nil {
			if s, ok := x.addrs[a]; ok {
				tok = s.String()
			}
		}
		b.WriteString(tok)
		i = j
	}
	return b.String()
}

// clientAliases maps each client address of r that is not kept (see
// NewRedactor) to its stand-in, numbered in order of first appearance.
func clientAliases(r *analyze.Result) map[netip.Addr]netip.Addr {
	keep := keptAddrs(r)
	next4, next6 := redactV4, redactV6
	alias := map[netip.Addr]netip.Addr{}
	for _, a := range r.Attempts {
		c := a.Client.Addr()
		if _, ok := alias[c]; ok || keep[c] || r.ProbeNets.Contains(c) {
			continue
		}
		if c.Unmap().Is4() {
			next4 = next4.Next()
			alias[c] = next4
		} else {
			next6 = next6.Next()
			alias[c] = next6
		}
	}
	return alias
}

// keptAddrs are the VIPs and the host's own addresses: the VIPs given
// with --vip, the inferred VIPs that are no client's address (one SYN to
// a client's address makes it look like a VIP), the destinations that
// answered a SYN, the capture host, and the host addresses findings
// compare with.
func keptAddrs(r *analyze.Result) map[netip.Addr]bool {
	clients := map[netip.Addr]bool{}
	for _, a := range r.Attempts {
		clients[a.Client.Addr()] = true
	}
	keep := map[netip.Addr]bool{}
	for _, d := range r.Destinations {
		answered := d.Counts.Total() - d.Counts[analyze.Unanswered] - d.Counts[analyze.Pending]
		switch {
		case d.Role == analyze.RoleVIP,
			d.Role == analyze.RoleLikelyVIP && !clients[d.Server.Addr()],
			d.Role == analyze.RoleHost && answered > 0:
			keep[d.Server.Addr()] = true
		}
	}
	if r.CapturePoint.Host.IsValid() {
		keep[r.CapturePoint.Host] = true
	}
	for _, f := range r.Findings {
		if f.HostAddr.IsValid() {
			keep[f.HostAddr] = true
		}
	}
	return keep
}
