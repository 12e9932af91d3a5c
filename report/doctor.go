package report

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Checkup is what `slbdiag doctor` found on a host: its facts and what
// they predict for SYNs to the VIP, before any capture.
type Checkup struct {
	VIP   netip.AddrPort
	Facts *hostfacts.Facts
	Check hostcheck.Verdict // from hostcheck.Check
}

// Verdicts of a checkup.
const (
	VerdictOK      = "OK"
	VerdictProblem = "PROBLEM"
	VerdictUnknown = "UNKNOWN" // the facts read cannot tell whether the host accepts the VIP
)

// Verdict is the checkup's verdict: VerdictOK, VerdictProblem or
// VerdictUnknown.
func (c *Checkup) Verdict() string {
	switch {
	case len(c.Check.Findings) > 0:
		return VerdictProblem
	case c.Check.Unknown:
		return VerdictUnknown
	}
	return VerdictOK
}

// Worst is the verdict of several checkups of one host, one per port:
// a problem at any port, else unknown at any, else OK.
func Worst(cs []*Checkup) string {
	v := VerdictOK
	for _, c := range cs {
		switch c.Verdict() {
		case VerdictProblem:
			return VerdictProblem
		case VerdictUnknown:
			v = VerdictUnknown
		}
	}
	return v
}

// DoctorReport is what `slbdiag doctor` writes: the checkups of one host,
// one per port of the VIP.
type DoctorReport struct {
	Checkups []*Checkup
}

// DoctorRenderer writes a doctor report in one format, as Renderer does
// an analysis: the same report and options always give the same bytes.
type DoctorRenderer func(io.Writer, *DoctorReport, Options) error

// DoctorText writes the checkups for a terminal: for each, the verdict
// first, the host's facts, then each predicted finding with its evidence
// and fix; with several ports, each under its VIP:port. Unsafe characters
// are escaped.
func DoctorText(w io.Writer, d *DoctorReport, o Options) error {
	sw := newSafeWriter(w)
	bw := bufio.NewWriter(sw)
	for i, c := range d.Checkups {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		if len(d.Checkups) > 1 {
			fmt.Fprintf(bw, "=== %s ===\n", c.VIP)
		}
		doctorText(bw, newDoctorView(c, o.Lang), o.Lang)
	}
	err := bw.Flush()
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return err
}

// DoctorJSON writes the checkups for automation (see doctorJSON).
func DoctorJSON(w io.Writer, d *DoctorReport, o Options) error {
	return doctorJSON(w, d.Checkups, o.Lang)
}

// doctorView is one checkup as every format shows it: the same sentences
// in the same order, formatted by each renderer.
type doctorView struct {
	VIP          string
	Verdict      string // VerdictOK, VerdictProblem or VerdictUnknown
	VerdictLabel string // in the report's language
	VerdictText  string
	Confidence   string
	FactsHeader  string
	Facts        []string // the facts that bear on the VIP, then the receiving NIC
	Findings     []doctorFinding
}

type doctorFinding struct {
	Heading    string // "Finding 1: cause (confidence high)"
	Prediction string
	Evidence   []string
	Fix        *Fix // for the host's own platform; nil if none
}

func newDoctorView(c *Checkup, l Lang) doctorView {
	v := doctorView{VIP: c.VIP.String(), Verdict: c.Verdict(), Confidence: confidenceLine(c, l), FactsHeader: factsHeader(c.Facts, l),
		Facts: factLines(c.Facts, c.VIP, l)}
	v.VerdictLabel, v.VerdictText = doctorVerdict(c, l)
	if s := nicLine(c, l); s != "" {
		v.Facts = append(v.Facts, s)
	}
	for i := range c.Check.Findings {
		f := &c.Check.Findings[i]
		df := doctorFinding{Prediction: prediction(f, l),
			Heading: fmt.Sprintf(l.tr("Finding %d: %s (confidence %s)", "结论 %d：%s（置信度：%s）"), i+1, f.Cause, l.confidence(string(f.Confidence)))}
		for j := range f.Evidence {
			df.Evidence = append(df.Evidence, evidenceText(f, &f.Evidence[j], l))
		}
		if fxs := fixes(f, l); len(fxs) > 0 {
			df.Fix = &fxs[0]
		}
		v.Findings = append(v.Findings, df)
	}
	return v
}

