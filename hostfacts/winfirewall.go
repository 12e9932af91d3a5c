package hostfacts

import (
	"fmt"
	"strings"
)

// Labels of `netsh advfirewall firewall show rule`, English and Chinese.
var (
	lblRuleName   = []string{"Rule Name", "规则名称"}
	lblEnabled    = []string{"Enabled", "已启用"}
	lblDirection  = []string{"Direction", "方向"}
	lblProfiles   = []string{"Profiles", "配置文件"}
	lblLocalIP    = []string{"LocalIP", "本地 IP"}
	lblRemoteIP   = []string{"RemoteIP", "远程 IP"}
	lblProtocol   = []string{"Protocol", "协议"}
	lblLocalPort  = []string{"LocalPort", "本地端口"}
	lblProgram    = []string{"Program", "程序"}
	lblIfTypes    = []string{"InterfaceTypes", "接口类型"}
	lblAction     = []string{"Action", "操作"}
	lblEdge       = []string{"Edge traversal", "边缘遍历"}
	valAny        = []string{"Any", "任何"}
	valIn         = []string{"In", "入"}
	valAllow      = []string{"Allow", "允许"}
	valBlock      = []string{"Block", "阻止"}
	valAllProfile = []string{"Domain,Private,Public", "域,专用,公用"}
)

// ParseFirewallRules reads `netsh advfirewall firewall show rule name=all`
// (with or without verbose): one block per rule, from "Rule Name:"
// (规则名称:), with "Label: value" lines. It keeps the inbound rules;
// a rule that names a program, a service other than System, or
// interface types, or holds only some profiles, may or may not apply to
// the SYNs and is marked Unsure.
func ParseFirewallRules(text string) (*Filter, error) {
	fl := &Filter{Kind: "windows-firewall", Policy: "drop", Chains: map[string][]FilterRule{}}
	var cur *winRule
	n := 0
	flush := func() {
		if cur != nil && cur.in {
			if r, ok := cur.rule(); ok {
				fl.Chains[""] = append(fl.Chains[""], r)
			}
		}
		cur = nil
	}
	for _, l := range lines(text) {
		label, value, ok := splitKV(l)
		if !ok {
			continue
		}
		switch {
		case oneOf(label, lblRuleName):
			flush()
			n++
			cur = &winRule{name: value, enabled: true}
		case cur == nil:
		case oneOf(label, lblEnabled):
			cur.enabled = setting(value) == Enabled
		case oneOf(label, lblDirection):
			cur.in = oneOf(value, valIn)
		case oneOf(label, lblProfiles):
			cur.someProfiles = !oneOf(value, valAny) && !oneOf(strings.ReplaceAll(value, " ", ""), valAllProfile)
		case oneOf(label, lblLocalIP):
			cur.local = value
		case oneOf(label, lblRemoteIP):
			cur.remote = value
		case oneOf(label, lblProtocol):
			cur.proto = strings.ToLower(value)
		case oneOf(label, lblLocalPort):
			cur.port = value
		case oneOf(label, lblProgram):
			cur.program = !oneOf(value, valAny) && !strings.EqualFold(value, "System")
		case oneOf(label, lblIfTypes):
			cur.ifTypes = !oneOf(value, valAny)
		case oneOf(label, lblAction):
			cur.action = value
		case oneOf(label, lblEdge):
		}
	}
	flush()
	if n == 0 {
		return nil, fmt.Errorf("netsh advfirewall firewall show rule: no Rule Name: %w", ErrFormat)
	}
	return fl, nil
}

type winRule struct {
	name, local, remote, proto, port, action    string
	enabled, in, someProfiles, program, ifTypes bool
}

