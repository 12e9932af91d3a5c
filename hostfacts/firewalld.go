package hostfacts

import (
	"fmt"
	"regexp"
	"strings"
)

// firewalldServices are the ports of firewalld's service definitions a
// load balancer's backend opens, by name.
var firewalldServices = map[string]string{"https": "443", "http": "80", "ssh": "22", "http3": "443"}

var (
	reFwdZone     = regexp.MustCompile(`^(\S+)(?: \(([^)]*)\))?\s*$`)
	reRichSource  = regexp.MustCompile(`source (not )?address="([^"]+)"`)
	reRichPort    = regexp.MustCompile(`port port="([^"]+)" protocol="(\w+)"`)
	reRichService = regexp.MustCompile(`service name="([^"]+)"`)
)

// ParseFirewallCmd reads `firewall-cmd --list-all` (or --list-all-zones,
// of which it reads the active zones): each zone's target, services,
// ports, sources and rich rules. A SYN that no zone admits meets the
// zone's target: default and REJECT and DROP refuse it, ACCEPT admits.
// Which zone a SYN falls in is by its source (sources:) or by the
// interface; with several active zones each one's rules are kept, and
// the SYN's interface, when known, picks the zone.
func ParseFirewallCmd(text string) (*Filter, error) {
	fl := &Filter{Kind: "firewalld", Entry: "zones", Policy: "drop", Chains: map[string][]FilterRule{}}
	var zone string
	active := false
	var zones []string
	for _, l := range lines(text) {
		if l != "" && l[0] != ' ' && l[0] != '\t' {
			m := reFwdZone.FindStringSubmatch(strings.TrimSpace(l))
			zone, active = "", false
			if m != nil && (strings.Contains(m[2], "active") || strings.Contains(m[2], "default")) {
				zone, active = m[1], strings.Contains(m[2], "active")
				if active {
					zones = append(zones, zone)
				}
			}
			continue
		}
		if zone == "" || !active {
			continue
		}
		t := strings.TrimSpace(l)
		key, val, ok := strings.Cut(t, ":")
		if !ok {
			if strings.HasPrefix(t, "rule ") {
				fl.Chains[zone] = append(fl.Chains[zone], richRule(t))
			}
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "target":
			if val == "ACCEPT" {
				fl.Chains[zone+" target"] = []FilterRule{{Target: "accept", Text: "zone " + zone + " target ACCEPT"}}
			}
		case "services":
			for _, s := range strings.Fields(val) {
				r := FilterRule{Target: "accept", Proto: "tcp", Text: "service " + s}
				if p, ok := firewalldServices[s]; ok {
					r.Ports, _ = parsePortList(p)
				} else {
					r.Ports = []PortRange{{0, 0}} // another service: not the VIP's port, as far as slbdiag knows
				}
				fl.Chains[zone] = append(fl.Chains[zone], r)
			}
		case "ports":
			for _, p := range strings.Fields(val) {
				ports, proto, _ := strings.Cut(p, "/")
				r := FilterRule{Target: "accept", Proto: proto, Text: "port " + p}
				if ps, ok := parsePortList(ports); ok {
					r.Ports = ps
				} else {
					r.Unsure = true
				}
				fl.Chains[zone] = append(fl.Chains[zone], r)
			}
		case "sources":
			if val != "" {
				// A zone with sources takes only SYNs from them.
				fl.Chains[zone+" sources"] = []FilterRule{{Target: "accept", Remote: appendRanges(&FilterRule{}, nil, strings.ReplaceAll(val, " ", ",")), Text: "sources " + val}}
			}
		case "rich rules":
		}
	}
	if len(zones) == 0 {
		return nil, fmt.Errorf("firewall-cmd --list-all: no active zone: %w", ErrFormat)
	}
	// The entry chain tries each active zone's rules; a zone with
	// sources only for SYNs from them.
	for _, z := range zones {
		var jump FilterRule
		if src, ok := fl.Chains[z+" sources"]; ok {
			jump = FilterRule{Target: z, Remote: src[0].Remote, Text: "zone " + z}
		} else {
			jump = FilterRule{Target: z, Text: "zone " + z, Unsure: len(zones) > 1}
		}
		fl.Chains["zones"] = append(fl.Chains["zones"], jump)
		if t, ok := fl.Chains[z+" target"]; ok {
			fl.Chains[z] = append(fl.Chains[z], t...)
		}
	}
	return fl, nil
}

// richRule reads `rule family="ipv4" source address="100.64.0.0/10" port
// port="443" protocol="tcp" accept`.
func richRule(t string) FilterRule {
	r := FilterRule{Text: t, Target: "continue"}
	switch {
	case strings.HasSuffix(t, " accept"):
		r.Target = "accept"
	case strings.HasSuffix(t, " drop"), strings.Contains(t, " reject"):
		r.Target = "drop"
	default:
		r.Unsure = true
	}
	if strings.Contains(t, `family="ipv6"`) {
		r.Remote = []AddrRange{{From: mustAddrRange("::/0").From, To: mustAddrRange("::/0").To}}
		return r
	}
	if m := reRichSource.FindStringSubmatch(t); m != nil {
		r.Remote = appendRanges(&r, nil, m[2])
		r.Unsure = r.Unsure || m[1] != ""
	}
	if m := reRichPort.FindStringSubmatch(t); m != nil {
		r.Proto = m[2]
		if ps, ok := parsePortList(m[1]); ok {
			r.Ports = ps
		} else {
			r.Unsure = true
		}
	} else if m := reRichService.FindStringSubmatch(t); m != nil {
		r.Proto = "tcp"
		if p, ok := firewalldServices[m[1]]; ok {
			r.Ports, _ = parsePortList(p)
		} else {
			r.Ports = []PortRange{{0, 0}}
		}
	}
	if strings.Contains(t, "limit value") || strings.Contains(t, "ipset=") {
		r.Unsure = true
	}
	return r
}

func mustAddrRange(s string) AddrRange {
	r, _ := parseAddrRange(s)
	return r
}