// doctorText writes one checkup.
func doctorText(bw *bufio.Writer, v doctorView, l Lang) {
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("%s%s%s\n", v.VerdictLabel, l.colon(), v.VerdictText)
	p("%s\n\n", v.Confidence)
	p("%s\n", v.FactsHeader)
	for _, s := range v.Facts {
		p("  %s\n", s)
	}
	for _, f := range v.Findings {
		p("\n%s\n", f.Heading)
		p("  %s\n", f.Prediction)
		for _, e := range f.Evidence {
			p("  - %s\n", e)
		}
		if f.Fix != nil {
			writeFix(p, *f.Fix, "  ", l)
		}
	}
}

// doctorVerdict is the checkup's verdict label and sentence.
func doctorVerdict(c *Checkup, l Lang) (string, string) {
	switch c.Verdict() {
	case VerdictProblem:
		return l.tr("PROBLEM", "问题"), prediction(&c.Check.Findings[0], l)
	case VerdictUnknown:
		return l.tr("UNKNOWN", "无法判断"), l.tr(fmt.Sprintf("the facts read cannot tell whether this host accepts and answers %s: %s.", c.VIP, gapList(c.Check.Gaps, true, l)),
			fmt.Sprintf("读到的配置不足以判断本机能否接收并应答发往 %s 的包：%s。", c.VIP, gapList(c.Check.Gaps, true, l)))
	}
	return l.tr("OK", "正常"), l.tr(fmt.Sprintf("this host accepts %s and nothing in the configuration read would drop or refuse SYNs to it. If clients still fail, capture: slbdiag capture -i IFACE --vip %s --port %d.", c.VIP, c.VIP.Addr(), c.VIP.Port()),
		fmt.Sprintf("本机接收 %s，读到的配置中没有会丢弃或拒绝发往它的 SYN 的设置。如果客户端仍然连不上，请抓包：slbdiag capture -i IFACE --vip %s --port %d。", c.VIP, c.VIP.Addr(), c.VIP.Port()))
}

// prediction is what a facts-only finding means for SYNs to the VIP.
func prediction(f *analyze.Finding, l Lang) string {
	if p := textsFor(f.Cause).prediction; p != nil {
		return p(f, l)
	}
	return headline(f, l)
}

func factsHeader(f *hostfacts.Facts, l Lang) string {
	osv := osName(f.OS)
	if name := hostfacts.WindowsName(f.OSVersion); name != "" {
		osv = name + " (" + f.OSVersion + ")"
	} else if f.OSVersion != "" {
		osv += " " + f.OSVersion
	}
	return l.tr(fmt.Sprintf("Host facts (%s, %s):", printable(f.Source), osv), fmt.Sprintf("主机配置（%s，%s）：", printable(f.Source), osv))
}

