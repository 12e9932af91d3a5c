package report

import (
	"fmt"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// Verdict is the one line that says what is wrong and how sure slbdiag is.
func Verdict(r *analyze.Result) string {
	c := r.Summary.Counts
	switch {
	case len(r.Findings) > 0:
		return "PROBLEM: " + headline(&r.Findings[0])
	case r.Problem():
		return "PROBLEM: " + unexplained(r)
	case c.Total() > 0:
		s := fmt.Sprintf("OK: all %d judged handshakes completed.", c.Total()-c[analyze.Pending])
		if c[analyze.Pending] > 0 {
			s += fmt.Sprintf(" %d more began too close to the end of the capture to judge.", c[analyze.Pending])
		}
		return s
	}
	return fmt.Sprintf("NO DATA: no SYN to port %s in %d frames: check the capture point, --port and the capture filter.",
		r.Ports, r.Summary.Frames)
}

// unexplained describes failed handshakes no finding explains.
func unexplained(r *analyze.Result) string {
	c := r.Summary.Counts
	var where []string
	allHost := true
	for _, d := range r.Destinations {
		if d.Counts.Failed() == 0 {
			continue
		}
		allHost = allHost && d.Role == analyze.RoleHost
		if len(where) < 3 {
			where = append(where, d.Server.String())
		} else if len(where) == 3 {
			where = append(where, "…")
		}
	}
	s := fmt.Sprintf("%d of %d handshakes failed (%s) at %s; no known cause matches the pattern.",
		c.Failed(), c.Total(), breakdown(c), strings.Join(where, ", "))
	if allHost {
		s += " The destinations are addresses this host answers from, so the host model is not the cause: look at the service, a firewall or the path."
	}
	return s
}

// breakdown lists the non-zero failure counts, e.g. "3 unanswered, 1 refused".
func breakdown(c analyze.Counts) string { return joinCounts(c, analyze.Outcome.Failed) }

// joinCounts lists the non-zero counts of the outcomes keep selects.
func joinCounts(c analyze.Counts, keep func(analyze.Outcome) bool) string {
	var parts []string
	for _, o := range analyze.Outcomes() {
		if keep(o) && c[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[o], o))
		}
	}
	return strings.Join(parts, ", ")
}

func roleName(role analyze.Role) string {
	switch role {
	case analyze.RoleVIP:
		return "VIP"
	case analyze.RoleLikelyVIP:
		return "likely VIP"
	case analyze.RoleHost:
		return "host address"
	}
	return "silent"
}

// headline is a finding in one sentence, confidence included.
func headline(f *analyze.Finding) string {
	var s string
	switch f.Cause {
	case analyze.StrongHostReceive:
		via := ""
		if f.Via != "" {
			via = fmt.Sprintf(" delivered to %s (%s)", f.Via, addrOrNone(f.HostAddr))
		}
		why := "they reach the host and its strong host model drops them, because the VIP is not an address of the interface they arrive on."
		if f.HostOS == analyze.OSLinux {
			why = "they reach the host, which drops them because the VIP is not one of its addresses (Linux accepts any of its own addresses on any interface, but the VIP is not one)."
		}
		s = fmt.Sprintf("%s in %s from %s to VIP %s%s were never answered: %s",
			count(f.Syns, "SYN"), count(f.Attempts, "attempt"), count(f.Clients, "client"), f.Server, via, why)
	case analyze.WeakHostSend:
		s = fmt.Sprintf("%s to VIP %s answered from %s instead of the VIP: clients drop those replies (host answers for the VIP from its own address).",
			count(f.Attempts, "SYN"), f.Server, addrOrNone(f.HostAddr))
	case analyze.NoListenerOnVIP:
		s = fmt.Sprintf("%s to VIP %s refused with RST: nothing listens on the VIP (no socket or site binding for it).",
			count(f.Attempts, "SYN"), f.Server)
	case analyze.PartialLoss:
		s = fmt.Sprintf("%s to %s went unanswered while others to it completed: packet loss or overload, not host configuration.",
			count(f.Attempts, "handshake"), f.Server)
	case analyze.ClientsFiltered:
		s = fmt.Sprintf("%s in %s from %s to %s were never answered while health probes to it completed: something admits the probes and drops the clients (host firewall or security group), not the host model.",
			count(f.Syns, "SYN"), count(f.Attempts, "attempt"), count(f.Clients, "client"), f.Server)
	case analyze.ReturnPathLost:
		s = fmt.Sprintf("%s answered %s with SYN-ACKs that the clients never acknowledged: the replies are lost on the way back (route, gateway, ACL or asymmetric path).",
			f.Server, count(f.Attempts, "attempt"))
	case analyze.NoTrafficToVIP:
		s = fmt.Sprintf("Not one SYN to the VIP %s reached this capture, while handshakes to the host's own address %s complete: the load balancer is not sending the VIP's traffic to this host.",
			f.Server.Addr(), addrOrNone(f.HostAddr))
	default:
		s = fmt.Sprintf("%s at %s.", f.Cause, f.Server)
	}
	return fmt.Sprintf("%s Cause: %s, confidence %s.", s, f.Cause, f.Confidence)
}

