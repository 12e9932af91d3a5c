package analyze

import (
	"net/netip"
	"time"
)

// What answers an attempt: a SYN-ACK or RST from the server port, or an
// ICMP error quoting the SYN, matched by what it acknowledges (or
// quotes), whatever its source address.

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
	rk := replyHash(client, p.sport, p.ack-1)
	r, ok := t.byReply[rk]
	if !ok {
		r, ok = t.fragmentedSyn(p, client)
	}
	if !ok {
		if p.flags&flagSYN != 0 {
			return t.hold(p, rk, ref, ts)
		}
		return false
	}
	a := t.win.at(r.seq)
	if a == nil {
		t.lateReply(r, ts)
		return true
	}
	if a.Client != client || a.Server.Port() != p.sport || (a.ISN != p.ack-1 && a.ISN+a.synLen != p.ack-1 && !a.fragAck(p.ack)) {
		return false
	}
	if p.flags&flagSYN != 0 {
		t.synAck(a, r.seq, p, client, ref, ts)
	} else if !a.synAck && !a.wrongSrc && !a.refused {
		a.refused = true
		a.setReply(p, ref, ts)
	}
	a.settle()
	return true
}

// fragmentedSyn finds the attempt a reply from its server answers when
// the SYN came in IP fragments and carried data (TCP Fast Open): only
// the first fragment's payload was seen, so the reply acknowledges more
// than ISN+1 plus that.
func (t *tracker) fragmentedSyn(p *packet, client netip.AddrPort) (replyRef, bool) {
	f, ok := t.byFlow[flowHash(client, netip.AddrPortFrom(p.src, p.sport))]
	if !ok {
		return replyRef{}, false
	}
	a := t.win.at(f.seq)
	if a == nil || a.Client != client || !a.fragAck(p.ack) {
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
	if p.src == a.Server.Addr() {
		if !a.synAck {
			a.synAck, a.synAckSeq = true, p.seq
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
		t.byFlow[flowHash(client, netip.AddrPortFrom(p.src, p.sport))] = flowRef{seq: seq}
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
	o.p.payload = nil
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
	return flowKey{netip.AddrPortFrom(o.p.dst, o.p.dport), netip.AddrPortFrom(o.p.src, o.p.sport)}
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
	q := &p.quoted
	client := netip.AddrPortFrom(q.Src, q.Sport)
	r, ok := t.byReply[replyHash(client, q.Dport, q.Seq)]
	if !ok {
		return
	}
	a := t.win.at(r.seq)
	if a == nil {
		t.latePackets++
		return
	}
	if a.Client == client && a.Server.Addr() == q.Dst && a.ISN == q.Seq &&
		!a.synAck && !a.wrongSrc && !a.refused && !a.unreachable {
		a.unreachable = true
		a.setReply(p, ref, ts)
		a.settle()
	}
}

func (a *track) setReply(p *packet, ref FrameRef, ts time.Time) {
	a.Reply, a.ReplyTS, a.ReplySrc = ref, ts, p.src
}
