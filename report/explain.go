package report

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
)

// causeText is a cause's title and the pattern that gives it away in a
// capture.
func causeText(c analyze.Cause, l Lang) (title, pattern string) {
	return textsFor(c).about(l)
}

// CauseTitle is a cause's one-line title.
func CauseTitle(c analyze.Cause, l Lang) string {
	title, _ := causeText(c, l)
	return title
}

// ListCauses writes the usage of 'slbdiag explain' and every cause with
// its title.
func ListCauses(w io.Writer, l Lang) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, l.tr("Usage: slbdiag explain [--lang en|zh] CAUSE\n\nCauses:\n", "用法：slbdiag explain [--lang en|zh] CAUSE\n\n原因：\n"))
	for _, c := range analyze.Causes() {
		fmt.Fprintf(bw, "  %-24s %s\n", c, CauseTitle(c, l))
	}
	return bw.Flush()
}

// Explain writes a cause's pattern, explanation and fixes without a
// capture, filled with example addresses.
func Explain(w io.Writer, c analyze.Cause, vip netip.AddrPort, host netip.Addr, l Lang) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	f := exampleFinding(c, vip, host)
	title, pattern := causeText(c, l)
	p("%s%s%s\n\n", c, l.colon(), title)
	p(l.tr("In a capture:\n  %s\n\n", "抓包中的特征：\n  %s\n\n"), pattern)
	p(l.tr("Why:\n  %s\n", "原因分析：\n  %s\n"), why(f, l))
	p(l.tr("\nThe fixes below use example addresses: VIP %s, host %s. 'slbdiag analyze' fills in the real ones from a capture.\n",
		"\n下面的修复方案使用示例地址：VIP %s，主机 %s。'slbdiag analyze' 会根据抓包填入实际地址。\n"), vip, host)
	for _, fx := range fixes(f, l) {
		p("\n")
		writeFix(p, fx, "", l)
	}
	return bw.Flush()
}

// exampleFinding is a finding of cause c about the example addresses.
func exampleFinding(c analyze.Cause, vip netip.AddrPort, host netip.Addr) *analyze.Finding {
	f := &analyze.Finding{Cause: c, Server: vip, HostAddr: host}
	if c.OnHostAddress() {
		f.Server = netip.AddrPortFrom(host, vip.Port())
	}
	return f
}

// writeFix writes a fix's steps, commands and verification, indented.
func writeFix(p printer, fx Fix, indent string, l Lang) {
	para(p, fixHeading(fx.Title, l), indent, indent+"  ")
	for n, st := range fx.Steps {
		num := fmt.Sprintf("%s  %d. ", indent, n+1)
		para(p, st.Text, num, indent+"     ")
		for _, c := range st.Commands {
			p("%s       %s\n", indent, c)
		}
	}
	writeVerify(p, fx, indent, l)
}

// writeVerify writes how to check a fix worked, with its command on a
// line of its own so that it pastes whole.
func writeVerify(p printer, fx Fix, indent string, l Lang) {
	label := l.tr("Verify: ", "验证：")
	if fx.verifyCommand == "" {
		para(p, label+fx.Verify, indent+"  ", indent+"    ")
		return
	}
	para(p, label+fx.verifyBefore, indent+"  ", indent+"    ")
	p("%s       %s\n", indent, fx.verifyCommand)
	para(p, fx.verifyAfter, indent+"    ", indent+"    ")
}