// factLines lists the host's facts that bear on vip: every interface with
// its addresses and settings, then listeners, bindings and the firewall.
func factLines(f *hostfacts.Facts, vip netip.AddrPort, l Lang) []string {
	var out []string
	owner := f.Owner(vip.Addr())
	for i := range f.Interfaces {
		ifc := &f.Interfaces[i]
		h := analyze.HostIface{Index: ifc.Index, Name: ifc.Name}
		s := ifaceText(h, f.OS, l)
		if f.OS == "linux" && ifc.Index > 0 {
			s = fmt.Sprintf("%s (%d)", printable(ifc.Name), ifc.Index)
		}
		switch {
		case ifc.Loopback:
			s += l.tr(", loopback", "，环回")
		case ifc.Software:
			s += l.tr(", software (no packet from the network arrives on it)", "，软件接口（不接收来自网络的包）")
		}
		if ifc.Down {
			s += l.tr(", disconnected", "，已断开")
		}
		if ifc.Gateway {
			s += l.tr(", default gateway", "，有默认网关")
		}
		if ifc.Description != "" {
			s += l.tr(", ", "，") + printable(ifc.Description)
		}
		s += l.tr(": ", "：")
		if len(ifc.Addrs) == 0 {
			s += l.tr("no address", "无地址")
		} else {
			s += addrs(ifc.Addrs)
		}
		if owner == ifc {
			s += l.tr(" (holds the VIP)", "（持有 VIP）")
		}
		switch f.OS {
		case "windows":
			m := ifc.Model(vip.Addr())
			s += l.tr("; ", "；") + fmt.Sprintf("weakhostreceive=%s weakhostsend=%s", m.WeakHostReceive, m.WeakHostSend)
		case "linux":
			if e := f.Effective(ifc); e.ARPIgnore >= 0 || e.ARPAnnounce >= 0 {
				s += l.tr("; ", "；") + fmt.Sprintf("arp_ignore=%s arp_announce=%s rp_filter=%s", sysctlValue(e.ARPIgnore), sysctlValue(e.ARPAnnounce), sysctlValue(e.RPFilter))
			}
		}
		out = append(out, s)
	}
	port := vip.Port()
	if f.OS == "linux" && f.ListenersRead {
		var ls []string
		for _, a := range f.Listeners {
			if a.Port() == port {
				ls = append(ls, hostfacts.ListenerString(a))
			}
		}
		out = append(out, l.tr(fmt.Sprintf("Listening on port %d: %s.", port, orNone(ls, l)), fmt.Sprintf("监听端口 %d 的地址：%s。", port, orNone(ls, l))))
	}
	if f.OS == "windows" {
		var certs, sites []string
		for _, b := range f.SSLBindings {
			if b.Port == port {
				certs = append(certs, sslName(b))
			}
		}
		for _, s := range f.Sites {
			for _, b := range s.Bindings {
				if b.Port == port {
					sites = append(sites, fmt.Sprintf("%s %s/%s", printable(s.Name), printable(b.Protocol), printable(bindingName(b))))
				}
			}
		}
		certText, siteText := orNone(certs, l), orNone(sites, l)
		if !f.SSLRead {
			certText = l.tr("not read", "未读到")
		}
		if !f.SitesRead {
			siteText = l.tr("not read", "未读到")
		}
		out = append(out, l.tr(fmt.Sprintf("HTTP.sys certificates on port %d: %s. IIS bindings on port %d: %s.", port, certText, port, siteText),
			fmt.Sprintf("HTTP.sys 在端口 %d 上的证书绑定：%s。IIS 在端口 %d 上的绑定：%s。", port, certText, port, siteText)))
		if f.IPListenRead && len(f.IPListen) > 0 {
			ips := make([]string, len(f.IPListen))
			for i, a := range f.IPListen {
				ips[i] = a.String()
			}
			out = append(out, l.tr("HTTP.sys listens only on (IP listen list): "+strings.Join(ips, ", ")+".", "HTTP.sys 只监听（IP 监听列表）："+strings.Join(ips, "、")+"。"))
		}
		var fw []string
		for _, p := range f.Firewall {
			fw = append(fw, printable(p.Name)+" "+settingText(p.On, l))
		}
		if len(fw) > 0 {
			out = append(out, l.tr("Windows Firewall: "+strings.Join(fw, ", ")+".", "Windows 防火墙："+strings.Join(fw, "、")+"。"))
		}
	}
	out = append(out, factsHistory(f, l)...)
	for _, u := range f.Unread {
		out = append(out, l.tr("Not read: ", "未读到：")+printable(u))
	}
	for _, d := range f.Disagree {
		out = append(out, l.tr("The facts block and the raw outputs disagree: ", "事实块与原始输出不一致：")+printable(d))
	}
	if len(f.Ignored) > 0 {
		ign := make([]string, len(f.Ignored))
		for i, c := range f.Ignored {
			ign[i] = printable(c)
		}
		out = append(out, l.tr("Outputs skipped (commands slbdiag does not read): ", "已跳过的输出（slbdiag 不读取这些命令）：")+l.list(ign))
	}
	return out
}

func sslName(b hostfacts.SSLBinding) string {
	if b.Hostname != "" {
		return fmt.Sprintf("%s:%d", printable(b.Hostname), b.Port)
	}
	return b.IPPort.String()
}

func bindingName(b hostfacts.SiteBinding) string {
	ip := "*"
	if b.Addr.IsValid() {
		ip = b.Addr.String()
	}
	return fmt.Sprintf("%s:%d:%s", ip, b.Port, printable(b.Host))
}

func orNone(items []string, l Lang) string {
	if len(items) == 0 {
		return l.tr("none", "无")
	}
	return l.list(items)
}

// settingText spells an on/off setting: enabled, or 已启用 in Chinese.
func settingText(s hostfacts.Setting, l Lang) string {
	switch s {
	case hostfacts.Enabled:
		return l.tr("enabled", "已启用")
	case hostfacts.Disabled:
		return l.tr("disabled", "已禁用")
	}
	return l.tr("unknown", "未知")
}

// CheckupLine is a checkup's verdict in one line, for a live capture's
// status output.
func CheckupLine(c *Checkup, l Lang) string {
	label, text := doctorVerdict(c, l)
	return label + l.colon() + text
}

// confidenceLine says how sure the verdict is and, below high, which
// facts it lacked.
func confidenceLine(c *Checkup, l Lang) string {
	s := l.tr("Confidence: ", "置信度：") + l.confidence(string(c.Check.Confidence))
	if c.Verdict() != VerdictUnknown && len(c.Check.Gaps) > 0 {
		s += l.tr(". Not read: ", "。未读到：") + gapList(c.Check.Gaps, false, l)
	}
	return s + l.tr(".", "。")
}

