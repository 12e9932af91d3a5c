package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// Checkup is what `slbdiag doctor` found on a host: its facts and what
// they predict for SYNs to the VIP, before any capture.
type Checkup struct {
	VIP      netip.AddrPort
	Facts    *hostfacts.Facts
	Findings []analyze.Finding // from analyze.CheckHost; none: nothing wrong found
}

// Doctor writes a checkup: the verdict first, the host's facts, then each
// predicted finding with its evidence and fix. format is "text" or "json".
func Doctor(w io.Writer, c *Checkup, format string, o Options) error {
	if format == "json" {
		return doctorJSON(w, c, o.Lang)
	}
	sw := newSafeWriter(w)
	defer sw.Close()
	w = sw
	l := o.Lang
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	label, text := doctorVerdict(c, l)
	p("%s%s%s\n\n", label, l.colon(), text)
	p("%s\n", factsHeader(c.Facts, l))
	for _, s := range factLines(c.Facts, c.VIP, l) {
		p("  %s\n", s)
	}
	for i := range c.Findings {
		f := &c.Findings[i]
		p(l.tr("\nFinding %d: %s (confidence %s)\n", "\n结论 %d：%s（置信度：%s）\n"), i+1, f.Cause, l.confidence(string(f.Confidence)))
		p("  %s\n", prediction(f, l))
		for j := range f.Evidence {
			p("  - %s\n", evidenceText(f, &f.Evidence[j], l))
		}
		if fxs := fixes(f, l); len(fxs) > 0 {
			writeFix(p, fxs[0], "  ", l)
		}
	}
	return bw.Flush()
}

// doctorVerdict is the checkup's verdict label and sentence.
func doctorVerdict(c *Checkup, l Lang) (string, string) {
	if len(c.Findings) > 0 {
		return l.tr("PROBLEM", "问题"), prediction(&c.Findings[0], l)
	}
	return l.tr("OK", "正常"), l.tr(fmt.Sprintf("this host accepts %s and nothing in the configuration read would drop or refuse SYNs to it. If clients still fail, capture: slbdiag capture -i IFACE --vip %s --port %d.", c.VIP, c.VIP.Addr(), c.VIP.Port()),
		fmt.Sprintf("本机接收 %s，读到的配置中没有会丢弃或拒绝发往它的 SYN 的设置。如果客户端仍然连不上，请抓包：slbdiag capture -i IFACE --vip %s --port %d。", c.VIP, c.VIP.Addr(), c.VIP.Port()))
}

