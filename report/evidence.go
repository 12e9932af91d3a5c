package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// EvidencePerFinding is how many of a finding's attempts go into an
// evidence file besides the frames its evidence cites.
const EvidencePerFinding = 50

// EvidenceComments says, for each frame behind the findings, what it
// shows: the packet comments of the evidence pcapng. A frame behind
// several findings gets one comment for each.
func EvidenceComments(r *analyze.Result) map[analyze.FrameRef][]string {
	out := map[analyze.FrameRef][]string{}
	for _, ef := range r.EvidenceFrames(EvidencePerFinding) {
		f := &r.Findings[ef.Finding]
		a := &r.Attempts[ef.Attempt]
		flow := fmt.Sprintf("%s → %s", a.Client, a.Server)
		var what string
		switch ef.Role {
		case analyze.RoleFirstSyn:
			what = fmt.Sprintf("the first SYN of %s (%s in all; outcome %s)", flow, count(a.Syns, "SYN"), a.Outcome)
		case analyze.RoleLastSyn:
			what = fmt.Sprintf("the last retransmission of the SYN of %s (SYN %d of %d; outcome %s)", flow, a.Syns, a.Syns, a.Outcome)
		case analyze.RoleReply:
			what = fmt.Sprintf("the %s from %s answering %s (outcome %s)", replyName(a.Outcome), a.ReplySrc, flow, a.Outcome)
		case analyze.RoleAck:
			what = fmt.Sprintf("the client's ACK that completed %s", flow)
		}
		out[ef.Ref] = append(out[ef.Ref], fmt.Sprintf("slbdiag finding %d, %s (confidence %s): %s. Frame %s in %s.",
			ef.Finding+1, f.Cause, f.Confidence, what, fmt.Sprint(ef.Ref.Frame), fileName(r, ef.Ref.File)))
	}
	return out
}

func replyName(o analyze.Outcome) string {
	switch o {
	case analyze.Refused:
		return "RST"
	case analyze.Unreachable:
		return "ICMP error"
	}
	return "SYN-ACK"
}
