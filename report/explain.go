package report

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
)

// causeTexts are each cause's title and the pattern that gives it away in
// a capture.
var causeTexts = map[analyze.Cause]struct{ title, pattern string }{
	analyze.StrongHostReceive: {"SYNs to the VIP reach the host and are dropped (strong host model)",
		"SYNs to the VIP arrive at the host's MAC and none is answered, while handshakes to the host's own address on the same port complete; the VIP never appears as a source address."},
	analyze.WeakHostSend: {"the host answers for the VIP from its own address",
		"SYN-ACKs to SYNs for the VIP come from the host's real address instead of the VIP (outcome wrong-source)."},
	analyze.NoListenerOnVIP: {"nothing listens on the VIP",
		"SYNs to the VIP are refused with RST while handshakes to the host's own address complete."},
	analyze.ClientsFiltered: {"probes pass, clients are filtered",
		"SYNs go to the host's own address; those from the health-probe ranges complete, the clients' are never answered."},
	analyze.ReturnPathLost: {"SYN-ACKs are lost on the way back",
		"The host sends SYN-ACKs, the clients never acknowledge them and keep retransmitting their SYN."},
	analyze.NoTrafficToVIP: {"the load balancer sends no VIP traffic to this host",
		"A capture on the backend, with handshakes to its own address, and not one SYN to the VIP."},
	analyze.PartialLoss: {"some SYNs are lost: overload or loss, not configuration",
		"Some SYNs to a destination are answered and others, retransmitted, are not."},
}

// CauseTitle is a cause's one-line title.
func CauseTitle(c analyze.Cause) string { return causeTexts[c].title }

// Explain writes a cause's pattern, explanation and fixes without a
// capture, filled with example addresses.
func Explain(w io.Writer, c analyze.Cause, vip netip.AddrPort, host netip.Addr) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	f := &analyze.Finding{Cause: c, Server: vip, HostAddr: host}
	if c == analyze.ClientsFiltered || c == analyze.ReturnPathLost || c == analyze.PartialLoss {
		f.Server = netip.AddrPortFrom(host, vip.Port())
	}
	p("%s: %s\n\n", c, CauseTitle(c))
	p("In a capture:\n  %s\n\n", causeTexts[c].pattern)
	p("Why:\n  %s\n", why(f))
	p("\nThe fixes below use example addresses: VIP %s, host %s. 'slbdiag analyze' fills in the real ones from a capture.\n", vip, host)
	for _, fx := range fixes(f) {
		p("\n")
		writeFix(p, fx, "")
	}
	return bw.Flush()
}

// writeFix writes a fix's steps, commands and verification, indented.
func writeFix(p printer, fx Fix, indent string) {
	p("%sFix, %s:\n", indent, fx.Title)
	for n, st := range fx.Steps {
		p("%s  %d. %s\n", indent, n+1, st.Text)
		for _, c := range st.Commands {
			p("%s       %s\n", indent, c)
		}
	}
	p("%s  Verify: %s\n", indent, fx.Verify)
}
