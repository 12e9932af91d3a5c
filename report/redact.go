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
	// Files: the inputs' file names, which customers often make of a
	// client's address or a ticket, become input-1.pcapng, input-2.pcap, …
	Files bool
}

// File returns the stand-in of the i-th input's name (0-based): the same
// for the same input in every output. Names that are not files (stdin, a
// live interface) stay; the extension stays when it is a capture's.
func (x *Redactor) File(i int, name string) string {
	if x == nil || !x.red.Files || name == "stdin" || strings.HasPrefix(name, "live:") {
		return name
	}
	ext := ""
	for _, e := range []string{".pcapng.gz", ".pcap.gz", ".pcapng", ".pcap", ".cap", ".gz"} {
		if strings.HasSuffix(strings.ToLower(name), e) {
			ext = e
			break
		}
	}
	return fmt.Sprintf("input-%d%s", i+1, ext)
}

// Redactor gives stand-ins, the same one for the same value wherever it
// appears: in the JSONL lines as attempts stream out during a run, then
// in the report and the evidence packets of the same run. Stand-ins are
// numbered in order of first appearance.
//
// Client addresses are replaced by address, whatever other role they play
// (a client address that also received a SYN is still a client), except
// VIPs, health probes and the host's own addresses: those are the
// diagnosis, not the customer's users (see keptAddrs). While attempts
// stream out only the VIPs given, the probe ranges and the addresses the
// OS names as the host's are known to be kept; an address aliased then
// stays aliased, so every output agrees. An attacker who forges an answer
// from a client address can make it look like a host address; nothing in
// a capture alone tells them apart.
type Redactor struct {
	red          Redaction
	keep         func(netip.Addr) bool
	addrs        map[netip.Addr]netip.Addr
	next4, next6 netip.Addr
	names        map[string]string
	order        []string // names in order of first appearance
}

// NewRedactor returns a Redactor for red that leaves the addresses keep
// reports true for as they are (nil keeps none but the ones a Result
// shows to be kept).
func NewRedactor(red Redaction, keep func(netip.Addr) bool) *Redactor {
	if keep == nil {
		keep = func(netip.Addr) bool { return false }
	}
	return &Redactor{red: red, keep: keep, addrs: map[netip.Addr]netip.Addr{},
		next4: redactV4, next6: redactV6, names: map[string]string{}}
}

// Client returns a client address's stand-in, giving it one on first
// sight unless it is kept.
func (x *Redactor) Client(a netip.Addr) netip.Addr {
	if x == nil {
		return a
	}
	return x.client(a, x.keep)
}

// client is Client with keep saying which addresses stay.
func (x *Redactor) client(a netip.Addr, keep func(netip.Addr) bool) netip.Addr {
	if !x.red.Clients || !a.IsValid() {
		return a
	}
	if b, ok := x.addrs[a]; ok {
		return b
	}
	if keep(a) {
		return a
	}
	var b netip.Addr
	if a.Unmap().Is4() {
		x.next4 = x.next4.Next()
		b = x.next4
	} else {
		x.next6 = x.next6.Next()
		b = x.next6
	}
	x.addrs[a] = b
	return b
}

// Addr returns a's stand-in if it has one, else a: for addresses that are
// hidden only because they are clients' (servers, reply sources).
func (x *Redactor) Addr(a netip.Addr) netip.Addr {
	if x == nil {
		return a
	}
	if b, ok := x.addrs[a]; ok {
		return b
	}
	return a
}

// Name returns the server name n's stand-in, or n when names are not
// hidden. A name not met before gets the next stand-in.
func (x *Redactor) Name(n string) string {
	if x == nil || !x.red.Names || n == "" {
		return n
	}
	if a, ok := x.names[n]; ok {
		return a
	}
	x.order = append(x.order, n)
	x.names[n] = fmt.Sprintf("name-%d.invalid", len(x.order))
	return x.names[n]
}

// Others returns, for the packets of a capture the report never named
// (a whole live capture's -w file), the stand-in of any address r does not
// show to be kept, given on first sight; nil when clients are not hidden.
func (x *Redactor) Others(r *analyze.Result) func(netip.Addr) netip.Addr {
	if x == nil || !x.red.Clients {
		return nil
	}
	keep := x.keepFor(r)
	return func(a netip.Addr) netip.Addr { return x.client(a, keep) }
}

// keepFor is what stays as it is in r: what x keeps, and what r shows to
// be VIPs, probes and the host's own addresses.
func (x *Redactor) keepFor(r *analyze.Result) func(netip.Addr) bool {
	kept := keptAddrs(r)
	return func(a netip.Addr) bool { return x.keep(a) || kept[a] || r.ProbeNets.Contains(a) }
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

// Result returns a copy of r with the stand-ins in place of what is
// hidden, the same stand-in for the same value in every attempt,
// destination and finding, giving stand-ins to the clients x has not met;
// with nothing hidden it returns r.
func (x *Redactor) Result(r *analyze.Result) *analyze.Result {
	if x == nil || (!x.red.Clients && !x.red.Names && !x.red.Files) {
		return r
	}
	keep := x.keepFor(r)
	for _, a := range r.Examples {
		x.client(a.Client.Addr(), keep)
		x.Name(a.SNI)
	}
	for _, d := range r.Destinations {
		if d.AlsoClient {
			x.client(d.Server.Addr(), keep)
		}
	}
	for _, f := range r.Findings {
		for _, e := range f.Evidence {
			for _, n := range e.Names {
				x.Name(n)
			}
		}
	}
	ap := func(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(x.Addr(a.Addr()), a.Port()) }
	out := *r
	out.Inputs = slices.Clone(r.Inputs)
	for i := range out.Inputs {
		out.Inputs[i].Name = x.File(i, out.Inputs[i].Name)
	}
	out.Examples = slices.Clone(r.Examples)
	for i := range out.Examples {
		a := &out.Examples[i]
		a.Client, a.Server = ap(a.Client), ap(a.Server)
		a.ReplySrc = x.Addr(a.ReplySrc)
		a.SNI = x.Name(a.SNI)
	}
	out.Destinations = slices.Clone(r.Destinations)
	for i := range out.Destinations {
		d := &out.Destinations[i]
		d.Server = ap(d.Server)
	}
	// A tunnel's outer source can be the client itself (Teredo, AYIYA).
	out.Encapsulations = slices.Clone(r.Encapsulations)
	for i := range out.Encapsulations {
		out.Encapsulations[i].Outer = x.Addr(out.Encapsulations[i].Outer)
	}
	out.Redacted = analyze.Redacted{Clients: len(x.addrs), Names: len(x.names), Files: x.red.Files}
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

// keptAddrs are the VIPs and the host's own addresses: the VIPs given
// with --vip, the inferred VIPs that are no client's address (one SYN to
// a client's address makes it look like a VIP), the destinations that
// answered a SYN, the capture host, and the host addresses findings
// compare with.
func keptAddrs(r *analyze.Result) map[netip.Addr]bool {
	keep := map[netip.Addr]bool{}
	for _, d := range r.Destinations {
		answered := d.Counts.Total() - d.Counts[analyze.Unanswered] - d.Counts[analyze.Pending]
		switch {
		case d.Role == analyze.RoleVIP,
			d.Role == analyze.RoleLikelyVIP && !d.AlsoClient,
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
