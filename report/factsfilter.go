package report

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Host facts about packet filters, HTTP.sys's listen list, the facts'
// own history (what the file shows changing) and whose host they are.

// reNftName is an nftables table or chain name safe in a shell command.
var reNftName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// hostFactsNote is the line at the top of an analysis that says whose
// facts were read: another host's are named and left out.
func hostFactsNote(r *analyze.Result, l Lang) string {
	u := r.HostFacts
	if u == nil || !u.OtherHost {
		return ""
	}
	fa, ch := addrTexts(u.FactAddrs), addrTexts(u.CaptureHosts)
	return l.tr(fmt.Sprintf("Host facts %s are of another host: their addresses (%s) include none of the capture host's (%s). They were not used: no finding or fix below rests on them.", printable(u.Source), orNone(fa, l), l.list(ch)),
		fmt.Sprintf("主机配置 %s 属于另一台主机：其中的地址（%s）都不是抓包主机的地址（%s）。这些配置未被采用：下面的结论和修复都不依据它们。", printable(u.Source), orNone(fa, l), l.list(ch)))
}

func addrTexts[T fmt.Stringer](as []T) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

// evidenceFilter says what a filter or listen-list fact shows.
func evidenceFilter(f *analyze.Finding, e *analyze.Evidence) (en, zh string, ok bool) {
	vip, port := f.Server.Addr(), f.Server.Port()
	fc := e.Fact
	switch e.Kind {
	case analyze.EvFactFilterDrops:
		only := strings.Join(fc.Ranges, ", ")
		en = fmt.Sprintf("%s (line %d, %s) drops new TCP connections to %s:%d from clients: %s", filterName(fc.Setting), fc.Line, printable(fc.Command), vip, port, printable(fc.Rule))
		zh = fmt.Sprintf("%s（第 %d 行，%s）丢弃客户端发往 %s:%d 的新 TCP 连接：%s", filterName(fc.Setting), fc.Line, printable(fc.Command), vip, port, printable(fc.Rule))
		if only != "" {
			en += fmt.Sprintf(", and admits them only from %s.", only)
			zh += fmt.Sprintf("，只放行来自 %s 的连接。", only)
		} else {
			en += ", and no rule admits them."
			zh += "，没有任何规则放行它们。"
		}
		return en, zh, true
	case analyze.EvFactHTTPListenOnly:
		ls := strings.Join(fc.Ranges, ", ")
		return fmt.Sprintf("HTTP.sys listens only on %s (netsh http show iplisten): nothing accepts TCP to %s:%d.", ls, vip, port),
			fmt.Sprintf("HTTP.sys 只监听 %s（见 netsh http show iplisten）：没有任何程序接收发往 %s:%d 的 TCP 连接。", ls, vip, port), true
	}
	return "", "", false
}

func filterName(kind string) string {
	switch kind {
	case "windows-firewall":
		return "Windows Firewall"
	case "nftables":
		return "nftables"
	case "ufw":
		return "ufw"
	case "firewalld":
		return "firewalld"
	}
	return "iptables"
}

// gapTextOS names a fact not read with the command for the host's OS.
func gapTextOS(g hostcheck.Gap, osName string, l Lang) (string, bool) {
	switch g.Fact {
	case analyze.GapFilterRules:
		if osName == "linux" {
			return l.tr("the firewall rules (iptables -S, or nft list ruleset)", "防火墙规则（iptables -S 或 nft list ruleset）"), true
		}
		return l.tr("the Windows Firewall rules (netsh advfirewall firewall show rule name=all verbose)", "Windows 防火墙规则（netsh advfirewall firewall show rule name=all verbose）"), true
	case analyze.GapFilterUnsure:
		cmd := "iptables -L INPUT -n -v --line-numbers"
		if osName == "windows" {
			cmd = "netsh advfirewall firewall show rule name=all verbose"
		}
		return l.tr("whether a firewall rule slbdiag cannot fully read drops the SYNs ("+cmd+" shows them)", "防火墙中是否有 slbdiag 无法完全解读的规则丢弃了这些 SYN（用 "+cmd+" 查看）"), true
	case analyze.GapIPListen:
		return l.tr("HTTP.sys's IP listen list (netsh http show iplisten)", "HTTP.sys 的 IP 监听列表（netsh http show iplisten）"), true
	}
	return "", false
}

