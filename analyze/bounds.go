package analyze

import "fmt"

// EstimateError is the bound, in percent, on a distinct-client count
// marked as estimated.
const EstimateError = distinctError

// boundWarnings says which bounds of the tracker were reached and which
// counts that made inexact, by how much. Counts not named stay exact.
func (t *tracker) boundWarnings(r *Result) []Warning {
	var ws []Warning
	add := func(w Warning) {
		w.File = -1
		ws = append(ws, w)
	}
	if t.early > 0 {
		add(Warning{Kind: WarnEarly, Count: t.early, Limit: t.maxOpen, Detail: t.horizon.String(),
			Attempts: t.earlySingles.doubtful(t.now, int64(t.grace))})
	}
	if t.lateSyns+t.latePackets > 0 {
		add(Warning{Kind: WarnLate, Count: t.lateSyns, Attempts: t.latePackets, Detail: t.horizon.String(),
			Rerun: rerunHorizon(t.horizon, t.lateBy)})
	}
	if t.forgotten > 0 {
		add(Warning{Kind: WarnForgotten, Count: t.forgotten, Limit: t.maxGone})
	}
	rt := t.totals
	if n := rt.other.all.counts.Total(); n > 0 {
		dests, est := rt.otherDests.count()
		w := Warning{Kind: WarnDestsCapped, Count: dests, Attempts: n, Limit: maxDests}
		if est {
			w.Detail = "estimated"
		}
		add(w)
	}
	estimated := 0
	for _, d := range r.Destinations {
		if d.ClientsEstimated {
			estimated++
		}
	}
	for _, f := range r.Findings {
		if f.ClientsEstimated {
			estimated++
		}
	}
	if estimated > 0 {
		add(Warning{Kind: WarnEstimated, Count: estimated, Detail: fmt.Sprint(EstimateError)})
	}
	if t.addrsCapped > 0 {
		add(Warning{Kind: WarnAddrsCapped, Count: t.addrsCapped, Limit: maxAddrs})
	}
	if t.arpsCapped > 0 {
		add(Warning{Kind: WarnARPCapped, Count: t.arpsCapped, Limit: maxARPClaims})
	}
	macs := 0
	for _, d := range r.Destinations {
		macs += d.OtherMACs
	}
	if macs > 0 {
		add(Warning{Kind: WarnMACsCapped, Count: macs, Limit: maxDestMACs})
	}
	if n := rt.hops.dropped; n > 0 {
		add(Warning{Kind: WarnHopsCapped, Count: n, Limit: maxHopCandidates})
	}
	return ws
}
