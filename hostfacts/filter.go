package hostfacts

import (
	"net/netip"
	"strconv"
	"strings"
)

// Filter is one packet filter of the host that new inbound TCP
// connections pass: Windows Firewall's rules, an iptables table's chains,
// or an nftables base chain on the input hook (with the chains it jumps
// to).
type Filter struct {
	Kind string `json:"kind"` // "windows-firewall", "iptables", "nftables"
	// Entry is the chain a packet starts in (INPUT, or the nftables base
	// chain's name); Windows has none.
	Entry string `json:"entry,omitempty"`
	// Policy is what happens to a packet no rule decides: "accept" or
	// "drop" (Windows Firewall's inbound default is block).
	Policy string                  `json:"policy"`
	Chains map[string][]FilterRule `json:"chains"`
	// More are nftables' further base chains on the input hook: a packet
	// must be accepted by each, in turn.
	More    []BaseChain `json:"more,omitempty"`
	Line    int         `json:"line"`    // where in the file it was read
	Command string      `json:"command"` // the command that printed it
}

// FilterRule is one rule, reduced to what it matches of a new inbound
// TCP connection.
type FilterRule struct {
	Target string      `json:"target"` // "accept", "drop", "return", "continue" (LOG, counter), or a chain's name
	Proto  string      `json:"proto"`  // "tcp", "" for any; anything else matches no TCP SYN
	Ports  []PortRange `json:"ports"`  // destination ports; none: any
	Remote []AddrRange `json:"remote"` // source addresses; none: any
	Local  []AddrRange `json:"local"`  // destination addresses; none: any
	InIf   string      `json:"in_if"`  // the interface a packet must come in on; "" any
	// NotNew says the rule matches only packets of connections already
	// set up (conntrack ESTABLISHED, RELATED): never a SYN.
	NotNew bool `json:"not_new"`
	// Unsure says the rule holds a match slbdiag does not read (a set,
	// a rate limit, a negation, a program): it may or may not match.
	Unsure bool   `json:"unsure"`
	Text   string `json:"text"` // the rule as printed
}

// PortRange is an inclusive range of ports.
type PortRange struct{ From, To uint16 }

// AddrRange is an inclusive range of addresses: a prefix or a range.
type AddrRange struct{ From, To netip.Addr }

// Contains reports whether a is in the range.
func (r AddrRange) Contains(a netip.Addr) bool {
	a = a.Unmap()
	return a.BitLen() == r.From.BitLen() && r.From.Compare(a) <= 0 && a.Compare(r.To) <= 0
}

// String prints the range as a prefix when it is one.
func (r AddrRange) String() string {
	for bits := 0; bits <= r.From.BitLen(); bits++ {
		if p, err := r.From.Prefix(bits); err == nil && p.Addr() == r.From && lastAddr(p) == r.To {
			if bits == r.From.BitLen() {
				return r.From.String()
			}
			return p.String()
		}
	}
	return r.From.String() + "-" + r.To.String()
}

// prefixRange is the range a prefix covers.
func prefixRange(p netip.Prefix) AddrRange {
	p = p.Masked()
	return AddrRange{p.Addr().Unmap(), lastAddr(p).Unmap()}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// parseAddrRange reads "10.0.0.0/8", "100.64.0.0/255.192.0.0",
// "10.0.0.1-10.0.0.9" or an address.
func parseAddrRange(s string) (AddrRange, bool) {
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, err1 := netip.ParseAddr(from)
		b, err2 := netip.ParseAddr(to)
		return AddrRange{a.Unmap(), b.Unmap()}, err1 == nil && err2 == nil && a.BitLen() == b.BitLen()
	}
	if addr, mask, ok := strings.Cut(s, "/"); ok && strings.Contains(mask, ".") {
		bits, ok := maskBits(mask)
		a, err := netip.ParseAddr(addr)
		if !ok || err != nil {
			return AddrRange{}, false
		}
		s = netip.PrefixFrom(a, bits).String()
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return prefixRange(p), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return AddrRange{a.Unmap(), a.Unmap()}, true
	}
	return AddrRange{}, false
}

// parsePorts reads "443", "80,443", "8000-8100", "8000:8100".
func parsePortList(s string) ([]PortRange, bool) {
	var out []PortRange
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		from, to, rng := strings.Cut(f, "-")
		if !rng {
			from, to, rng = strings.Cut(f, ":")
		}
		a, err := strconv.ParseUint(from, 10, 16)
		if err != nil {
			return nil, false
		}
		b := a
		if rng {
			if b, err = strconv.ParseUint(to, 10, 16); err != nil {
				return nil, false
			}
		}
		out = append(out, PortRange{uint16(a), uint16(b)})
	}
	return out, len(out) > 0
}

// Outcomes a filter may give a packet, as a set.
const (
	OutAccept = 1 << iota
	OutDrop
	outOn // no decision yet: the next rule, or the policy
)

// SYN is the new TCP connection a filter is asked about.
type SYN struct {
	Src, Dst netip.Addr
	Port     uint16
	InIf     string // the interface it arrives on; "" unknown
}