// factsHistory lists, for doctor, the outputs read that held none of
// their usual facts, the filters read, and what the file shows changing.
func factsHistory(f *hostfacts.Facts, l Lang) []string {
	var out []string
	for _, n := range f.NoFacts {
		out = append(out, l.tr(fmt.Sprintf("%s (line %d): read, holds %s.", printable(n.Command), n.Line, printable(n.Lacks)),
			fmt.Sprintf("%s（第 %d 行）：已读取，但其中没有可用的配置：%s。", printable(n.Command), n.Line, printable(n.Lacks))))
	}
	for _, fl := range f.Filters {
		n := 0
		for _, rs := range fl.Chains {
			n += len(rs)
		}
		out = append(out, l.tr(fmt.Sprintf("%s (line %d, %s): %s read, inbound default %s.", filterName(fl.Kind), fl.Line, printable(fl.Command), count(n, "rule"), fl.Policy),
			fmt.Sprintf("%s（第 %d 行，%s）：读到 %d 条启用的规则，入站默认 %s。", filterName(fl.Kind), fl.Line, printable(fl.Command), n, fl.Policy)))
	}
	if f.IPListenRead {
		ls := addrTexts(f.IPListen)
		if len(ls) == 0 {
			out = append(out, l.tr("HTTP.sys IP listen list: empty (every address).", "HTTP.sys IP 监听列表：空（监听所有地址）。"))
		} else {
			out = append(out, l.tr("HTTP.sys IP listen list: only "+l.list(ls)+".", "HTTP.sys IP 监听列表：只有 "+l.list(ls)+"。"))
		}
	}
	for _, c := range f.Changes {
		ifc := printable(c.Iface)
		if c.Index > 0 && f.OS == "windows" {
			ifc = fmt.Sprintf("%d (%s)", c.Index, ifc)
		}
		out = append(out, l.tr(fmt.Sprintf("Changed in the file: %s of %s, %s (line %d) → %s (line %d, %s); the later one is used.", c.Setting, ifc, c.Before, c.WasLine, c.After, c.Line, printable(c.Command)),
			fmt.Sprintf("文件中有变化：%s 的 %s 从 %s（第 %d 行）变为 %s（第 %d 行，%s）；采用后者。", ifc, c.Setting, c.Before, c.WasLine, c.After, c.Line, printable(c.Command))))
	}
	return out
}

