package analyze

import "strings"

// ClientsFiltered (client-traffic-filtered): health probes complete,
// clients' SYNs go unanswered: a filter admits only the probes. Its
// detector and the counters only it reads are in this file; its texts are
// in report/cause_clients_filtered.go, and the host-facts check it names
// (facts) in hostcheck.
const ClientsFiltered Cause = "client-traffic-filtered"

var clientsFilteredCause = causeDef{
	cause:    ClientsFiltered,
	outcomes: []Outcome{Unanswered, Pending},
	onHost:   true,
	facts:    FactsNone,
	detect:   (*diagnosis).clientsFilteredAt,
}

// The evidence only this cause gives.
const (
	EvClientsFail    EvidenceKind = "clients-unanswered" // SYNs from clients (not probes) unanswered
	EvProbesComplete EvidenceKind = "probes-complete"    // handshakes from health-probe ranges completed
)

func (d *diagnosis) clientsFilteredAt(dest *Destination, t *destTotals) []Finding {
	return one(d.clientsFiltered(dest, t))
}

// clientsFiltered: SYNs to an address the host answers from, where the
// health probes' handshakes complete and the clients' go unanswered. The
// host model cannot tell probes from clients; a firewall rule or security
// group that admits only the probe ranges can.
func (d *diagnosis) clientsFiltered(dest *Destination, t *destTotals) (Finding, bool) {
	if dest.Role != RoleHost {
		return Finding{}, false
	}
	fail := &t.clientFail
	if t.probeDone == 0 || fail.counts[Unanswered] == 0 || t.clientDone > 0 {
		return Finding{}, false
	}
	probes := d.r.ProbeNets
	f := newFinding(ClientsFiltered, dest.Server, fail, Unanswered)
	notProbe := "!(" + probeFilter("src", probes) + ")"
	syns, resent := fail.noReplySyns()
	f.Evidence = append(f.Evidence,
		Evidence{Kind: EvClientsFail, Count: syns, Frames: fail.firstEx[Unanswered], Filter: noReplyFilter(dest.Server, "", fail) + " && " + notProbe},
		Evidence{Kind: EvProbesComplete, Count: t.probeDone, Frames: t.probeDoneEx,
			Filter: completedFilter(dest.Server) + " && (" + probeFilter("src", probes) + ")"})
	if fail.retrans > 0 {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvRetransmissions, Count: resent, Attempts: fail.retrans, Frames: fail.retransEx,
			Filter: noReplyFilter(dest.Server, "", fail) + " && " + notProbe + " && tcp.analysis.retransmission"})
	}
	switch {
	case t.probeFail == 0 && fail.retrans > 0:
		f.Confidence = High
	default:
		f.Confidence = Medium
		if fail.retrans == 0 {
			f.Missing = append(f.Missing, EvRetransmissions)
		}
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

// probeFilter matches packets from (dir "src") or to ("dst") a probe range.
func probeFilter(dir string, probes PrefixSet) string {
	tests := make([]string, len(probes))
	for i, p := range probes {
		tests[i] = prefixFilter(dir, p)
	}
	return strings.Join(tests, " || ")
}

// filterTotals are a destination's probes against its clients.
type filterTotals struct {
	probeDone, probeFail, clientDone int
	probeDoneEx                      []FrameRef
	clientFail                       tally // the clients' (not probes') unanswered attempts
}

func (d *filterTotals) add(a *Attempt, key uint64, probe bool, b *addrBudget) {
	o := a.Outcome
	switch {
	case probe && o == Completed:
		d.probeDone++
		d.probeDoneEx = appendExample(d.probeDoneEx, a.First)
	case probe && o.Failed():
		d.probeFail++
	case !probe && o == Completed:
		d.clientDone++
	case !probe && (o == Unanswered || o == Pending || o == Unreachable || o == WrongSource):
		d.clientFail.add(a, key, b)
	}
}