// rule is the block as a FilterRule; disabled rules match nothing and
// are left out.
func (w *winRule) rule() (FilterRule, bool) {
	if !w.enabled {
		return FilterRule{}, false
	}
	r := FilterRule{Text: w.name, Unsure: w.someProfiles || w.program || w.ifTypes}
	switch {
	case oneOf(w.action, valAllow):
		r.Target = "accept"
	case oneOf(w.action, valBlock) && w.program:
		// A block rule for one program's sockets: not HTTP.sys's (System),
		// which serves IIS.
		return FilterRule{}, false
	case oneOf(w.action, valBlock):
		r.Target = "drop"
	default:
		return FilterRule{}, false // Bypass: IPsec-authenticated only
	}
	switch {
	case w.proto == "" || oneOf(w.proto, valAny):
	case w.proto == "tcp" || w.proto == "6":
		r.Proto = "tcp"
	default:
		r.Proto = w.proto
	}
	if w.port != "" && !oneOf(w.port, valAny) {
		ps, ok := parsePortList(w.port)
		if !ok {
			r.Unsure = true // RPC, IPHTTPS and other keywords
		}
		r.Ports = ps
		if !ok && len(ps) == 0 {
			r.Ports = []PortRange{{0, 0}}
		}
	}
	r.Remote = winAddrs(&r, w.remote)
	r.Local = winAddrs(&r, w.local)
	return r, true
}

// winAddrs reads RemoteIP or LocalIP: Any, a list of addresses, prefixes
// ("100.64.0.0/10" or "/255.192.0.0") and ranges; keywords (LocalSubnet,
// DefaultGateway…) make the rule Unsure.
func winAddrs(r *FilterRule, v string) []AddrRange {
	if v == "" || oneOf(v, valAny) {
		return nil
	}
	var out []AddrRange
	for _, s := range strings.Split(v, ",") {
		if ar, ok := parseAddrRange(s); ok {
			out = append(out, ar)
		} else {
			r.Unsure = true
		}
	}
	return out
}

// ParseNetFirewallRule reads `Get-NetFirewallRule` piped to a table or
// list that adds the rules' port and address filters as properties
// (LocalPort, RemoteAddress, Protocol: the usual
// `@{Name='LocalPort';Expression={($PSItem | Get-NetFirewallPortFilter).LocalPort}}`).
// Without them, as in the cmdlet's own view, it holds no filter: ok is
// false. A value PowerShell cut with "..." makes the rule Unsure.
func ParseNetFirewallRule(text string) (fl *Filter, ok bool) {
	fl = &Filter{Kind: "windows-firewall", Policy: "drop", Chains: map[string][]FilterRule{}}
	for _, o := range parsePSObjects(text) {
		port, hasPort := o["LocalPort"]
		if !hasPort || o.get("Direction") != "Inbound" {
			continue
		}
		ok = true
		if o.get("Enabled") != "True" {
			continue
		}
		r := FilterRule{Text: o.get("DisplayName", "Name")}
		switch o.get("Action") {
		case "Allow":
			r.Target = "accept"
		case "Block":
			r.Target = "drop"
		default:
			continue
		}
		for _, v := range o {
			r.Unsure = r.Unsure || strings.HasSuffix(v, "...") || strings.HasSuffix(v, "…")
		}
		if p := o.get("Profile"); p != "" && p != "Any" && strings.ReplaceAll(p, " ", "") != "Domain,Private,Public" {
			r.Unsure = true
		}
		switch proto := strings.ToLower(o.get("Protocol")); proto {
		case "", "any":
		case "tcp", "6":
			r.Proto = "tcp"
		default:
			r.Proto = proto
		}
		if port = psList(port); port != "Any" && port != "" {
			ps, pok := parsePortList(port)
			if !pok {
				r.Unsure, ps = true, nil
			}
			r.Ports = ps
		}
		r.Remote = winAddrs(&r, psList(o.get("RemoteAddress")))
		r.Local = winAddrs(&r, psList(o.get("LocalAddress")))
		fl.Chains[""] = append(fl.Chains[""], r)
	}
	return fl, ok
}

// psList turns PowerShell's "{80, 443}" into "80,443".
func psList(v string) string {
	return strings.ReplaceAll(strings.Trim(strings.TrimSpace(v), "{}"), " ", "")
}
