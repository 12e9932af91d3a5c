package report

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Host facts in a report: the evidence read from the host's configuration,
// the fix with the host's real interface indexes and names, and the
// headline of a finding the configuration contradicts.

// ifaceText names an interface as the host's tools do: "interface 12
// (Ethernet)" on Windows, where netsh takes the index, and "eth0" on Linux,
// where names are what people use.
func ifaceText(h analyze.HostIface, osName string, l Lang) string {
	h.Name = printable(h.Name)
	switch {
	case osName == "linux" && h.Name != "":
		return printable(h.Name)
	case h.Index > 0 && h.Name != "":
		return l.tr(fmt.Sprintf("interface %d (%s)", h.Index, printable(h.Name)), fmt.Sprintf("接口 %d（%s）", h.Index, printable(h.Name)))
	case h.Name != "":
		return printable(h.Name)
	case h.Index > 0:
		return l.tr(fmt.Sprintf("interface %d", h.Index), fmt.Sprintf("接口 %d", h.Index))
	}
	return l.tr("the interface", "该接口")
}

// hostOS is the OS the host's facts came from, or "".
func hostOS(f *analyze.Finding) string {
	if f.Host == nil {
		return ""
	}
	return f.Host.OS
}

// zhPad spaces an interface name off the Chinese around it where its edge
// is Latin or a digit ("在 eth0 上"), and not where it is Chinese or a
// full-width bracket ("在接口 14（环回）上").
func zhPad(s string) string {
	ascii := func(b byte) bool { return b < 0x80 && b != ' ' }
	if s != "" && ascii(s[0]) {
		s = " " + s
	}
	if s != "" && ascii(s[len(s)-1]) {
		s += " "
	}
	return s
}

