package hostfacts

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

var reUfwCols = regexp.MustCompile(`\s{2,}`)

// ufwApps are the ports of the application profiles ufw's packages
// install, by the name `ufw status` prints.
var ufwApps = map[string]string{"Nginx Full": "80,443", "Nginx HTTPS": "443", "Nginx HTTP": "80",
	"Apache Full": "80,443", "Apache Secure": "443", "Apache": "80", "OpenSSH": "22"}

// ParseUfwStatus reads `ufw status` (or `ufw status verbose`): "Status:
// active", the default incoming policy (verbose only: "Default: deny
// (incoming), …"; ufw's own default, deny, otherwise), and the rules'
// To, Action and From columns. IPv6 rules ("(v6)") match no IPv4 SYN.
func ParseUfwStatus(text string) (*Filter, error) {
	fl := &Filter{Kind: "ufw", Entry: "ufw", Policy: "drop", Chains: map[string][]FilterRule{}}
	seen, table := false, false
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "Status:"):
			seen = true
			if strings.Contains(t, "inactive") {
				fl.Policy = "accept"
				return fl, nil
			}
		case strings.HasPrefix(t, "Default:"):
			if strings.Contains(t, "allow (incoming)") {
				fl.Policy = "accept"
			}
		case strings.HasPrefix(t, "To ") && strings.Contains(t, "Action"):
			table = true
		case !table || t == "" || isDashes(t):
		default:
			if r, ok := ufwRule(t); ok {
				fl.Chains["ufw"] = append(fl.Chains["ufw"], r)
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf("ufw status: no Status line: %w", ErrFormat)
	}
	return fl, nil
}

// ufwRule reads one row: "443/tcp   ALLOW IN   100.64.0.0/10".
func ufwRule(t string) (FilterRule, bool) {
	c := reUfwCols.Split(t, -1)
	if len(c) < 3 {
		return FilterRule{}, false
	}
	to, action, from := c[0], strings.Fields(c[1]), c[2]
	if len(action) == 0 || len(action) > 1 && action[1] != "IN" {
		return FilterRule{}, false // OUT and FWD rules
	}
	r := FilterRule{Text: t}
	switch action[0] {
	case "ALLOW", "LIMIT":
		r.Target = "accept"
		r.Unsure = action[0] == "LIMIT" // a rate limit drops some
	case "DENY", "REJECT":
		r.Target = "drop"
	default:
		return FilterRule{}, false
	}
	if strings.Contains(to, "(v6)") || strings.Contains(from, "(v6)") {
		r.Remote = []AddrRange{{From: netip.IPv6Unspecified(), To: netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}}
		return r, true
	}
	if from != "Anywhere" {
		r.Remote = appendRanges(&r, nil, strings.Fields(from)[0])
	}
	// "To" is ports, an address, or an address and ports ("192.0.2.10 443/tcp").
	for _, w := range strings.Fields(strings.TrimSuffix(to, " on "+lastWord(to))) {
		if w == "Anywhere" {
			continue
		}
		if ar, ok := parseAddrRange(w); ok && strings.ContainsAny(w, ".:") && !strings.Contains(w, "/tcp") && !strings.Contains(w, "/udp") {
			r.Local = append(r.Local, ar)
			continue
		}
		ports, proto, _ := strings.Cut(w, "/")
		if proto != "" {
			r.Proto = proto
		}
		if ps, ok := parsePortList(ports); ok {
			r.Ports = append(r.Ports, ps...)
		} else if p, ok := ufwApps[to]; ok {
			r.Ports, _ = parsePortList(p)
			r.Proto = "tcp"
			break
		} else {
			r.Unsure = true
		}
	}
	return r, true
}
