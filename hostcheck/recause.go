package hostcheck

import (
	"slices"

	"github.com/slbdiag/slbdiag/analyze"
)

// recause names the cause the facts point at when they rule out the one
// the capture suggested: the host model accepts the VIP and can answer
// from it, so unanswered SYNs are dropped by a filter, or meet no
// listener. A report never names as the cause what its own facts rule
// out; when the facts cannot tell which of the remaining two it is, the
// finding names the one they show and says, as a fact not read, what
// else remains.
func recause(f *analyze.Finding, v *hostView) {
	if f.Cause == analyze.StrongHostReceive && v.receiveAccepts() && v.replyBlocked() == acceptYes {
		// Accepted, and the replies cannot leave from the VIP: what
		// only host facts tell from a SYN dropped on arrival.
		f.Cause, f.Confidence, f.Missing = analyze.WeakHostSend, analyze.High, nil
		return
	}
	if f.Cause != analyze.StrongHostReceive && f.Cause != analyze.WeakHostSend || !v.hostModelAccepts() {
		return
	}
	notRead := func(g analyze.GapFact) {
		if !slices.ContainsFunc(f.Evidence, func(e analyze.Evidence) bool { return e.Kind == analyze.EvFactNotRead && e.Fact.Setting == string(g) }) {
			f.Evidence = append(f.Evidence, factEvidence(analyze.EvFactNotRead, nil, string(g), ""))
		}
	}
	fv := v.clientsFiltered()
	gap, filterGap := v.filterGap()
	switch {
	case fv.drops == acceptYes:
		if e, ok := v.filterEvidence(); ok && !hasKind(f, analyze.EvFactFilterDrops) {
			f.Evidence = append(f.Evidence, e)
		}
		f.Cause, f.Confidence, f.Missing = analyze.ClientsFiltered, analyze.High, nil
	case v.serviceMissing():
		f.Cause, f.Missing = analyze.NoListenerOnVIP, nil
		f.Confidence = analyze.Medium
		if filterGap {
			// Nothing listens, and the filter, which would explain the
			// silence (a socket-less port answers RST), was not read.
			f.Confidence = analyze.Low
			notRead(gap)
		}
		if v.httpListenMissing() == acceptYes && !hasKind(f, analyze.EvFactHTTPListenOnly) {
			f.Evidence = append(f.Evidence, httpListenEvidence(v.facts))
		}
	case filterGap:
		notRead(gap)
	}
}

// receiveAccepts says the NICs the SYNs arrive on all accept the VIP.
func (v *hostView) receiveAccepts() bool {
	if !v.facts.AddrsRead || v.owner == nil || len(v.nics) == 0 && v.facts.OS == "windows" {
		return false
	}
	no, unknown := v.split()
	return len(no) == 0 && len(unknown) == 0
}

// hostModelAccepts says the facts show the host accepting SYNs to the VIP
// on the NIC they arrive on, and able to answer from it.
func (v *hostView) hostModelAccepts() bool {
	return v.receiveAccepts() && v.replyBlocked() == acceptNo
}

// serviceMissing says the facts show nothing that would take the VIP's
// port: no Linux socket, no IIS site, or HTTP.sys listening elsewhere.
func (v *hostView) serviceMissing() bool {
	if v.facts.OS == "linux" {
		return v.listenerMissing() == acceptYes
	}
	return v.siteMissing() == acceptYes || v.httpListenMissing() == acceptYes
}

func hasKind(f *analyze.Finding, k analyze.EvidenceKind) bool {
	return slices.ContainsFunc(f.Evidence, func(e analyze.Evidence) bool { return e.Kind == k })
}
