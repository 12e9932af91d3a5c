package hostfacts

import (
	"fmt"
	"regexp"
	"strings"
)

var reNftSet = regexp.MustCompile(`\{([^}]*)\}`)

// ParseNft reads `nft list ruleset` (or `nft list table …`): the IPv4
// filter base chains on the input hook, each with its policy, and every
// chain they may jump to. A packet must be accepted by every one of them
// (firewalld's table beside iptables-nft's "ip filter", say).
// noInputHook names the chain of an nftables ruleset with no base chain
// on the input hook: it holds no rule and accepts.
const noInputHook = "(no input hook)"

func ParseNft(text string) (*Filter, error) {
	fl := &Filter{Kind: "nftables", Chains: map[string][]FilterRule{}}
	table, chain := "", ""
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		f := strings.Fields(t)
		switch {
		case len(f) == 0:
		case f[0] == "table" && len(f) >= 3:
			table = f[1] + " " + f[2]
		case f[0] == "chain" && len(f) >= 2:
			chain = table + " " + f[1]
			fl.Chains[chain] = nil
		case f[0] == "}":
		case len(f) > 1 && f[0] == "type" && f[1] == "filter" && strings.Contains(t, "hook input") && (strings.HasPrefix(table, "ip ") || strings.HasPrefix(table, "inet ")):
			policy := "accept"
			if strings.Contains(t, "policy drop") {
				policy = "drop"
			}
			if fl.Entry == "" {
				fl.Entry, fl.Policy = chain, policy
			} else {
				fl.More = append(fl.More, BaseChain{chain, policy})
			}
		case f[0] == "type" || f[0] == "policy":
		case chain != "":
			fl.Chains[chain] = append(fl.Chains[chain], nftRule(t, table))
		}
	}
	if fl.Entry == "" {
		if strings.TrimSpace(text) != "" && len(fl.Chains) == 0 && !strings.Contains(text, "table ") {
			return nil, fmt.Errorf("nft list ruleset: no table: %w", ErrFormat)
		}
		// No base chain on the input hook (an empty ruleset, or tables
		// that only NAT or forward): nftables filters no inbound SYN.
		fl.Entry, fl.Policy = noInputHook, "accept"
		fl.Chains[noInputHook] = nil
	}
	return fl, nil
}

// nftRule reads one nftables rule: "ip saddr { 100.64.0.0/10, … } tcp
// dport { 80, 443 } ct state new counter accept".
func nftRule(t, table string) FilterRule {
	r := FilterRule{Target: "continue", Text: t}
	// Sets become comma lists without spaces, one field each.
	t = reNftSet.ReplaceAllStringFunc(t, func(s string) string {
		return strings.ReplaceAll(strings.Trim(s, "{} "), " ", "")
	})
	f := strings.Fields(t)
	for i := 0; i < len(f); i++ {
		next := func() string {
			if i+1 < len(f) {
				i++
				return f[i]
			}
			return ""
		}
		switch w := f[i]; w {
		case "ip", "ip6":
			switch next() {
			case "saddr":
				v := next()
				if v == "!=" {
					r.Unsure = true
					v = next()
				}
				r.Remote = appendRanges(&r, r.Remote, strings.Trim(v, ","))
			case "daddr":
				v := next()
				if v == "!=" {
					r.Unsure = true
					v = next()
				}
				r.Local = appendRanges(&r, r.Local, strings.Trim(v, ","))
			case "protocol", "nexthdr":
				r.Proto = next()
			default:
				r.Unsure = true
			}
		case "tcp", "udp":
			r.Proto = w
			switch next() {
			case "dport":
				v := next()
				if ps, ok := parsePortList(strings.Trim(v, ",")); ok {
					r.Ports = append(r.Ports, ps...)
				} else {
					r.Unsure = true
				}
			case "flags":
				next()
				if i+1 < len(f) && (f[i+1] == "==" || f[i+1] == "&") {
					r.Unsure = true
				}
			case "sport":
				next()
			}
		case "meta":
			if next() == "l4proto" {
				r.Proto = next()
			} else {
				r.Unsure = true
			}
		case "ct":
			if next() == "state" {
				if !strings.Contains(next(), "new") {
					r.NotNew = true
				}
			} else {
				r.Unsure = true
			}
		case "iif", "iifname":
			r.InIf = strings.Trim(next(), `"`)
			if strings.HasSuffix(r.InIf, "*") {
				r.InIf = strings.TrimSuffix(r.InIf, "*") + "+"
			}
		case "counter":
			if i+1 < len(f) && f[i+1] == "packets" {
				i += 4
			}
		case "accept":
			r.Target = "accept"
		case "drop", "reject":
			r.Target = "drop"
			i = len(f) // "reject with icmpx [type] admin-prohibited": the verdict ends the rule
		case "return":
			r.Target = "return"
		case "jump", "goto":
			r.Target = table + " " + next()
		case "log", "comment":
			for i+1 < len(f) && f[i+1] != "accept" && f[i+1] != "drop" && f[i+1] != "counter" {
				i++
			}
		default:
			r.Unsure = true
		}
	}
	if r.Proto == "6" {
		r.Proto = "tcp"
	}
	return r
}
