package analyze

import (
	"cmp"
	"slices"
)

// FrameRole is what a frame is to its attempt.
type FrameRole string

// Frame roles.
const (
	RoleFirstSyn FrameRole = "first-syn"
	RoleLastSyn  FrameRole = "last-syn" // the last retransmission of the SYN
	RoleReply    FrameRole = "reply"    // the SYN-ACK, RST or ICMP error that decided the outcome
	RoleAck      FrameRole = "ack"      // the client's ACK that completed the handshake
	RoleHello    FrameRole = "client-hello"
	RoleHelloEnd FrameRole = "hello-end" // the server's RST or FIN right after the ClientHello
)

// EvidenceFrame is one frame behind a finding.
type EvidenceFrame struct {
	Ref     FrameRef
	Finding int // index into Result.Findings
	Attempt int // index into Result.Examples
	Role    FrameRole
}

// EvidenceFrames lists the frames behind every finding: those its
// evidence cites, and the SYNs and replies of up to perFinding of the
// attempts it explains. Each frame appears once per finding, in file and
// frame order.
func (r *Result) EvidenceFrames(perFinding int) []EvidenceFrame {
	type owner struct {
		attempt int
		role    FrameRole
	}
	byRef := map[FrameRef]owner{}
	roles := func(i int, add func(FrameRef, FrameRole)) {
		a := &r.Examples[i]
		add(a.First, RoleFirstSyn)
		if a.Syns > 1 {
			add(a.LastSyn, RoleLastSyn)
		}
		add(a.Reply, RoleReply)
		add(a.Ack, RoleAck)
		add(a.Hello, RoleHello)
		add(a.HelloEnd, RoleHelloEnd)
	}
	for i := range r.Examples {
		roles(i, func(ref FrameRef, role FrameRole) {
			if _, ok := byRef[ref]; !ok && !ref.IsZero() {
				byRef[ref] = owner{i, role}
			}
		})
	}
	var out []EvidenceFrame
	for fi := range r.Findings {
		f := &r.Findings[fi]
		seen := map[FrameRef]bool{}
		add := func(ref FrameRef, attempt int, role FrameRole) {
			if !ref.IsZero() && !seen[ref] {
				seen[ref] = true
				out = append(out, EvidenceFrame{Ref: ref, Finding: fi, Attempt: attempt, Role: role})
			}
		}
		for _, e := range f.Evidence {
			for _, ref := range e.Frames {
				if o, ok := byRef[ref]; ok {
					add(ref, o.attempt, o.role)
				}
			}
		}
		var os []Outcome
		if def := causeDefOf(f.Cause); def != nil {
			os = def.outcomes
		}
		for i, n := 0, 0; i < len(r.Examples) && n < perFinding; i++ {
			if a := &r.Examples[i]; a.Server == f.Server && slices.Contains(os, a.Outcome) {
				n++
				roles(i, func(ref FrameRef, role FrameRole) { add(ref, i, role) })
			}
		}
	}
	slices.SortStableFunc(out, func(a, b EvidenceFrame) int {
		return cmp.Or(cmp.Compare(a.Ref.File, b.Ref.File), cmp.Compare(a.Ref.Frame, b.Ref.Frame))
	})
	return out
}
