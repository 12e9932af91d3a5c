package analyze

import (
	"github.com/slbdiag/slbdiag/decode"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	t0     = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	client = netip.MustParseAddrPort("198.51.100.23:50000")
	vip    = netip.MustParseAddrPort("192.0.2.10:443")
	real   = netip.MustParseAddrPort("10.0.0.5:443")
	router = netip.MustParseAddr("10.0.0.1")
)

// step is one packet at a time offset, for table tests of the tracker.
type step struct {
	at time.Duration
	p  packet
}

func tcp(src, dst netip.AddrPort, flags uint8, seq, ack uint32) packet {
	return packet{Packet: decode.Packet{Src: src.Addr(), Dst: dst.Addr(), IsTCP: true, Sport: src.Port(), Dport: dst.Port(), Flags: flags, Seq: seq, Ack: ack}}
}

func synP(c, s netip.AddrPort, isn uint32) packet { return tcp(c, s, flagSYN, isn, 0) }
func synAckP(from, c netip.AddrPort, isn, sisn uint32) packet {
	return tcp(from, c, flagSYN|flagACK, sisn, isn+1)
}
func withPayload(p packet, n int) packet                { p.payloadLen = n; return p }
func fragmented(p packet) packet                        { p.Fragment = true; return p }
func ackP(c, s netip.AddrPort, isn, sisn uint32) packet { return tcp(c, s, flagACK, isn+1, sisn+1) }
func rstP(s, c netip.AddrPort, isn uint32) packet       { return tcp(s, c, flagRST|flagACK, 0, isn+1) }
func icmpP(c, s netip.AddrPort, isn uint32) packet {
	return packet{Packet: decode.Packet{Src: router, Dst: c.Addr(), IsICMPErr: true,
		Quoted: decode.QuotedTCP{Src: c.Addr(), Dst: s.Addr(), Sport: c.Port(), Dport: s.Port(), Seq: isn}}}
}

// outcomeOf is the part of an attempt the table tests compare.
type outcomeOf struct {
	Client, Server netip.AddrPort
	ISN            uint32
	Outcome        string
	Syns           int
	First, Reply   int
	ReplySrc       netip.Addr
}

func runSteps(steps []step, end time.Duration) ([]outcomeOf, *tracker) {
	a := testAnalyzer()
	tr := a.tr
	var got []outcomeOf
	tr.totals.emit = func(a *Attempt) error {
		got = append(got, outcomeOf{a.Client, a.Server, a.ISN, a.Outcome.String(), a.Syns, a.First.Frame, a.Reply.Frame, a.ReplySrc})
		return nil
	}
	for _, s := range steps {
		feed(a, s.p, t0.Add(s.at))
	}
	tr.finish(t0.Add(end))
	return got, tr
}

