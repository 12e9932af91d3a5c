package hostfacts

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// ParseIptablesS reads `iptables -S` (or `iptables-save`'s filter table):
// "-P INPUT DROP" policies and "-A CHAIN match… -j TARGET" rules.
func ParseIptablesS(text string) (*Filter, error) {
	fl := &Filter{Kind: "iptables", Entry: "INPUT", Chains: map[string][]FilterRule{}}
	seen := false
	table := "filter"
	for _, l := range lines(text) {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case strings.HasPrefix(f[0], "*"):
			table = f[0][1:] // iptables-save
		case table != "filter":
		case f[0] == "-P" && len(f) >= 3:
			seen = true
			if f[1] == "INPUT" {
				fl.Policy = strings.ToLower(f[2])
			}
		case strings.HasPrefix(f[0], ":") && len(f) >= 2: // iptables-save ":INPUT DROP [0:0]"
			seen = true
			if f[0] == ":INPUT" {
				fl.Policy = strings.ToLower(f[1])
			}
		case f[0] == "-N":
			seen = true
		case f[0] == "-A" && len(f) >= 2:
			seen = true
			fl.Chains[f[1]] = append(fl.Chains[f[1]], iptablesRule(f[2:], strings.TrimSpace(l)))
		}
	}
	if !seen || fl.Policy == "" {
		return nil, fmt.Errorf("iptables -S: no INPUT policy: %w", ErrFormat)
	}
	return fl, nil
}

// iptablesRule reads a rule's matches and target, as -S prints them.
func iptablesRule(f []string, text string) FilterRule {
	r := FilterRule{Target: "continue", Text: text}
	for i := 0; i < len(f); i++ {
		arg := func() string {
			if i+1 < len(f) {
				i++
				return f[i]
			}
			return ""
		}
		switch f[i] {
		case "!":
			r.Unsure = true
		case "-p", "--protocol":
			r.Proto = strings.ToLower(arg())
			if r.Proto == "all" || r.Proto == "0" {
				r.Proto = ""
			}
			if r.Proto == "6" {
				r.Proto = "tcp"
			}
		case "-s", "--source":
			r.Remote = appendRanges(&r, r.Remote, arg())
		case "-d", "--destination":
			r.Local = appendRanges(&r, r.Local, arg())
		case "-i", "--in-interface":
			r.InIf = arg()
		case "--dport", "--destination-port", "--dports", "--destination-ports":
			if ps, ok := parsePortList(arg()); ok {
				r.Ports = append(r.Ports, ps...)
			} else {
				r.Unsure = true
			}
		case "--state", "--ctstate":
			if !strings.Contains(strings.ToUpper(arg()), "NEW") {
				r.NotNew = true
			}
		case "-m", "--match":
			switch arg() {
			case "tcp", "udp", "multiport", "state", "conntrack", "comment", "addrtype":
			default:
				r.Unsure = true
			}
		case "--comment":
			skipQuoted(f, &i)
		case "--dst-type":
			if arg() != "LOCAL" {
				r.Unsure = true
			}
		case "--syn", "--tcp-flags", "--sport", "--source-port", "--sports", "--reject-with", "--log-prefix", "--log-level":
			if f[i] != "--syn" {
				arg()
			}
			if f[i-1] == "--log-prefix" {
				skipQuoted(f, &i)
			}
		case "-j", "--jump", "-g", "--goto":
			r.Target = iptablesTarget(arg())
		default:
			if strings.HasPrefix(f[i], "-") {
				r.Unsure = true
			}
		}
	}
	return r
}

// skipQuoted moves past the rest of a quoted argument that Fields split.
func skipQuoted(f []string, i *int) {
	if !strings.HasPrefix(f[*i], "\"") || strings.HasSuffix(f[*i], "\"") && len(f[*i]) > 1 {
		return
	}
	for *i+1 < len(f) {
		*i++
		if strings.HasSuffix(f[*i], "\"") {
			return
		}
	}
}

func appendRanges(r *FilterRule, to []AddrRange, list string) []AddrRange {
	for _, s := range strings.Split(list, ",") {
		if ar, ok := parseAddrRange(s); ok {
			to = append(to, ar)
		} else {
			r.Unsure = true
		}
	}
	return to
}

func iptablesTarget(t string) string {
	switch t {
	case "ACCEPT":
		return "accept"
	case "DROP", "REJECT":
		return "drop"
	case "RETURN":
		return "return"
	case "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "":
		return "continue"
	}
	return t
}

var (
	reIptChain   = regexp.MustCompile(`^Chain (\S+) \((?:policy (\w+)|\d+ references)`)
	reIptDport   = regexp.MustCompile(`\bdpts?:([\w-]+(?::[\w-]+)?)`)
	reIptMulti   = regexp.MustCompile(`\bmultiport dports (\S+)`)
	reIptState   = regexp.MustCompile(`\b(?:ct)?state (\S+)`)
	reIptComment = regexp.MustCompile(`/\*.*?\*/`)
)

