package analyze

import (
	"net/netip"
	"time"
)

// What answers an attempt: a SYN-ACK or RST from the server port, or an
// ICMP error quoting the SYN, matched by what it acknowledges (or
// quotes). A reply from the SYN's destination answers it; a reply from
// another address is a wrong-source reply only when no attempt with the
// same client port and ISN went to that address (a capture holding one
// SYN before and after a load balancer's NAT has two such attempts).

// orphan is a SYN-ACK (or RST) that came before the SYN it answers, as a
// capture merged from several queues or files may record them.
type orphan struct {
	p   packet
	ref FrameRef
	ts  time.Time
}

// reply takes a SYN-ACK or RST from a watched port: it answers the
// attempt whose ISN+1 (plus the SYN's payload) it acknowledges, whatever
// its source address. It reports whether the packet belongs to an attempt.
func (t *tracker) reply(p *packet, client netip.AddrPort, ref FrameRef, ts time.Time) bool {
	rk := replyHash(client, p.Sport, p.Ack-1)
	r, ok := t.byReply[rk]
	if !ok {
		r, ok = t.fragmentedSyn(p, client)
	}
	if !ok {
		if p.Flags&flagSYN != 0 {
			return t.hold(p, rk, ref, ts)
		}
		return false
	}
	if t.win.at(r.seq) == nil {
		t.lateReply(r, ts)
		return true
	}
	answers := func(a *track) bool {
		return a.Client == client && a.Server.Port() == p.Sport &&
			(a.ISN == p.Ack-1 || a.ISN+a.synLen == p.Ack-1 || a.fragAck(p.Ack))
	}
	a, seq := t.answered(r.seq, p.Src, answers)
	if a == nil {
		return false
	}
	if p.Flags&flagSYN != 0 {
		t.synAck(a, seq, p, client, ref, ts)
	} else if !a.synAck && !a.wrongSrc && !a.refused {
		a.refused = true
		a.setReply(p, ref, ts)
	}
	a.settle()
	return true
}

// answered picks, of the open attempts a reply's key leads to (from seq
// through those that share it), the one the reply from src answers: the
// one sent to src, whose reply this is; only when none was may it be
// another's reply from the wrong source, the newest one's not yet
// answered, else the newest one's.
func (t *tracker) answered(seq uint64, src netip.Addr, answers func(*track) bool) (*track, uint64) {
	if a, s := t.replyChain(seq, func(a *track) bool { return answers(a) && a.Server.Addr() == src }); a != nil {
		return a, s
	}
	if a, s := t.replyChain(seq, func(a *track) bool { return answers(a) && !a.synAck && !a.wrongSrc && !a.refused }); a != nil {
		return a, s
	}
	return t.replyChain(seq, answers)
}

// replyChain walks from the open attempt seq through the older open ones
// that share its reply key, newest first, and returns the first that
// match accepts, with its sequence number; nil if none does.
func (t *tracker) replyChain(seq uint64, match func(*track) bool) (*track, uint64) {
	for a := t.win.at(seq); a != nil; a = t.win.at(seq) {
		if match(a) {
			return a, seq
		}
		if a.sameKey == 0 {
			break
		}
		seq = a.sameKey - 1
	}
	return nil, 0
}

// fragmentedSyn finds the attempt a reply from its server answers when
// the SYN came in IP fragments and carried data (TCP Fast Open): only
// the first fragment's payload was seen, so the reply acknowledges more
// than ISN+1 plus that.
func (t *tracker) fragmentedSyn(p *packet, client netip.AddrPort) (replyRef, bool) {
	f, ok := t.byFlow[flowHash(client, netip.AddrPortFrom(p.Src, p.Sport))]
	if !ok {
		return replyRef{}, false
	}
	a := t.win.at(f.seq)
	if a == nil || a.Client != client || !a.fragAck(p.Ack) {
		return replyRef{}, false
	}
	return replyRef{seq: f.seq, dest: a.dest}, true
}

// fragAck reports whether ack acknowledges a fragmented SYN's data: from
// what its first fragment carried up to the largest IP datagram.
func (a *track) fragAck(ack uint32) bool {
	return a.synFrag && seqAtOrAfter(ack-1, a.ISN+a.synLen) && ack-1-a.ISN <= 65535
}

