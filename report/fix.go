package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// Fix is what to do about a finding on one platform.
type Fix struct {
	Platform string `json:"platform"` // "windows" or "linux"
	Title    string `json:"title"`
	Steps    []Step `json:"steps"`
	Verify   string `json:"verify"`
	// The text report prints Verify's command on a line of its own,
	// between the words before and after it; "" when it has none.
	verifyBefore, verifyCommand, verifyAfter string
}

// Step is one thing to do, with the commands that do it.
type Step struct {
	Text     string   `json:"text"`
	Commands []string `json:"commands,omitempty"`
}

// Placeholders the person running the fix fills in; live capture on the
// host will fill them with the real interface indexes and names.
const (
	phNIC      = "<NIC-IDX>"
	phLoopback = "<LOOPBACK-IDX>"
	phLoopName = "<LOOPBACK-NAME>"
	phSite     = "<SITE-NAME>"
	phCert     = "<CERT-THUMBPRINT>"
)

// fixes returns the fixes for a finding, the platform the host's TTL
// suggests first (Windows when unknown: the case slbdiag was built for).
func fixes(f *analyze.Finding, l Lang) []Fix {
	t := textsFor(f.Cause)
	if t.windows == nil {
		return nil
	}
	win, lin := t.windows(f, l), t.linux(f, l)
	vipFlag := fmt.Sprintf(" --vip %s", f.Server.Addr())
	if f.Cause.OnHostAddress() && !f.Role.IsVIP() {
		vipFlag = ""
	}
	command := fmt.Sprintf("slbdiag analyze AFTER.pcapng%s --port %d", vipFlag, f.Server.Port())
	before := l.tr("Capture again on the host while clients connect, then run:", "在客户端发起连接时，在主机上重新抓包，然后运行：")
	after := l.tr(fmt.Sprintf("Every attempt to %s should be completed.", f.Server), fmt.Sprintf("所有发往 %s 的连接尝试都应为 completed。", f.Server))
	if f.Cause.FixedWhenGone() {
		after = l.tr(fmt.Sprintf("It should report no %s finding.", f.Cause), fmt.Sprintf("结果中不应再出现 %s。", f.Cause))
	}
	verify := l.tr(before+" "+command+". "+after, before+command+"。"+after)
	for _, fx := range []*Fix{&win, &lin} {
		fx.Verify, fx.verifyBefore, fx.verifyCommand, fx.verifyAfter = verify, before, command, after
	}
	if fxs, ok := fixesFact(f, win, lin, l); ok {
		return fxs
	}
	if f.HostOS == analyze.OSLinux {
		return []Fix{lin, win}
	}
	return []Fix{win, lin}
}

// why explains the mechanism behind a finding.
func why(f *analyze.Finding, l Lang) string { return textsFor(f.Cause).why(f, l) }

// psLater marks a PowerShell command that needs Server 2012 or later.
func psLater(l Lang) string {
	return l.tr("   # PowerShell, Server 2012 and later", "   # PowerShell，Server 2012 及以上版本")
}

// locatedStep replaces the advice to capture elsewhere when the captures
// given already named the stretch where packets vanished.
func locatedStep(l Lang) Step {
	return Step{Text: l.tr("The captures given already locate the loss between their two capture points (see above): check the devices between them (the load balancer, a firewall, routers) for drops; no further capture is needed to find the stretch.",
		"所给的抓包已经把丢包定位在两个抓包点之间（见上文）：请检查它们之间的设备（负载均衡器、防火墙、路由器）的丢包情况，无需再抓包来定位。")}
}
