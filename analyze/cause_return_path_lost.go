package analyze

import "net/netip"

// ReturnPathLost (return-path-lost): SYN-ACKs leave the host and never
// reach the clients. Its detector and the counters only it reads are in
// this file; its texts are in report/cause_return_path_lost.go, and the
// host-facts check it names (facts) in hostcheck.
const ReturnPathLost Cause = "return-path-lost"

var returnPathLostCause = causeDef{
	cause:    ReturnPathLost,
	outcomes: []Outcome{SynAckNoAck},
	onHost:   true,
	facts:    FactsNone,
	detect:   (*diagnosis).returnPathLostAt,
}

// The evidence only this cause gives.
const (
	EvSynAckSent     EvidenceKind = "synack-sent"      // the server sent SYN-ACKs the clients never acknowledged
	EvSynAfterSynAck EvidenceKind = "syn-after-synack" // clients retransmitted their SYN after the SYN-ACK left
)

func (d *diagnosis) returnPathLostAt(dest *Destination, t *destTotals) []Finding {
	return one(d.returnPathLost(dest, t))
}

// returnPathLost: the server sent SYN-ACKs that the clients never
// acknowledged. When the clients retransmit their SYN after the SYN-ACK
// left, the SYN-ACK never reached them: it was lost on the way back.
func (d *diagnosis) returnPathLost(dest *Destination, t *destTotals) (Finding, bool) {
	if dest.Counts[SynAckNoAck] == 0 {
		return Finding{}, false
	}
	f := newFinding(ReturnPathLost, dest.Server, &t.all, SynAckNoAck)
	sent := Evidence{Kind: EvSynAckSent, Count: f.Attempts, Frames: t.all.replyEx[SynAckNoAck],
		Filter: synAckFilter(dest.Server.Addr(), dest.Server.Port()) + " && !tcp.analysis.retransmission && tcp.completeness & 0x01 && !(tcp.completeness & 0x04)",
		Addr:   t.noAckClient} // an example client, for the fix's route lookup
	f.Evidence = append(f.Evidence, sent)
	if t.synAfterSynAck > 0 {
		resent := t.all.synsBy[SynAckNoAck] - t.all.counts[SynAckNoAck]
		f.Evidence = append(f.Evidence, Evidence{Kind: EvSynAfterSynAck, Count: resent, Attempts: t.synAfterSynAck, Frames: t.synAfterEx,
			Filter: synFilter(dest.Server, "") + " && tcp.analysis.retransmission && tcp.completeness & 0x02 && !(tcp.completeness & 0x04)"})
		f.Confidence = High
	} else {
		f.Confidence = Medium
		f.Missing = []EvidenceKind{EvSynAfterSynAck}
	}
	d.setHost(&f, dest.Server.Addr())
	return f, true
}

// returnTotals are a destination's SYN-ACKs the clients never
// acknowledged: an example client, and the attempts whose SYN was sent
// again after the SYN-ACK left.
type returnTotals struct {
	noAckClient    netip.Addr
	synAfterSynAck int
	synAfterEx     []FrameRef
}

func (d *returnTotals) add(a *Attempt) {
	if a.Outcome != SynAckNoAck {
		return
	}
	if !d.noAckClient.IsValid() {
		d.noAckClient = a.Client.Addr()
	}
	if a.Syns > 1 && a.LastSynTS.After(a.ReplyTS) {
		d.synAfterSynAck++
		d.synAfterEx = appendExample(d.synAfterEx, a.LastSyn)
	}
}