// gapList lists the facts not read; neededOnly keeps those the host's
// acceptance of the VIP rests on.
func gapList(gs []hostcheck.Gap, neededOnly bool, l Lang) string {
	var items []string
	for _, g := range gs {
		if !neededOnly || g.Needed {
			items = append(items, gapText(g, l))
		}
	}
	return l.tr(strings.Join(items, "; "), strings.Join(items, "；"))
}

// gapText names a fact not read and the command that reads it.
func gapText(g hostcheck.Gap, l Lang) string {
	if s, ok := gapTextOS(g, g.OS, l); ok {
		return s
	}
	ifc := ifaceText(g.Iface, "windows", l)
	idx := "N"
	if g.Iface.Index > 0 {
		idx = fmt.Sprint(g.Iface.Index)
	}
	switch g.Fact {
	case analyze.GapAddresses:
		return l.tr("the interfaces' addresses (ipconfig /all; on Linux ip addr)", "各接口的地址（ipconfig /all；Linux 上 ip addr）")
	case analyze.GapNIC:
		return l.tr("the network interface the SYNs arrive on (none is up with an address of the VIP's family)", "SYN 进入的网卡（没有处于连接状态且有同族地址的网卡）")
	case analyze.GapWeakReceive:
		return l.tr(fmt.Sprintf("weakhostreceive of %s (netsh interface ipv4 show interface %s)", ifc, idx), fmt.Sprintf("%s的 weakhostreceive（netsh interface ipv4 show interface %s）", zhPad(ifc), idx))
	case analyze.GapWeakSend:
		return l.tr(fmt.Sprintf("weakhostsend of %s (netsh interface ipv4 show interface %s)", ifc, idx), fmt.Sprintf("%s的 weakhostsend（netsh interface ipv4 show interface %s）", zhPad(ifc), idx))
	case analyze.GapSites:
		return l.tr("the IIS bindings (appcmd list site)", "IIS 绑定（appcmd list site）")
	case analyze.GapCertificates:
		return l.tr("the HTTP.sys certificate bindings (netsh http show sslcert)", "HTTP.sys 证书绑定（netsh http show sslcert）")
	case analyze.GapListeners:
		return l.tr("the listening sockets (ss -ltn)", "监听的套接字（ss -ltn）")
	case analyze.GapARP:
		return l.tr("the ARP sysctls (sysctl -a | grep -E 'arp_ignore|arp_announce')", "ARP 相关 sysctl（sysctl -a | grep -E 'arp_ignore|arp_announce'）")
	case analyze.GapFirewall:
		return l.tr("the Windows Firewall state (netsh advfirewall show allprofiles state)", "Windows 防火墙状态（netsh advfirewall show allprofiles state）")
	}
	return string(g.Fact)
}

// nicLine says which interface the SYNs arrive on and how that was
// decided, or, when the facts could not, every candidate.
func nicLine(c *Checkup, l Lang) string {
	h := c.Check.Host
	if h == nil || len(h.NICs) == 0 {
		return ""
	}
	names := make([]string, len(h.NICs))
	for i, n := range h.NICs {
		names[i] = ifaceText(n, h.OS, l)
	}
	var why, whyZh string
	switch h.NICBy {
	case analyze.NICByOnly:
		why, whyZh = "the only network interface up with an address of the VIP's family", "唯一处于连接状态且有同族地址的网卡"
	case analyze.NICByProbeSubnet:
		why, whyZh = "the only one on the subnet of the load balancer's probes", "唯一与负载均衡器健康检查来源同网段的网卡"
	case analyze.NICByRoute:
		why, whyZh = "the only one with the default gateway", "唯一有默认网关的网卡"
	case analyze.NICByCandidates:
		return l.tr("SYNs may arrive on any of: "+l.list(names)+" (the facts cannot tell which; each is checked).",
			"SYN 可能从以下任一网卡进入："+l.list(names)+"（配置无法确定是哪一个，已逐一检查）。")
	}
	return l.tr(fmt.Sprintf("SYNs arrive on %s: %s.", names[0], why), fmt.Sprintf("SYN 从%s进入：%s。", zhPad(names[0]), whyZh))
}

// sysctlValue prints a sysctl's value, or "?" when it was not read.
func sysctlValue(v int) string {
	if v < 0 {
		return "?"
	}
	return fmt.Sprint(v)
}
