package analyze

import (
	"fmt"
	"slices"
)

// TLSBindingMissing (tls-binding-missing): handshakes complete and the
// server closes or rejects the ClientHello: no certificate bound. Its
// detector and the counters only it reads are in this file; its texts are
// in report/cause_tls_binding.go, and the host-facts check it names (facts)
// in hostcheck.
const TLSBindingMissing Cause = "tls-binding-missing"

var tlsBindingCause = causeDef{
	cause:         TLSBindingMissing,
	outcomes:      []Outcome{Completed},
	fixedWhenGone: true,
	facts:         FactsCertificate,
	detect:        (*diagnosis).tlsBindingAt,
}

// The evidence only this cause gives.
const (
	EvHelloClosed EvidenceKind = "hello-closed" // the server closed (RST/FIN) right after the ClientHello
	EvHelloServed EvidenceKind = "hello-served" // ClientHellos the server answered
	EvHelloAlert  EvidenceKind = "hello-alert"  // the server answered the ClientHello with a TLS alert
)

func (d *diagnosis) tlsBindingAt(dest *Destination, t *destTotals) []Finding {
	return one(d.tlsBindingMissing(dest, t))
}

// tlsBindingMissing: handshakes complete, the client sends its TLS
// ClientHello, and the server closes (RST or FIN) before sending anything:
// what HTTP.sys does when no certificate is bound for the IP:port or the
// name asked for.
func (d *diagnosis) tlsBindingMissing(dest *Destination, t *destTotals) (Finding, bool) {
	if t.helloClosed+t.helloAlerted == 0 {
		return Finding{}, false
	}
	src := fmt.Sprintf("%s && tcp.srcport==%d", addrFilter("src", dest.Server.Addr()), dest.Server.Port())
	f := Finding{Cause: TLSBindingMissing, Server: dest.Server, Attempts: t.helloClosed + t.helloAlerted,
		Syns: t.helloClosed + t.helloAlerted, Confidence: Medium}
	if t.helloAlerted > 0 {
		// The server's first record after the hello, an alert: tcp.seq==1
		// (relative) is the server's first byte.
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloAlert, Count: t.helloAlerted, Frames: t.alertedEx,
			Names: sortedNames(t.closedNames), MoreNames: t.moreClosed, Alerts: slices.Clone(t.alerts),
			Filter: src + " && tls.record.content_type==21 && tcp.seq==1"})
	}
	if t.helloClosed > 0 {
		// Before any data from the server, its sequence number is still
		// its ISN+1: relative sequence number 1.
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloClosed, Count: t.helloClosed, Frames: t.closedEx,
			Names: sortedNames(t.closedNames), MoreNames: t.moreClosed, Filter: src + " && (tcp.flags.reset==1 || tcp.flags.fin==1) && tcp.seq==1"})
	}
	f.Clients, f.ClientsEstimated = t.closedClients.count()
	// All or nothing for this IP:port, or for the names asked: the shape a
	// missing binding gives. A mix of both on the same names is more
	// likely the service failing.
	overlap := false
	for _, n := range t.closedNames {
		overlap = overlap || slices.Contains(t.servedNames, n)
	}
	if t.helloServed == 0 || !overlap {
		f.Confidence = High
	}
	if t.helloServed > 0 {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHelloServed, Count: t.helloServed, Frames: t.servedEx,
			Names: sortedNames(t.servedNames), MoreNames: t.moreServed, Filter: src + " && tls.handshake.type==2"})
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

func sortedNames(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}

// tlsTotals are what followed a destination's ClientHellos: the server
// closed, rejected it with a TLS alert, or answered.
type tlsTotals struct {
	helloClosed, helloServed int
	closedEx, servedEx       []FrameRef
	helloAlerted             int
	alertedEx                []FrameRef
	alerts                   []uint8 // the alerts' descriptions, distinct, first seen first
	closedNames, servedNames []string
	moreClosed, moreServed   int // names past maxNames
	closedClients            distinct
}

func (d *tlsTotals) add(a *Attempt, key uint64, b *addrBudget) {
	if a.Outcome != Completed {
		return
	}
	switch {
	case a.Hello.IsZero():
	case a.Alerted:
		d.helloAlerted++
		d.alertedEx = appendExample(d.alertedEx, a.HelloEnd)
		if !slices.Contains(d.alerts, a.Alert) { // at most 256: no bound needed
			d.alerts = append(d.alerts, a.Alert)
		}
		d.closedNames, d.moreClosed = addName(d.closedNames, d.moreClosed, a.SNI)
		d.closedClients.add(key, b)
	case !a.HelloEnd.IsZero():
		d.helloClosed++
		d.closedEx = appendExample(d.closedEx, a.HelloEnd)
		d.closedNames, d.moreClosed = addName(d.closedNames, d.moreClosed, a.SNI)
		d.closedClients.add(key, b)
	case a.HelloServed:
		d.helloServed++
		d.servedEx = appendExample(d.servedEx, a.HelloReply)
		d.servedNames, d.moreServed = addName(d.servedNames, d.moreServed, a.SNI)
	}
}

// addName adds a server name to a bounded, first-seen list of distinct
// names; more counts the ones that did not fit.
func addName(names []string, more int, n string) ([]string, int) {
	for _, x := range names {
		if x == n {
			return names, more
		}
	}
	if len(names) < maxNames {
		return append(names, n), more
	}
	return names, more + 1
}