// evidenceFact says what one piece of host-fact evidence shows.
func evidenceFact(f *analyze.Finding, e *analyze.Evidence, l Lang) (string, bool) {
	if e.Fact == nil {
		return "", false
	}
	vip, port := f.Server.Addr(), f.Server.Port()
	ifc := ifaceText(e.Fact.Iface, hostOS(f), l)
	zhIfc := zhPad(ifc)
	linux := hostOS(f) == "linux"
	if own := textsFor(f.Cause).fact; own != nil {
		if en, zh, ok := own(f, e, l); ok {
			return l.tr("Host facts: "+en, "主机配置："+zh), true
		}
	}
	var en, zh string
	switch e.Kind {
	case analyze.EvFactVIPNowhere:
		en, zh = fmt.Sprintf("%s is an address of no interface of the host: under the strong host model no interface accepts packets to it.", vip),
			fmt.Sprintf("%s 不是本机任何接口的地址：在强主机模型下，没有哪个接口会接收发往它的包。", vip)
		if linux {
			en, zh = fmt.Sprintf("%s is on no interface, not even lo: the kernel drops packets to it as not local.", vip),
				fmt.Sprintf("%s 不在任何接口上（lo 上也没有）：内核把发往它的包当作非本机的包丢弃。", vip)
		}
	case analyze.EvFactWeakRecvOff:
		en, zh = fmt.Sprintf("weakhostreceive is disabled on %s, the NIC the SYNs arrive on: it accepts only packets to its own addresses.", ifc),
			fmt.Sprintf("SYN 进入的网卡%s的 weakhostreceive 为 disabled：它只接收发往自身地址的包。", zhIfc)
	case analyze.EvFactWeakSendOff:
		en, zh = fmt.Sprintf("weakhostsend is disabled on the loopback adapter, %s: replies from the VIP cannot leave through the NIC.", ifc),
			fmt.Sprintf("环回适配器%s的 weakhostsend 为 disabled：以 VIP 为源地址的应答无法经网卡发出。", zhIfc)
	case analyze.EvFactVIPOnLoopback:
		en, zh = fmt.Sprintf("%s is on the loopback adapter, %s.", vip, ifc), fmt.Sprintf("%s 已配置在环回适配器%s上。", vip, zhIfc)
		if linux {
			en, zh = fmt.Sprintf("%s is on %s: Linux accepts packets to it on any interface.", vip, ifc),
				fmt.Sprintf("%s 已配置在%s上：Linux 在任何接口上都接收发往它的包。", vip, zhIfc)
		}
	case analyze.EvFactVIPOnNIC:
		en, zh = fmt.Sprintf("%s is an address of %s, the interface the SYNs arrive on: the host model accepts them.", vip, ifc),
			fmt.Sprintf("%s 就是 SYN 进入的%s的地址：主机模型会接收这些 SYN。", vip, zhIfc)
	case analyze.EvFactVIPOnOther:
		en, zh = fmt.Sprintf("%s is an address of %s, not of the interface the SYNs arrive on.", vip, ifc),
			fmt.Sprintf("%s 是%s的地址，而不是 SYN 进入的那个接口的地址。", vip, zhIfc)
	case analyze.EvFactHostModelReady:
		nic := l.tr("the NIC", "网卡")
		if f.Host != nil && !f.Host.NIC.IsZero() {
			nic = ifaceText(f.Host.NIC, f.Host.OS, l)
		}
		en, zh = fmt.Sprintf("The weak host model is set up for the VIP: weakhostreceive is enabled on %s and weakhostsend on the loopback adapter, %s. The host model is not what drops these SYNs: look at Windows Firewall and the bindings.", nic, ifc),
			fmt.Sprintf("已为 VIP 配好弱主机模型：%s已启用 weakhostreceive，环回适配器%s已启用 weakhostsend。丢弃这些 SYN 的不是主机模型，请检查 Windows 防火墙和绑定。", zhPad(nic), zhIfc)
	case analyze.EvFactNoSiteBinding:
		en, zh = fmt.Sprintf("No IIS site is bound to %s:%d or to All Unassigned (*:%d) (appcmd list site).", vip, port, port),
			fmt.Sprintf("没有任何 IIS 站点绑定到 %s:%d 或“全部未分配”（*:%d）（见 appcmd list site）。", vip, port, port)
	case analyze.EvFactNoCertificate:
		en, zh = fmt.Sprintf("HTTP.sys has no certificate bound to %s:%d or 0.0.0.0:%d (netsh http show sslcert): only clients that send a server name bound by hostname (SNI) can complete TLS.", vip, port, port),
			fmt.Sprintf("HTTP.sys 中没有绑定到 %s:%d 或 0.0.0.0:%d 的证书（见 netsh http show sslcert）：只有发送了按主机名（SNI）绑定的服务器名称的客户端才能完成 TLS 握手。", vip, port, port)
	case analyze.EvFactFirewallOn:
		en, zh = fmt.Sprintf("Windows Firewall is on in the %s profile: it must admit TCP %d to %s (a loopback adapter often lands in the Public profile).", e.Fact.Value, port, vip),
			fmt.Sprintf("Windows 防火墙的“%s”配置文件处于启用状态：它必须放行发往 %s 的 TCP %d（环回适配器经常被归入“公用”配置文件）。", e.Fact.Value, vip, port)
	case analyze.EvFactARPIgnore:
		en, zh = fmt.Sprintf("arp_ignore is 0 on %s (the larger of all and the interface's own): Linux answers ARP there for any of its addresses, the VIP on lo included.", sysctlScope(e.Fact.Iface, l)),
			fmt.Sprintf("%s生效的 arp_ignore 为 0（取 all 与该接口自身设置中较大的值）：Linux 会在该接口上为本机的任何地址应答 ARP，包括 lo 上的 VIP。", sysctlScope(e.Fact.Iface, l))
	case analyze.EvFactARPAnnounce:
		en, zh = fmt.Sprintf("arp_announce is %s on %s: ARP requests the host sends may carry the VIP as their source address, announcing it.", e.Fact.Value, sysctlScope(e.Fact.Iface, l)),
			fmt.Sprintf("%s生效的 arp_announce 为 %s：主机发出的 ARP 请求可能以 VIP 作为源地址，等于对外通告了 VIP。", sysctlScope(e.Fact.Iface, l), e.Fact.Value)
	case analyze.EvFactNoListener:
		var ls []string
		for _, a := range e.Fact.Listeners {
			ls = append(ls, hostfacts.ListenerString(a))
		}
		en, zh = fmt.Sprintf("No socket listens on %s:%d or on all addresses; nothing listens on port %d at all.", vip, port, port),
			fmt.Sprintf("没有套接字监听 %s:%d 或所有地址；端口 %d 上根本没有监听。", vip, port, port)
		if len(ls) > 0 {
			en, zh = fmt.Sprintf("No socket listens on %s:%d or on all addresses; port %d is bound to %s only.", vip, port, port, strings.Join(ls, ", ")),
				fmt.Sprintf("没有套接字监听 %s:%d 或所有地址；端口 %d 只绑定在 %s 上。", vip, port, port, strings.Join(ls, "、"))
		}
	case analyze.EvFactFilterDrops, analyze.EvFactHTTPListenOnly:
		en, zh, _ = evidenceFilter(f, e)
	case analyze.EvFactNotRead:
		g := gapText(hostcheck.Gap{Fact: analyze.GapFact(e.Fact.Setting), Iface: e.Fact.Iface}, l)
		if s, ok := gapTextOS(hostcheck.Gap{Fact: analyze.GapFact(e.Fact.Setting)}, hostOS(f), l); ok {
			g = s
		}
		en, zh = "not read, so the facts can neither confirm nor rule out this cause: "+g+".", "未读到，因此主机配置既不能证实也不能排除这一原因："+g+"。"
	default:
		return "", false
	}
	return l.tr("Host facts: "+en, "主机配置："+zh), true
}