// Decide returns what the filter may do with syn: OutAccept, OutDrop or
// both when a rule slbdiag does not fully read stands in the way.
func (fl *Filter) Decide(syn SYN) int {
	out, _ := fl.DecideWhy(syn)
	return out
}

// DecideWhy is Decide with what decided: the rule as printed, or the
// policy.
func (fl *Filter) DecideWhy(syn SYN) (int, string) {
	if fl.Kind == "windows-firewall" {
		return fl.decideWindows(syn)
	}
	out, why := fl.base(fl.Entry, fl.Policy, syn)
	for _, b := range fl.More {
		if out == OutDrop {
			break
		}
		o, w := fl.base(b.Chain, b.Policy, syn)
		if o&OutDrop != 0 && out&OutAccept != 0 {
			why = w
		}
		// Dropped by any chain is dropped; accepted only if by all.
		out = out&OutDrop | o&OutDrop | out&o&OutAccept
	}
	return out, why
}

// BaseChain is a chain a packet enters by itself, with its policy.
type BaseChain struct {
	Chain  string `json:"chain"`
	Policy string `json:"policy"`
}

// base walks one base chain and applies its policy.
func (fl *Filter) base(entry, policy string, syn SYN) (int, string) {
	why := ""
	out := fl.chain(entry, syn, 0, &why)
	if out&outOn != 0 {
		out = out&^outOn | policyOut(policy)
		if why == "" && policy != "accept" {
			why = strings.TrimSpace(lastWord(entry) + " policy " + policy)
		}
	}
	return out, why
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func policyOut(p string) int {
	if p == "accept" {
		return OutAccept
	}
	return OutDrop
}

// chain walks a chain's rules in order, first match wins; a jump goes on
// after the jump when the chain it called returns.
func (fl *Filter) chain(name string, syn SYN, depth int, why *string) int {
	if depth > 16 {
		return OutAccept | OutDrop
	}
	out := 0
	for _, r := range fl.Chains[name] {
		m := r.matches(syn)
		if m == matchNo {
			continue
		}
		var t int
		switch r.Target {
		case "accept":
			t = OutAccept
		case "drop":
			t = OutDrop
		case "return":
			return out | outOn
		case "continue":
			continue
		default:
			t = fl.chain(r.Target, syn, depth+1, why)
		}
		if m == matchMaybe {
			t |= outOn
		}
		out |= t &^ outOn
		if t&outOn == 0 {
			if *why == "" && t == OutDrop {
				*why = r.Text
			}
			return out
		}
	}
	return out | outOn
}

type match int

const (
	matchNo match = iota
	matchMaybe
	matchYes
)

func (r *FilterRule) matches(syn SYN) match {
	switch {
	case r.NotNew, r.Proto != "" && r.Proto != "tcp",
		len(r.Ports) > 0 && !portIn(r.Ports, syn.Port),
		len(r.Remote) > 0 && !addrIn(r.Remote, syn.Src),
		len(r.Local) > 0 && !addrIn(r.Local, syn.Dst):
		return matchNo
	case r.InIf == "lo":
		return matchNo // SYNs from the load balancer come in on a NIC
	case r.Unsure, r.InIf != "" && syn.InIf == "":
		return matchMaybe
	case r.InIf != "" && r.InIf != syn.InIf && !(strings.HasSuffix(r.InIf, "+") && strings.HasPrefix(syn.InIf, strings.TrimSuffix(r.InIf, "+"))):
		return matchNo
	}
	return matchYes
}

func portIn(ps []PortRange, p uint16) bool {
	for _, r := range ps {
		if r.From <= p && p <= r.To {
			return true
		}
	}
	return false
}

func addrIn(rs []AddrRange, a netip.Addr) bool {
	for _, r := range rs {
		if r.Contains(a) {
			return true
		}
	}
	return false
}

// decideWindows applies Windows Firewall's order: an enabled block rule
// that matches wins over any allow rule; else an allow rule admits;
// else the inbound default blocks.
func (fl *Filter) decideWindows(syn SYN) (int, string) {
	allow, maybeAllow, maybeBlock := false, false, false
	for _, r := range fl.Chains[""] {
		switch m := r.matches(syn); {
		case m == matchYes && r.Target == "drop":
			return OutDrop, "block rule " + strconv.Quote(r.Text)
		case m == matchMaybe && r.Target == "drop":
			maybeBlock = true
		case m == matchYes && r.Target == "accept":
			allow = true
		case m == matchMaybe && r.Target == "accept":
			maybeAllow = true
		}
	}
	switch {
	case allow && maybeBlock:
		return OutAccept | OutDrop, ""
	case allow:
		return OutAccept, ""
	case maybeAllow:
		return OutAccept | OutDrop, ""
	}
	return policyOut(fl.Policy), "inbound default: block (no enabled allow rule matches)"
}

// Ranges lists every source range a rule of the filter names: the places
// whose SYNs a filter may treat apart from everyone's.
func (fl *Filter) Ranges() []AddrRange {
	var out []AddrRange
	for _, rs := range fl.Chains {
		for _, r := range rs {
			out = append(out, r.Remote...)
		}
	}
	return out
}