// ParseIptablesL reads `iptables -L -n` with or without -v: "Chain INPUT
// (policy DROP …)" headers and rows of target, protocol, options,
// (with -v, the counters before and the interfaces after,) source,
// destination and the matches in words ("tcp dpt:443").
func ParseIptablesL(text string) (*Filter, error) {
	fl := &Filter{Kind: "iptables", Entry: "INPUT", Chains: map[string][]FilterRule{}}
	chain := ""
	verbose, lineNumbers := false, false
	for _, l := range lines(text) {
		if m := reIptChain.FindStringSubmatch(l); m != nil {
			chain = m[1]
			if m[1] == "INPUT" {
				fl.Policy = strings.ToLower(m[2])
			}
			continue
		}
		f := strings.Fields(l)
		if len(f) == 0 || chain == "" {
			continue
		}
		if f[0] == "num" && len(f) > 1 {
			lineNumbers = true // --line-numbers: a number before each row
			f = f[1:]
		} else if lineNumbers && isDigits(f[0]) {
			f = f[1:]
		}
		if len(f) > 0 && (f[0] == "target" || f[0] == "pkts") {
			verbose = f[0] == "pkts"
			continue
		}
		if verbose {
			if len(f) < 2 {
				continue
			}
			f = f[2:]
		}
		fl.Chains[chain] = append(fl.Chains[chain], iptablesLRow(f, verbose, strings.TrimSpace(l)))
	}
	if fl.Policy == "" {
		return nil, fmt.Errorf("iptables -L: no INPUT chain with a policy: %w", ErrFormat)
	}
	return fl, nil
}

func iptablesLRow(f []string, verbose bool, text string) FilterRule {
	r := FilterRule{Target: "continue", Text: text}
	// A rule without a target prints none: the row starts with the
	// protocol.
	if len(f) > 1 && isIptProto(f[0]) && strings.HasPrefix(f[1], "-") {
		f = append([]string{""}, f...)
	}
	need := 5
	if verbose {
		need = 7
	}
	if len(f) < need {
		r.Unsure = true
		return r
	}
	r.Target = iptablesTarget(f[0])
	if p := strings.ToLower(f[1]); p != "all" && p != "0" {
		r.Proto = p
		if p == "6" {
			r.Proto = "tcp"
		}
	}
	rest := f[3:]
	if verbose {
		// Without -n, iptables names "any" interface and "anywhere".
		if in := f[3]; in != "*" && in != "any" {
			r.InIf = in
		}
		rest = f[5:]
	}
	any := func(s string) bool { return s == "0.0.0.0/0" || s == "::/0" || s == "anywhere" }
	if !any(rest[0]) {
		r.Remote = appendRanges(&r, nil, strings.TrimPrefix(rest[0], "!"))
		r.Unsure = r.Unsure || strings.HasPrefix(rest[0], "!")
	}
	if !any(rest[1]) {
		r.Local = appendRanges(&r, nil, strings.TrimPrefix(rest[1], "!"))
		r.Unsure = r.Unsure || strings.HasPrefix(rest[1], "!")
	}
	extra := strings.Join(rest[2:], " ")
	extra = reIptComment.ReplaceAllString(extra, "")
	if m := reIptDport.FindStringSubmatch(extra); m != nil {
		ps, ok := parsePortList(portNumbers(m[1]))
		r.Ports = append(r.Ports, ps...)
		r.Unsure = r.Unsure || !ok
		extra = strings.Replace(extra, m[0], "", 1)
	}
	if m := reIptMulti.FindStringSubmatch(extra); m != nil {
		ps, _ := parsePortList(m[1])
		r.Ports = append(r.Ports, ps...)
		extra = strings.Replace(extra, m[0], "", 1)
	}
	if m := reIptState.FindStringSubmatch(extra); m != nil {
		r.NotNew = !strings.Contains(m[1], "NEW")
		extra = strings.Replace(extra, m[0], "", 1)
	}
	for _, w := range strings.Fields(extra) {
		switch {
		case w == "tcp" || w == "udp" || w == "ADDRTYPE" || w == "match" || w == "dst-type" || w == "LOCAL" || strings.HasPrefix(w, "flags:") || strings.HasPrefix(w, "spt") || strings.HasPrefix(w, "reject-with") || strings.HasPrefix(w, "icmp"):
		case w == "prefix" || strings.HasPrefix(w, "\"") || strings.HasSuffix(w, "\"") || w == "level" || w == "LOG" || w == "flags" || isDigits(w):
		default:
			r.Unsure = true
		}
	}
	return r
}

func isIptProto(s string) bool {
	switch strings.ToLower(s) {
	case "all", "tcp", "udp", "icmp", "icmpv6", "ipv6-icmp", "0", "6", "17", "1":
		return true
	}
	return false
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// servicePorts are the service names iptables -L prints without -n for
// the ports a load balancer forwards.
var servicePorts = map[string]string{"https": "443", "http-alt": "8080", "http": "80", "ssh": "22"}

// portNumbers spells "https" or "http:https" as numbers.
func portNumbers(s string) string {
	parts := strings.Split(s, ":")
	for i, p := range parts {
		if n, ok := servicePorts[p]; ok {
			parts[i] = n
		}
	}
	return strings.Join(parts, ":")
}

// ParseHTTPIPListen reads `netsh http show iplisten`: the addresses of
// HTTP.sys's IP Listen List. An empty list means HTTP.sys listens on
// every address; a list means only those.
func ParseHTTPIPListen(text string) ([]netip.Addr, error) {
	out := []netip.Addr{}
	seen := false
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		if isDashes(t) {
			seen = true
			continue
		}
		if !seen {
			continue
		}
		if ap, err := netip.ParseAddrPort(t); err == nil {
			out = append(out, ap.Addr().Unmap())
		} else if a, err := netip.ParseAddr(strings.Trim(t, "[]")); err == nil {
			out = append(out, a.Unmap())
		}
	}
	if !seen {
		return nil, fmt.Errorf("netsh http show iplisten: %w", ErrFormat)
	}
	return out, nil
}