// evidenceText says what one piece of evidence shows.
func evidenceText(f *analyze.Finding, e *analyze.Evidence) string {
	switch e.Kind {
	case analyze.EvSynsUnanswered:
		return fmt.Sprintf("%s to %s, none answered.", count(e.Count, "SYN transmission"), f.Server)
	case analyze.EvRetransmissions:
		return fmt.Sprintf("%s retransmitted by the client: the clients were waiting, so the SYNs were lost, not slow.", count(e.Count, "attempt"))
	case analyze.EvNeverSource:
		return fmt.Sprintf("%s never appears as a source address: nothing on this side answers for it (the filter shows no packet).", f.Server.Addr())
	case analyze.EvHostMAC:
		return fmt.Sprintf("The SYNs were delivered to %s, the MAC that %s sends from: they reached this host, which dropped them.", e.MAC, e.Addr)
	case analyze.EvOwnAddrWorks:
		return fmt.Sprintf("%s to the host's own address %s on port %d completed: the service listens and answers.", count(e.Count, "handshake"), e.Addr, f.Server.Port())
	case analyze.EvOtherHostsAnswer:
		return fmt.Sprintf("%s to %s delivered to other MACs completed: the load balancer and the VIP work on other backends; only this one drops the SYNs.", count(e.Count, "handshake"), f.Server)
	case analyze.EvSomeAnswered:
		return fmt.Sprintf("%s to the same destination completed: the host accepts this address, so its host model is not the cause.", count(e.Count, "handshake"))
	case analyze.EvWrongSource:
		return fmt.Sprintf("%s for SYNs to %s came from %s.", count(e.Count, "SYN-ACK"), f.Server, e.Addr)
	case analyze.EvRefused:
		return fmt.Sprintf("%s to %s answered with RST.", count(e.Count, "SYN"), f.Server)
	case analyze.EvClientsFail:
		return fmt.Sprintf("%s from clients (outside the health-probe ranges) to %s, none answered.", count(e.Count, "SYN transmission"), f.Server)
	case analyze.EvProbesComplete:
		return fmt.Sprintf("%s from the health-probe ranges to %s completed: the service listens and answers them.", count(e.Count, "handshake"), f.Server)
	case analyze.EvSynAckSent:
		return fmt.Sprintf("%s left %s for clients that never acknowledged them.", count(e.Count, "SYN-ACK"), f.Server.Addr())
	case analyze.EvSynAfterSynAck:
		return fmt.Sprintf("%s retransmitted its SYN after the SYN-ACK left: the client never received it.", count(e.Count, "client", "clients"))
	case analyze.EvNoSynToVIP:
		return fmt.Sprintf("No SYN to %s in the capture (the filter shows no packet).", f.Server.Addr())
	}
	return string(e.Kind)
}

// missingText says what evidence would raise a finding's confidence.
func missingText(f *analyze.Finding, k analyze.EvidenceKind) string {
	switch k {
	case analyze.EvHostMAC:
		return "Not observed: that the SYNs reached this host's MAC. A capture taken on the backend's own Ethernet interface (not SLL \"any\", not in the path) shows it."
	case analyze.EvOwnAddrWorks:
		return fmt.Sprintf("Not observed: a handshake to the host's own address on port %d. Capture one (a health check, or curl -k https://<host address>/ from another machine) alongside: if it completes, the service is fine and the VIP is the problem.", f.Server.Port())
	case analyze.EvRetransmissions:
		return "Not observed: client retransmissions of the unanswered SYNs; a longer capture tells lost SYNs from slow replies."
	case analyze.EvSynAfterSynAck:
		return "Not observed: a client retransmitting its SYN after the SYN-ACK left. A longer capture, or one on the client, tells a lost SYN-ACK from a client that gave up."
	case analyze.EvLoadBalancerSide:
		return "Not observed: the load balancer's own view. Its health status for this backend, the backend pool membership and weight, and a capture on the load balancer show whether it forwards the VIP anywhere."
	}
	return string(k)
}

// count writes n with its noun, singular or plural: count(1, "SYN") is
// "1 SYN", count(3, "SYN") "3 SYNs". A second form gives an irregular
// plural, or a phrase: count(n, "SYN was", "SYNs were").
func count(n int, forms ...string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", forms[0])
	}
	if len(forms) > 1 {
		return fmt.Sprintf("%d %s", n, forms[1])
	}
	return fmt.Sprintf("%d %ss", n, forms[0])
}