func TestTrackerOutcomes(t *testing.T) {
	const isn, sisn = 1000, 9000
	other := netip.MustParseAddrPort("198.51.100.23:50001")
	tests := []struct {
		name  string
		steps []step
		end   time.Duration // capture end, from t0
		want  []outcomeOf
	}{{
		name:  "completed",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)}, {2 * time.Millisecond, ackP(client, real, isn, sisn)}},
		end:   2 * time.Millisecond,
		want:  []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name:  "unanswered after retransmission, even at the very end",
		steps: []step{{0, synP(client, vip, isn)}, {300 * time.Millisecond, synP(client, vip, isn)}},
		end:   300 * time.Millisecond,
		want:  []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, netip.Addr{}}},
	}, {
		name:  "single SYN unanswered once the grace time passed",
		steps: []step{{0, synP(client, vip, isn)}},
		end:   time.Second,
		want:  []outcomeOf{{client, vip, isn, "unanswered", 1, 1, 0, netip.Addr{}}},
	}, {
		name:  "single SYN within the grace time is pending",
		steps: []step{{0, synP(client, vip, isn)}},
		end:   999 * time.Millisecond,
		want:  []outcomeOf{{client, vip, isn, "pending", 1, 1, 0, netip.Addr{}}},
	}, {
		name: "TCP Fast Open: the SYN-ACK acknowledges the SYN's data",
		steps: []step{{0, withPayload(synP(client, real, isn), 100)}, {time.Millisecond, tcp(real, client, flagSYN|flagACK, sisn, isn+101)},
			{2 * time.Millisecond, tcp(client, real, flagACK, isn+101, sisn+1)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name: "TCP Fast Open data not taken: the SYN-ACK acknowledges ISN+1 only",
		steps: []step{{0, withPayload(synP(client, real, isn), 100)}, {time.Millisecond, tcp(real, client, flagSYN|flagACK, sisn, isn+1)},
			{2 * time.Millisecond, withPayload(tcp(client, real, flagACK, isn+1, sisn+1), 100)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name: "TCP Fast Open in IP fragments: the SYN-ACK acknowledges more than the first fragment carried",
		steps: []step{{0, fragmented(withPayload(synP(client, real, isn), 240))}, {time.Millisecond, tcp(real, client, flagSYN|flagACK, sisn, isn+401)},
			{2 * time.Millisecond, tcp(client, real, flagACK, isn+401, sisn+1)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name:  "a SYN-ACK acknowledging beyond what an unfragmented SYN carried answers nothing",
		steps: []step{{0, withPayload(synP(client, real, isn), 240)}, {time.Millisecond, tcp(real, client, flagSYN|flagACK, sisn, isn+401)}},
		end:   5 * time.Second,
		want:  []outcomeOf{{client, real, isn, "unanswered", 1, 1, 0, netip.Addr{}}},
	}, {
		name: "the pure ACK was not captured: the client's data acknowledging the SYN-ACK completes",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)},
			{2 * time.Millisecond, withPayload(tcp(client, real, flagACK, isn+1, sisn+1), 517)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name: "a SYN-ACK with data: the client's ACK acknowledges beyond ISN+1",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, withPayload(synAckP(real, client, isn, sisn), 40)},
			{2 * time.Millisecond, tcp(client, real, flagACK, isn+1, sisn+41)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name: "the SYN-ACK recorded a little before its SYN (multi-queue NIC) still answers it",
		steps: []step{{0, synAckP(real, client, isn, sisn)}, {20 * time.Microsecond, synP(client, real, isn)},
			{time.Millisecond, ackP(client, real, isn, sisn)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 2, 1, real.Addr()}},
	}, {
		name: "a SYN retransmitted past the horizon still counts to its attempt, not as a new one",
		steps: []step{{0, synP(client, vip, isn)}, {time.Second, synP(client, vip, isn)}, {3 * time.Second, synP(client, vip, isn)},
			{63 * time.Second, synP(client, vip, isn)}},
		end:  64 * time.Second,
		want: []outcomeOf{{client, vip, isn, "unanswered", 3, 1, 0, netip.Addr{}}},
	}, {
		name:  "a new ISN on the same 4-tuple is a new attempt",
		steps: []step{{0, synP(client, vip, isn)}, {40 * time.Second, synP(client, vip, isn+5000)}},
		end:   45 * time.Second,
		want:  []outcomeOf{{client, vip, isn, "unanswered", 1, 1, 0, netip.Addr{}}, {client, vip, isn + 5000, "unanswered", 1, 2, 0, netip.Addr{}}},
	}, {
		name:  "refused",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, rstP(real, client, isn)}},
		end:   5 * time.Second,
		want:  []outcomeOf{{client, real, isn, "refused", 1, 1, 2, real.Addr()}},
	}, {
		name:  "unreachable",
		steps: []step{{0, synP(client, vip, isn)}, {time.Millisecond, icmpP(client, vip, isn)}},
		end:   5 * time.Second,
		want:  []outcomeOf{{client, vip, isn, "unreachable", 1, 1, 2, router}},
	}, {
		name: "ICMP quoting another ISN is not this attempt's",
		steps: []step{{0, synP(client, vip, isn)}, {time.Millisecond, icmpP(client, vip, isn+5)},
			{time.Second, synP(client, vip, isn)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, netip.Addr{}}},
	}, {
		name: "SYN-ACK never ACKed",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)},
			{time.Second, synP(client, real, isn)}, {time.Second + time.Millisecond, synAckP(real, client, isn, sisn)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "synack-no-ack", 2, 1, 2, real.Addr()}},
	}, {
		name: "SYN-ACK from another address than the SYN's destination",
		steps: []step{{0, synP(client, vip, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)},
			{2 * time.Millisecond, tcp(client, real, flagRST, isn+1, 0)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, vip, isn, "wrong-source", 1, 1, 2, real.Addr()}},
	}, {
		name: "a new ISN on the same 4-tuple is a new attempt",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, rstP(real, client, isn)},
			{time.Second, synP(client, real, isn+77)}, {time.Second + time.Millisecond, synAckP(real, client, isn+77, sisn)},
			{time.Second + 2*time.Millisecond, ackP(client, real, isn+77, sisn)}},
		end: 2 * time.Second,
		want: []outcomeOf{{client, real, isn, "refused", 1, 1, 2, real.Addr()},
			{client, real, isn + 77, "completed", 1, 3, 4, real.Addr()}},
	}, {
		name: "a reply with the wrong ack belongs to no attempt",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn+1, sisn)},
			{3 * time.Second, synP(client, real, isn)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "unanswered", 2, 1, 0, netip.Addr{}}},
	}, {
		name:  "an ACK short of the server's ISN+1 does not complete",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)}, {2 * time.Millisecond, ackP(client, real, isn, sisn-1)}},
		end:   5 * time.Second,
		want:  []outcomeOf{{client, real, isn, "synack-no-ack", 1, 1, 2, real.Addr()}},
	}, {
		name: "RST after the SYN-ACK does not make it refused",
		steps: []step{{0, synP(client, real, isn)}, {time.Millisecond, synAckP(real, client, isn, sisn)},
			{2 * time.Millisecond, ackP(client, real, isn, sisn)}, {3 * time.Millisecond, rstP(real, client, isn)}},
		end:  5 * time.Second,
		want: []outcomeOf{{client, real, isn, "completed", 1, 1, 2, real.Addr()}},
	}, {
		name:  "SYNs to other ports are not attempts",
		steps: []step{{0, synP(client, netip.MustParseAddrPort("10.0.0.5:80"), isn)}},
		end:   5 * time.Second,
		want:  nil,
	}, {
		name: "two clients interleaved keep apart",
		steps: []step{{0, synP(client, real, isn)}, {0, synP(other, real, isn)},
			{time.Millisecond, synAckP(real, other, isn, sisn)}, {2 * time.Millisecond, ackP(other, real, isn, sisn)}},
		end: 5 * time.Second,
		want: []outcomeOf{{client, real, isn, "unanswered", 1, 1, 0, netip.Addr{}},
			{other, real, isn, "completed", 1, 2, 3, real.Addr()}},
	}, {
		name:  "ISN 0xffffffff wraps: the reply acks 0",
		steps: []step{{0, synP(client, real, 0xffffffff)}, {time.Millisecond, synAckP(real, client, 0xffffffff, sisn)}, {2 * time.Millisecond, ackP(client, real, 0xffffffff, sisn)}},
		end:   5 * time.Second,
		want:  []outcomeOf{{client, real, 0xffffffff, "completed", 1, 1, 2, real.Addr()}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runSteps(tt.steps, tt.end)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
				cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrackerMidstream(t *testing.T) {
	const isn, sisn = 1000, 9000
	mid := netip.MustParseAddrPort("198.51.100.99:40000")
	steps := []step{
		{0, tcp(mid, real, flagACK, 5, 6)},                     // joined mid-connection
		{1, tcp(real, mid, flagACK, 6, 5)},                     // its other direction
		{2, synP(client, real, isn)},                           // an attempt
		{3, synAckP(real, client, isn, sisn)},                  //
		{4, ackP(client, real, isn, sisn)},                     //
		{5, tcp(client, real, flagACK|flagFIN, isn+1, sisn+1)}, // belongs to the attempt
	}
	_, tr := runSteps(steps, time.Second)
	if tr.midstreamPackets != 2 || len(tr.midstreamFlows) != 1 {
		t.Errorf("midstream: %d packets in %d flows, want 2 in 1", tr.midstreamPackets, len(tr.midstreamFlows))
	}
	if tr.synPackets != 1 {
		t.Errorf("SYN packets = %d, want 1", tr.synPackets)
	}
}

// A SYN-ACK whose SYN never comes is held for the reorder window, then
// counted once as a packet of a connection joined late; thousands of them
// (a capture of the server's side only) leave in order, each looked at
// once.
func TestTrackerOrphanSynAcks(t *testing.T) {
	var steps []step
	const n = 3 * maxOrphans
	for i := range n {
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, byte(i >> 8), byte(i)}), 40000)
		steps = append(steps, step{time.Duration(i) * 100 * time.Microsecond, synAckP(real, c, uint32(i), 9000)})
	}
	_, tr := runSteps(steps, time.Second)
	if tr.midstreamPackets != n || len(tr.orphans) != 0 || tr.orphanQ.len() != 0 {
		t.Errorf("%d packets counted joined late, %d held, %d queued; want %d, 0, 0", tr.midstreamPackets, len(tr.orphans), tr.orphanQ.len(), n)
	}
}