// prediction is what a facts-only finding means for SYNs to the VIP.
func prediction(f *analyze.Finding, l Lang) string {
	vip := f.Server
	switch f.Cause {
	case analyze.StrongHostReceive:
		if f.Host != nil && f.Host.OS == "linux" {
			return l.tr(fmt.Sprintf("SYNs to %s that reach this host will be dropped: the VIP is not one of its addresses (put it on lo).", vip),
				fmt.Sprintf("到达本机的发往 %s 的 SYN 会被丢弃：VIP 不是本机的地址（应配置在 lo 上）。", vip))
		}
		return l.tr(fmt.Sprintf("SYNs to %s that reach this host will be dropped: no interface accepts the VIP on the NIC they arrive on (strong host model).", vip),
			fmt.Sprintf("到达本机的发往 %s 的 SYN 会被丢弃：SYN 进入的网卡不接收发往该 VIP 的包（强主机模型）。", vip))
	case analyze.NoListenerOnVIP:
		return l.tr(fmt.Sprintf("This host accepts %s but nothing listens on it: SYNs to it will be refused with RST.", vip),
			fmt.Sprintf("本机接收发往 %s 的包，但没有监听：发往它的 SYN 会被 RST 拒绝。", vip))
	case analyze.VIPAnswersARP:
		return l.tr(fmt.Sprintf("This host will answer ARP for %s: the VIP leaks to the network and pulls its traffic past the load balancer.", vip.Addr()),
			fmt.Sprintf("本机会为 %s 应答 ARP：VIP 泄露到网络上，会把本该经过负载均衡器的流量直接引到本机。", vip.Addr()))
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
	for i := range f.Interfaces {
		ifc := &f.Interfaces[i]
		h := analyze.HostIface{Index: ifc.Index, Name: ifc.Name}
		s := ifaceText(h, f.OS, l)
		if f.OS == "linux" && ifc.Index > 0 {
			s = fmt.Sprintf("%s (%d)", printable(ifc.Name), ifc.Index)
		}
		if ifc.Loopback {
			s += l.tr(", loopback", "，环回")
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
		if f.Owner(vip.Addr()) == ifc {
			s += l.tr(" (holds the VIP)", "（持有 VIP）")
		}
		switch f.OS {
		case "windows":
			m := ifc.Model(vip.Addr())
			s += l.tr("; ", "；") + fmt.Sprintf("weakhostreceive=%s weakhostsend=%s", m.WeakHostReceive, m.WeakHostSend)
		case "linux":
			if e := f.Effective(ifc); e.ARPIgnore >= 0 {
				s += l.tr("; ", "；") + fmt.Sprintf("arp_ignore=%d arp_announce=%d rp_filter=%d", e.ARPIgnore, e.ARPAnnounce, e.RPFilter)
			}
		}
		out = append(out, s)
	}
	port := vip.Port()
	if f.OS == "linux" && f.ListenersRead {
		var ls []string
		for _, a := range f.Listeners {
			if a.Port() == port {
				ls = append(ls, a.String())
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
					sites = append(sites, fmt.Sprintf("%s %s/%s", printable(s.Name), printable(b.Protocol), bindingName(b)))
				}
			}
		}
		out = append(out, l.tr(fmt.Sprintf("HTTP.sys certificates on port %d: %s. IIS bindings on port %d: %s.", port, orNone(certs, l), port, orNone(sites, l)),
			fmt.Sprintf("HTTP.sys 在端口 %d 上的证书绑定：%s。IIS 在端口 %d 上的绑定：%s。", port, orNone(certs, l), port, orNone(sites, l))))
		var fw []string
		for _, p := range f.Firewall {
			fw = append(fw, printable(p.Name)+" "+settingText(p.On, l))
		}
		if len(fw) > 0 {
			out = append(out, l.tr("Windows Firewall: "+strings.Join(fw, ", ")+".", "Windows 防火墙："+strings.Join(fw, "、")+"。"))
		}
	}
	for _, u := range f.Unread {
		out = append(out, l.tr("Not read: ", "未读到：")+printable(u))
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

// doctorJSON is the checkup for automation: the facts as read, the verdict
// and the findings with their evidence texts and fixes.
func doctorJSON(w io.Writer, c *Checkup, l Lang) error {
	label, text := doctorVerdict(c, l)
	type finding struct {
		Cause      string         `json:"cause"`
		Confidence string         `json:"confidence"`
		Summary    string         `json:"summary"`
		Evidence   []jsonEvidence `json:"evidence"`
		Fix        map[string]Fix `json:"fix"`
	}
	doc := struct {
		Schema   string           `json:"schema"`
		VIP      string           `json:"vip"`
		Verdict  string           `json:"verdict"`
		Summary  string           `json:"summary"`
		Facts    *hostfacts.Facts `json:"facts"`
		Findings []finding        `json:"findings"`
	}{Schema: "slbdiag-doctor/1", VIP: c.VIP.String(), Verdict: label, Summary: text, Facts: c.Facts, Findings: []finding{}}
	for i := range c.Findings {
		f := &c.Findings[i]
		jf := finding{Cause: string(f.Cause), Confidence: string(f.Confidence), Summary: prediction(f, l), Evidence: []jsonEvidence{}, Fix: map[string]Fix{}}
		for j := range f.Evidence {
			jf.Evidence = append(jf.Evidence, jsonEvidence{Kind: string(f.Evidence[j].Kind), Text: evidenceText(f, &f.Evidence[j], l), Frames: []jsonFrameRef{}})
		}
		for _, fx := range fixes(f, l) {
			jf.Fix[fx.Platform] = fx
		}
		doc.Findings = append(doc.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
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