// sysctlScope is where a sysctl took effect: "b0", or "net.ipv4.conf.all"
// when the interface is not known. The Chinese form ends with "上" so it
// reads as a place.
func sysctlScope(h analyze.HostIface, l Lang) string {
	if h.IsZero() {
		return l.tr("net.ipv4.conf.all", "net.ipv4.conf.all 中")
	}
	return l.tr(printable(h.Name), printable(h.Name)+" 上")
}

// hasFact reports whether f carries host-fact evidence of kind k.
func hasFact(f *analyze.Finding, k analyze.EvidenceKind) bool {
	return slices.ContainsFunc(f.Evidence, func(e analyze.Evidence) bool { return e.Kind == k && e.Fact != nil })
}

// fixesFact adjusts the fixes to what the host's configuration says: the
// real interface indexes, names and site in the commands, the facts'
// platform first, and the steps the facts show done left out.
func fixesFact(f *analyze.Finding, win, lin Fix, l Lang) ([]Fix, bool) {
	h := f.Host
	if h == nil {
		return nil, false
	}
	win = skipDone(win, h, textsFor(f.Cause).hostModelFix, l)
	lin = skipDoneLinux(f, lin)
	win = fillInterfaces(win, h, l)
	win, lin = withFactSteps(win, f, l), withFactSteps(lin, f, l)
	if h.OS == "linux" {
		return []Fix{lin, win}, true
	}
	return []Fix{win, lin}, true
}

// skipDone leaves out of a Windows fix the commands whose effect the
// facts show in place, and the steps left with nothing to do.
func skipDone(fx Fix, h *analyze.HostConfig, hostModel bool, l Lang) Fix {
	d := h.Done
	indexes := !h.Loopback.IsZero() && len(h.NICs) > 0 && h.NICs[0].Index > 0
	done := func(c string) bool {
		lc := strings.ToLower(c)
		switch {
		case strings.Contains(c, "hdwwiz") || strings.Contains(lc, "add address") || strings.Contains(c, "New-NetIPAddress"):
			return d.VIPOnLoopback
		case strings.Contains(c, phNIC) && strings.Contains(lc, "weakhost"):
			return d.NICWeakReceive
		case strings.Contains(c, phLoopback) && strings.Contains(lc, "weakhost"):
			return d.LoopbackWeakHost
		case strings.Contains(lc, "show interfaces"):
			return indexes || (d.NICWeakReceive && d.LoopbackWeakHost)
		case strings.Contains(c, "New-WebBinding"):
			return d.SiteBinding
		case strings.Contains(lc, "add sslcert"):
			return d.Certificate
		case strings.Contains(lc, "show sslcert"):
			return d.Certificate && d.SiteBinding
		case strings.Contains(c, "New-NetFirewallRule"):
			return d.FirewallOff
		}
		return false
	}
	var steps []Step
	skipped := false
	for _, st := range fx.Steps {
		if len(st.Commands) == 0 {
			steps = append(steps, st)
			continue
		}
		var cmds []string
		for _, c := range st.Commands {
			if done(c) {
				skipped = true
			} else {
				cmds = append(cmds, c)
			}
		}
		if len(cmds) > 0 {
			steps = append(steps, Step{Text: st.Text, Commands: cmds})
		}
	}
	switch {
	case hostModel && d.VIPOnLoopback && d.NICWeakReceive && d.LoopbackWeakHost:
		fx.Title = l.tr("Windows: the weak host model is set up; bind the VIP and admit it in Windows Firewall",
			"Windows——弱主机模型已配好；还需绑定 VIP，并在 Windows 防火墙中放行")
	case skipped:
		fx.Title += l.tr(" (the steps the host's configuration shows done are listed last, as done)", "（主机配置表明已完成的步骤列在最后）")
	}
	fx.Steps = steps
	return fx
}