func (t *tracker) synAck(a *track, seq uint64, p *packet, client netip.AddrPort, ref FrameRef, ts time.Time) {
	a.replyFiles |= fileBit(ref.File)
	if p.Src == a.Server.Addr() {
		if !a.synAck {
			a.synAck, a.synAckSeq = true, p.Seq
			a.setReply(p, ref, ts)
			a.RTT = sameClockRTT(a, ref, ts)
		}
		return
	}
	if !a.synAck && !a.wrongSrc {
		a.wrongSrc = true
		a.setReply(p, ref, ts)
		a.RTT = sameClockRTT(a, ref, ts)
		// The client answers a SYN-ACK from the wrong address (usually
		// with RST); those packets belong to this attempt too.
		t.byFlow[flowHash(client, netip.AddrPortFrom(p.Src, p.Sport))] = flowRef{seq: seq}
	}
}

// hold keeps a SYN-ACK that answers no attempt yet, for a SYN recorded
// after it. It reports whether it was kept.
func (t *tracker) hold(p *packet, rk uint64, ref FrameRef, ts time.Time) bool {
	for len(t.orphans) >= maxOrphans && t.orphanQ.len() > 0 {
		t.dropOldestOrphan()
	}
	if prev, ok := t.orphans[rk]; ok {
		// The same SYN-ACK again (the server's retransmission): the one
		// held is a packet of a connection joined late too.
		t.midstream(prev.flow())
	}
	o := orphan{p: *p, ref: ref, ts: ts}
	o.p.Payload = nil
	t.orphans[rk] = o
	_, q := t.orphanQ.push()
	*q = orphanRef{rk, ts.UnixNano()}
	return true
}

// orphanRef is a held SYN-ACK's key, in the FIFO that lets them go in
// the order they came.
type orphanRef struct {
	key uint64
	ts  int64
}

func (o *orphan) flow() flowKey {
	return flowKey{netip.AddrPortFrom(o.p.Dst, o.p.Dport), netip.AddrPortFrom(o.p.Src, o.p.Sport)}
}

// reorderWindow is how much earlier than its SYN a SYN-ACK may be
// recorded and still answer it: multi-queue NICs and merged captures
// misorder packets by microseconds, never by a round trip.
const reorderWindow = 50 * time.Millisecond

// adopt applies a held SYN-ACK to a new attempt it answers.
func (t *tracker) adopt(a *track, rk uint64) {
	o, ok := t.orphans[rk]
	if !ok || a.FirstTS.Sub(o.ts) > reorderWindow {
		return
	}
	delete(t.orphans, rk)
	t.synAck(a, t.win.tail-1, &o.p, a.Client, o.ref, o.ts)
}

// dropOrphans counts held SYN-ACKs that no SYN claimed in time as the
// packets of connections the capture joined late (all, when the table
// is full).
func (t *tracker) dropOrphans(all bool) {
	for q := t.orphanQ.oldest(); q != nil && (all || t.now-q.ts > int64(reorderWindow)); q = t.orphanQ.oldest() {
		t.dropOldestOrphan()
	}
}

// dropOldestOrphan lets the oldest held SYN-ACK go, unless a SYN took it
// or a newer copy replaced it.
func (t *tracker) dropOldestOrphan() {
	q := *t.orphanQ.oldest()
	t.orphanQ.pop()
	if o, ok := t.orphans[q.key]; ok && o.ts.UnixNano() == q.ts {
		delete(t.orphans, q.key)
		t.midstream(o.flow())
	}
}

func (t *tracker) icmpError(p *packet, ref FrameRef, ts time.Time) {
	q := &p.Quoted
	client := netip.AddrPortFrom(q.Src, q.Sport)
	r, ok := t.byReply[replyHash(client, q.Dport, q.Seq)]
	if !ok {
		return
	}
	if t.win.at(r.seq) == nil {
		t.latePackets++
		return
	}
	a, _ := t.replyChain(r.seq, func(a *track) bool {
		return a.Client == client && a.Server == netip.AddrPortFrom(q.Dst, q.Dport) && a.ISN == q.Seq
	})
	if a != nil && !a.synAck && !a.wrongSrc && !a.refused && !a.unreachable {
		a.unreachable = true
		a.setReply(p, ref, ts)
		a.settle()
	}
}

func (a *track) setReply(p *packet, ref FrameRef, ts time.Time) {
	a.Reply, a.ReplyTS, a.ReplySrc = ref, ts, p.Src
}
