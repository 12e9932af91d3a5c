package analyze

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slbdiag/slbdiag/decode"
)

var zeroAddr netip.Addr

// withID gives a packet the IP header fields copies share.
func withID(p packet, id uint16) packet {
	p.IPID, p.IPLen, p.Proto = id, 52, 6
	return p
}

// withTS gives a packet a TCP timestamp and no IP ID, as IPv6 SYNs are.
func withTS(p packet, ts uint32) packet {
	p.IPLen, p.Proto, p.TSval = 40, 6, ts
	return p
}

func TestDuplicatesCollapsed(t *testing.T) {
	const isn, sisn = 1000, 9000
	us := time.Microsecond
	syn := withID(synP(client, vip, isn), 0x1234)
	tests := []struct {
		name   string
		steps  []step
		end    time.Duration
		want   []outcomeOf
		copies int
	}{{
		name: "a SYN logged three times in 20 µs is one transmission",
		steps: []step{{0, syn}, {10 * us, syn}, {20 * us, syn},
			{3 * time.Second, withID(synP(client, vip, isn), 0x1300)}, {3*time.Second + 5*us, withID(synP(client, vip, isn), 0x1300)}},
		end:    4 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, zeroAddr}},
		copies: 3,
	}, {
		name:   "a retransmission that keeps its IP ID is still one when it is 1 s later",
		steps:  []step{{0, syn}, {time.Second, syn}},
		end:    2 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, zeroAddr}},
		copies: 0,
	}, {
		name:   "IP ID 0 (some stacks' SYNs): the window alone tells copies from retransmissions",
		steps:  []step{{0, withID(synP(client, vip, isn), 0)}, {40 * time.Millisecond, withID(synP(client, vip, isn), 0)}, {200 * time.Millisecond, withID(synP(client, vip, isn), 0)}},
		end:    2 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, zeroAddr}},
		copies: 1,
	}, {
		name: "IPv6 has no IP ID: a SYN and its retransmission released 9 µs apart differ in their TCP timestamp",
		steps: []step{{0, withTS(synP(client, vip, isn), 1000)}, {9 * us, withTS(synP(client, vip, isn), 3000)},
			{20 * us, withTS(synP(client, vip, isn), 3000)}},
		end:    2 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, zeroAddr}},
		copies: 1,
	}, {
		name: "the same SYN-ACK again after the client's retransmitted SYN is a new transmission, not a copy",
		steps: []step{{0, withTS(synP(client, vip, isn), 1)}, {time.Millisecond, withTS(synAckP(vip, client, isn, sisn), 7)},
			{time.Second, withTS(synAckP(vip, client, isn, sisn), 8)}, {time.Second + 40*us, withTS(synP(client, vip, isn), 2)},
			{time.Second + 50*us, withTS(synAckP(vip, client, isn, sisn), 8)}},
		end:    2 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "synack-no-ack", 2, 1, 2, vip.Addr()}},
		copies: 0,
	}, {
		name:   "a new IP ID within the window is a new transmission",
		steps:  []step{{0, syn}, {time.Millisecond, withID(synP(client, vip, isn), 0x1235)}},
		end:    2 * time.Second,
		want:   []outcomeOf{{client, vip, isn, "unanswered", 2, 1, 0, zeroAddr}},
		copies: 0,
	}, {
		name: "copies of every packet of a handshake: one completed attempt",
		steps: []step{{0, syn}, {5 * us, syn},
			{time.Millisecond, withID(synAckP(real, client, isn, sisn), 7)}, {time.Millisecond + 5*us, withID(synAckP(real, client, isn, sisn), 7)},
			{2 * time.Millisecond, withID(ackP(client, real, isn, sisn), 0x1235)}, {2*time.Millisecond + 5*us, withID(ackP(client, real, isn, sisn), 0x1235)}},
		end:    3 * time.Millisecond,
		want:   []outcomeOf{{client, real, isn, "completed", 1, 1, 3, real.Addr()}},
		copies: 2, // the SYN's and the SYN-ACK's; a copy of the ACK changes nothing and is not looked up
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want[0].Server == real {
				tt.steps[0].p = withID(synP(client, real, isn), 0x1234)
				tt.steps[1].p = tt.steps[0].p
			}
			got, tr := runSteps(tt.steps, tt.end)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
				cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
			var want []Warning
			if tt.copies > 0 {
				want = []Warning{{Kind: WarnDuplicates, File: 0, Count: tt.copies, Detail: "50ms"}}
			}
			if diff := cmp.Diff(want, tr.dupWarnings()); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if syns := tr.synPackets; syns != tt.want[0].Syns {
				t.Errorf("SYN packets %d, want %d", syns, tt.want[0].Syns)
			}
		})
	}
}

// TestDedupForgets checks that the memory of recent packets stays bounded
// whatever the capture holds.
func TestDedupForgets(t *testing.T) {
	d := newDedup()
	for i := range 200000 {
		p := packet{Packet: decode.Packet{Src: client.Addr(), Dst: vip.Addr(), IPID: uint16(i), Seq: uint32(i)}}
		// Bursts of packets 1 µs apart, every one distinct.
		d.copyOf(&p, 0, t0.Add(time.Duration(i)*time.Microsecond))
	}
	if n := d.tail - d.head; n > maxDupEntries {
		t.Errorf("remembers %d packets, want at most %d", n, maxDupEntries)
	}
	if n := len(d.ring); n > maxDupEntries {
		t.Errorf("ring of %d, want at most %d", n, maxDupEntries)
	}
	if n := len(d.index); n > 4*maxDupEntries {
		t.Errorf("index of %d slots, want at most %d", n, 4*maxDupEntries)
	}
}

// TestDedupIndexAgrees checks the table against a plain map doing the same
// job, on traffic whose copies and repeats fall inside and outside the
// window, with the clock stepping back now and then.
func TestDedupIndexAgrees(t *testing.T) {
	d := newDedup()
	seen := map[dupKey]time.Time{}
	type entry struct {
		k  dupKey
		ts time.Time
	}
	var recent []entry
	var latest time.Time
	ts := t0
	for i := range 300000 {
		p := packet{Packet: decode.Packet{Src: client.Addr(), Dst: vip.Addr(), Seq: uint32(i % 5000), IPID: uint16(i % 7)}}
		switch i % 10 {
		case 3:
			ts = ts.Add(-30 * time.Millisecond)
		default:
			ts = ts.Add(time.Duration(i%13) * 100 * time.Microsecond)
		}
		if i%100 == 0 {
			p.Src, p.Dst, p.Sport, p.Dport = p.Dst, p.Src, p.Dport, p.Sport // an answer: a new turn
		}
		k := newDupKey(&p, 0)
		k.turn = d.turns[k.dir(true).hash()]
		if ts.After(latest) {
			latest = ts
		}
		for len(recent) > 0 && (latest.Sub(recent[0].ts) > dupWindow || len(recent) >= maxDupEntries) {
			if seen[recent[0].k].Equal(recent[0].ts) {
				delete(seen, recent[0].k)
			}
			recent = recent[1:]
		}
		last, ok := seen[k]
		want := ok && absDuration(ts.Sub(last)) <= dupWindow
		if !want {
			seen[k] = ts
			recent = append(recent, entry{k, ts})
		}
		if got := d.copyOf(&p, 0, ts); got != want {
			t.Fatalf("packet %d: copy %v, want %v", i, got, want)
		}
	}
}