// skipDoneLinux leaves out removing the VIP from a NIC when it is on lo
// only.
func skipDoneLinux(f *analyze.Finding, fx Fix) Fix {
	if !f.Host.Done.VIPOnlyOnLoopback {
		return fx
	}
	steps := make([]Step, 0, len(fx.Steps))
	for _, st := range fx.Steps {
		var cmds []string
		for _, c := range st.Commands {
			if !strings.HasPrefix(c, "ip addr del ") {
				cmds = append(cmds, c)
			}
		}
		if len(st.Commands) > 0 && len(cmds) == 0 {
			continue
		}
		st.Commands = cmds
		steps = append(steps, st)
	}
	fx.Steps = steps
	return fx
}

// fillInterfaces replaces the placeholders with the host's own interfaces
// and site. A command that takes the NIC is repeated for each candidate
// when the facts could not tell which one the SYNs arrive on. Names go
// into commands only when they are safe there.
func fillInterfaces(fx Fix, h *analyze.HostConfig, l Lang) Fix {
	var pairs, named []string
	nics := h.NICs
	if len(nics) > 0 && nics[0].Index > 0 {
		var ns []string
		for _, n := range nics {
			ns = append(ns, ifaceText(n, h.OS, l))
		}
		if len(nics) == 1 {
			named = append(named, l.tr("the SYNs arrive on "+ns[0], "SYN 从"+ns[0]+"进入"))
		} else {
			named = append(named, l.tr("the SYNs may arrive on any of "+l.list(ns), "SYN 可能从"+l.list(ns)+"中任一接口进入"))
		}
	}
	if h.Loopback.Index > 0 {
		pairs = append(pairs, phLoopback, strconv.Itoa(h.Loopback.Index))
		named = append(named, l.tr("the loopback adapter is "+ifaceText(h.Loopback, h.OS, l), "环回适配器是"+ifaceText(h.Loopback, h.OS, l)))
	}
	if commandIfaceName(h.Loopback.Name) {
		pairs = append(pairs, phLoopName, h.Loopback.Name)
	}
	if !h.VIPOn.IsZero() && !h.Done.VIPOnlyOnLoopback && commandIfaceName(h.VIPOn.Name) {
		pairs = append(pairs, "<NIC-NAME>", h.VIPOn.Name) // the network adapter that holds the VIP and answers ARP for it
	}
	if commandIfaceName(h.Site) {
		pairs = append(pairs, fmt.Sprintf("%q", phSite), psQuote(h.Site))
	}
	if len(pairs) == 0 && len(named) == 0 {
		return fx
	}
	r := strings.NewReplacer(pairs...)
	steps := make([]Step, 0, len(fx.Steps)+1)
	if len(named) > 0 {
		steps = append(steps, Step{Text: l.tr(fmt.Sprintf("The host's configuration (%s) names the interfaces: %s. The commands below use them.", printable(h.Source), strings.Join(named, "; ")),
			fmt.Sprintf("主机配置（%s）已指明接口：%s。下面的命令已代入这些接口。", printable(h.Source), strings.Join(named, "；")))})
	}
	for _, s := range fx.Steps {
		var cmds []string
		for _, c := range s.Commands {
			c = r.Replace(c)
			if !strings.Contains(c, phNIC) || len(nics) == 0 || nics[0].Index == 0 {
				cmds = append(cmds, c)
				continue
			}
			for _, n := range nics {
				cmds = append(cmds, strings.ReplaceAll(c, phNIC, strconv.Itoa(n.Index)))
			}
		}
		steps = append(steps, Step{Text: s.Text, Commands: cmds})
	}
	fx.Steps = steps
	return fx
}

// addrs joins addresses for a sentence.
func addrs(as []netip.Prefix) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