// factSteps are the numbered steps the facts point at, before the
// cause's usual ones: the filter rule that drops the clients with the
// command that shows its counters and one that admits them, the
// listener to add, and the facts still to read.
func factSteps(f *analyze.Finding, osName string, l Lang) []Step {
	port, vip := f.Server.Port(), f.Server.Addr()
	var steps []Step
	for _, e := range f.Evidence {
		if e.Fact == nil {
			continue
		}
		switch e.Kind {
		case analyze.EvFactFilterDrops:
			steps = append(steps, filterStep(e.Fact, f, l))
		case analyze.EvFactNoListener:
			if osName == "linux" {
				steps = append(steps, Step{Text: l.tr(fmt.Sprintf("Nothing listens on %s:%d (host facts): make the service listen on 0.0.0.0:%d or %s:%d (nginx: listen %d;), then check.", vip, port, port, vip, port, port),
					fmt.Sprintf("%s:%d 上没有监听（主机配置）：让服务监听 0.0.0.0:%d 或 %s:%d（nginx：listen %d;），然后检查。", vip, port, port, vip, port, port)),
					Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", port)}})
			}
		case analyze.EvFactHTTPListenOnly:
			steps = append(steps, Step{Text: l.tr("HTTP.sys listens only on the addresses of its IP listen list (host facts): add the VIP to it.", "HTTP.sys 只监听其 IP 监听列表中的地址（主机配置）：把 VIP 加进去。"),
				Commands: []string{fmt.Sprintf("netsh http add iplisten ipaddress=%s", vip), "netsh http show iplisten"}})
		case analyze.EvFactNotRead:
			g := analyze.GapFact(e.Fact.Setting)
			if g != analyze.GapFilterRules && g != analyze.GapFilterUnsure {
				continue
			}
			cmds := []string{"iptables -L INPUT -n -v --line-numbers", "nft list ruleset"}
			if osName == "windows" {
				cmds = []string{"netsh advfirewall firewall show rule name=all verbose", "netsh advfirewall show allprofiles"}
			}
			steps = append(steps, Step{Text: l.tr(fmt.Sprintf("The firewall was not read and may drop the SYNs to port %d: look at its rules and drop counters (or add these outputs to the host facts).", port),
				fmt.Sprintf("没有读到防火墙规则，它可能丢弃了发往端口 %d 的 SYN：查看规则及其丢弃计数（或把这些输出加入主机配置）。", port)), Commands: cmds})
		}
	}
	return steps
}

// filterStep is the step for a filter that drops the clients.
func filterStep(fc *analyze.Fact, f *analyze.Finding, l Lang) Step {
	port := f.Server.Port()
	var show, admit string
	switch fc.Setting {
	case "windows-firewall":
		show = `netsh advfirewall firewall show rule name=all dir=in verbose | findstr /c:"Rule Name" /c:"LocalPort" /c:"RemoteIP"`
		admit = fmt.Sprintf("New-NetFirewallRule -DisplayName \"HTTPS from clients\" -Direction Inbound -Protocol TCP -LocalPort %d -RemoteAddress Any -Action Allow", port)
	case "nftables":
		show = "nft -a list ruleset"
		// The chain's name comes from the customer's file: it goes into
		// the command only when every word of it is safe there.
		chain := fc.Value
		if f := strings.Fields(chain); len(f) != 3 || !slices.ContainsFunc([]string{"ip", "inet"}, func(s string) bool { return s == f[0] }) || !reNftName.MatchString(f[1]) || !reNftName.MatchString(f[2]) {
			chain = "inet filter input"
		}
		admit = fmt.Sprintf("nft insert rule %s tcp dport %d accept", chain, port)
	case "firewalld":
		show = "firewall-cmd --list-all"
		admit = "firewall-cmd --permanent --add-service=https && firewall-cmd --reload"
		if port != 443 {
			admit = fmt.Sprintf("firewall-cmd --permanent --add-port=%d/tcp && firewall-cmd --reload", port)
		}
	case "ufw":
		show = "ufw status verbose"
		admit = fmt.Sprintf("ufw allow %d/tcp", port)
	default:
		show = "iptables -L INPUT -n -v --line-numbers"
		admit = fmt.Sprintf("iptables -I INPUT -p tcp --dport %d -j ACCEPT", port)
	}
	only := l.tr("no rule admits them", "没有规则放行它们")
	if len(fc.Ranges) > 0 {
		only = l.tr("it admits only "+strings.Join(fc.Ranges, ", "), "只放行 "+strings.Join(fc.Ranges, "、"))
	}
	return Step{Text: l.tr(fmt.Sprintf("%s (host facts, line %d) drops clients' SYNs to port %d: %s; %s. See its counters, then admit the clients (and persist the rule).", filterName(fc.Setting), fc.Line, port, printable(fc.Rule), only),
		fmt.Sprintf("%s（主机配置第 %d 行）丢弃客户端发往端口 %d 的 SYN：%s；%s。先查看计数，再放行客户端（并使规则持久化）。", filterName(fc.Setting), fc.Line, port, printable(fc.Rule), only)),
		Commands: []string{show, admit}}
}

// doneStep lists the steps of the usual fix the facts show in place, with
// the fact that shows each; nil when none.
func doneStep(h *analyze.HostConfig, cause analyze.Cause, l Lang) *Step {
	d := h.Done
	var en, zh []string
	add := func(e, z string) { en, zh = append(en, e), append(zh, z) }
	lb := ifaceText(h.Loopback, h.OS, l)
	if h.OS == "linux" {
		if d.VIPOnLoopback {
			add("the VIP is on lo (ip addr)", "VIP 已配置在 lo 上（ip addr）")
		}
	} else {
		if d.VIPOnLoopback {
			add("the VIP is on the loopback adapter "+lb+" (ipconfig)", "VIP 已配置在环回适配器"+zhPad(lb)+"上（ipconfig）")
		}
		if d.NICWeakReceive && len(h.NICs) > 0 {
			n := ifaceText(h.NICs[0], h.OS, l)
			add("weakhostreceive is enabled on "+n, zhPad(n)+"已启用 weakhostreceive")
		}
		if d.LoopbackWeakHost {
			add("weakhostreceive and weakhostsend are enabled on "+lb, zhPad(lb)+"已启用 weakhostreceive 和 weakhostsend")
		}
		if d.SiteBinding && cause != analyze.NoListenerOnVIP {
			add("an IIS site takes the VIP's port (appcmd list site)", "已有 IIS 站点接收 VIP 的端口（appcmd list site）")
		}
		if d.Certificate {
			add("HTTP.sys has a certificate for the VIP (netsh http show sslcert)", "HTTP.sys 已有适用于 VIP 的证书（netsh http show sslcert）")
		}
	}
	if len(en) == 0 {
		return nil
	}
	return &Step{Text: l.tr("Already done, as the host facts show: "+strings.Join(en, "; ")+".", "主机配置表明以下步骤已完成："+strings.Join(zh, "；")+"。")}
}

// withFactSteps puts the steps the facts point at first and the done
// list last, numbering them with the rest.
func withFactSteps(fx Fix, f *analyze.Finding, l Lang) Fix {
	first := factSteps(f, fx.Platform, l)
	steps := slices.Concat(first, fx.Steps)
	if st := doneStep(f.Host, f.Cause, l); st != nil && fx.Platform == f.Host.OS {
		steps = append(steps, *st)
	}
	fx.Steps = steps
	return fx
}

// headlineRecaused is the headline of a finding whose cause the host's
// facts named after ruling out the host model: the SYNs were dropped in
// silence, and the facts say by what.
func headlineRecaused(f *analyze.Finding, l Lang) (string, bool) {
	if f.Host == nil || slices.ContainsFunc(f.Evidence, func(e analyze.Evidence) bool { return e.Kind == analyze.EvRefused }) {
		return "", false
	}
	n := l.tr(fmt.Sprintf("%s in %s to %s were never answered, and the host's facts show it accepts the VIP (the host model is not the cause)", count(f.Syns, "SYN"), count(f.Attempts, "attempt"), f.Server),
		fmt.Sprintf("发往 %s 的 %d 个连接尝试（%d 个 SYN）始终没有应答，而主机配置表明它接收该 VIP（原因不在主机模型）", f.Server, f.Attempts, f.Syns))
	if f.Syns == 0 {
		return "", false // doctor: no capture, its own prediction says it
	}
	switch {
	case f.Cause == analyze.WeakHostSend && hasFact(f, analyze.EvFactWeakSendOff):
		lb := ifaceText(f.Host.VIPOn, f.Host.OS, l)
		return l.tr(fmt.Sprintf("%s in %s to %s were never answered: the host's facts show it accepts the VIP, but weakhostsend is disabled on %s, which holds it, so the replies cannot leave from the VIP (host facts below).", count(f.Syns, "SYN"), count(f.Attempts, "attempt"), f.Server, lb),
			fmt.Sprintf("发往 %s 的 %d 个连接尝试（%d 个 SYN）始终没有应答：主机配置表明它接收该 VIP，但持有 VIP 的%s的 weakhostsend 为 disabled，应答无法以 VIP 为源地址发出（见下方主机配置）。", f.Server, f.Attempts, f.Syns, zhPad(lb))), true
	case f.Cause == analyze.ClientsFiltered && hasFact(f, analyze.EvFactFilterDrops):
		return n + l.tr(": its firewall drops the clients' SYNs (host facts below).", "：其防火墙丢弃了客户端的 SYN（见下方主机配置）。"), true
	case f.Cause == analyze.NoListenerOnVIP && (hasFact(f, analyze.EvFactNoListener) || hasFact(f, analyze.EvFactNoSiteBinding) || hasFact(f, analyze.EvFactHTTPListenOnly)):
		if hasFact(f, analyze.EvFactNotRead) {
			return n + l.tr(", and nothing listens on the VIP; these two remain: the firewall (not read), which would explain the silence, and the missing listener (host facts below).",
				"，而且 VIP 上没有监听；还剩两个可能：防火墙（未读到，能解释为何没有任何应答）和缺少的监听（见下方主机配置）。"), true
		}
		return n + l.tr(", its firewall admits them, and nothing listens on the VIP (host facts below).", "，防火墙放行了它们，但 VIP 上没有监听（见下方主机配置）。"), true
	}
	return "", false
}
