package analyze

import (
	"fmt"
	"net"
)

// StrongHostReceive (strong-host-receive): SYNs to a VIP reach the host and
// none is answered: the strong host model drops them. Its detector and the
// counters only it reads are in this file; its texts are in
// report/cause_strong_host_receive.go, and the host-facts check it names
// (facts) in hostcheck.
const StrongHostReceive Cause = "strong-host-receive"

var strongHostReceiveCause = causeDef{
	cause:    StrongHostReceive,
	outcomes: []Outcome{Unanswered, Pending},
	facts:    FactsHostModel,
	detect:   (*diagnosis).strongHostAt,
}

// The evidence only this cause gives.
const (
	EvNeverSource      EvidenceKind = "never-source"          // the destination never sent a packet
	EvHostMAC          EvidenceKind = "delivered-to-host-mac" // the SYNs went to the MAC the host sends from
	EvOtherHostsAnswer EvidenceKind = "other-hosts-answer"    // SYNs to the VIP delivered to other MACs were answered
)

// strongHostAt: the whole destination, or the part of it delivered to one
// backend of several.
func (d *diagnosis) strongHostAt(dest *Destination, t *destTotals) []Finding {
	if d.diedBeforeBackend(dest, t) {
		return nil // the backend never saw them: no-traffic-to-vip
	}
	fs := one(d.strongHostReceive(scope{dest: dest, t: &t.all, sent: dest.Sent, macs: dest.SynMACs}))
	return append(fs, d.perHost(dest, t)...)
}

// perHost diagnoses a VIP whose SYNs went to several MACs (several
// backends, or several captures merged) one MAC at a time. The host model
// is all or nothing per host, so a backend that drops every SYN to the VIP
// while others answer is a strong-host-receive finding for that backend,
// not partial loss.
func (d *diagnosis) perHost(dest *Destination, t *destTotals) []Finding {
	if !dest.Role.IsVIP() || len(t.macs) < 2 || dest.Counts[Unanswered] == 0 {
		return nil
	}
	var fs []Finding
	for i := range t.macs {
		m := &t.macs[i]
		c := m.counts
		if c[Unanswered] == 0 || c.Total() != c[Unanswered]+c[Pending] {
			continue
		}
		mac := net.HardwareAddr(m.mac[:]).String()
		// Through this MAC, the VIP never answered.
		f, ok := d.strongHostReceive(scope{dest: dest, t: &m.tally, macs: []string{mac}, mac: mac})
		if !ok {
			continue
		}
		f.Via = mac
		if other := dest.Counts[Completed]; other > 0 {
			var frames []FrameRef
			for j := range t.macs {
				if j != i {
					for _, fr := range t.macs[j].firstEx[Completed] {
						frames = appendExample(frames, fr)
					}
				}
			}
			f.Evidence = append(f.Evidence, Evidence{Kind: EvOtherHostsAnswer, Count: other,
				Frames: frames, Filter: completedFilter(dest.Server)})
		}
		fs = append(fs, f)
	}
	return fs
}

// strongHostReceive: SYNs to a VIP, none answered, the VIP never a source.
// Only a destination that is not an address the host answers from can be
// dropped by the strong host model.
func (d *diagnosis) strongHostReceive(s scope) (Finding, bool) {
	c := s.t.counts
	if !s.dest.Role.IsVIP() || s.sent > 0 || c[Unanswered] == 0 ||
		c[Completed]+c[SynAckNoAck]+c[WrongSource]+c[Refused] > 0 {
		return Finding{}, false
	}
	server := s.dest.Server
	f := newFinding(StrongHostReceive, server, s.t, Unanswered)
	f.Evidence = append(f.Evidence, unansweredSyns(server, s.t, s.mac))
	if rt := retransmissions(server, s.t, s.mac); rt.Count > 0 {
		f.Evidence = append(f.Evidence, rt)
	}
	if s.mac == "" {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvNeverSource, Filter: addrFilter("src", server.Addr())})
	}
	host, mac, delivered := d.hostByMAC(server.Addr(), s.macs)
	if delivered {
		f.Evidence = append(f.Evidence, Evidence{Kind: EvHostMAC, Addr: host, MAC: mac,
			Filter: fmt.Sprintf("eth.dst==%s && %s", mac, addrFilter("dst", server.Addr()))})
	}
	own, works := d.ownAddressWorks(server.Port(), host)
	if works {
		f.Evidence = append(f.Evidence, own)
		host = own.Addr
	}
	switch {
	case delivered && works:
		f.Confidence = High
	case delivered || works:
		f.Confidence = Medium
	default:
		f.Confidence = Low
	}
	if !delivered {
		f.Missing = append(f.Missing, EvHostMAC)
	}
	if !works {
		f.Missing = append(f.Missing, EvOwnAddrWorks)
	}
	// A host firewall that drops the SYNs to the VIP while letting those
	// to the host's own address through looks the same on the wire: only
	// the host's configuration tells them apart.
	if f.Confidence == High {
		f.Confidence = Medium
	}
	f.Missing = append(f.Missing, EvHostConfig)
	d.setHost(&f, host)
	return f, true
}
