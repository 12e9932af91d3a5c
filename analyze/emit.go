package analyze

import (
	"net/netip"
	"time"
)

// drain lets the oldest attempts leave the window once they are final or
// older than the horizon; force lets every one leave (the capture ended).
// Attempts leave in order of first SYN, so a final attempt waits behind
// an older open one: that wait is the reorder buffer, bounded by the
// horizon.
func (t *tracker) drain(force bool) {
	horizon := int64(t.horizon)
	for {
		a := t.win.oldest()
		if a == nil || !(force || a.final || t.now-a.FirstTS.UnixNano() >= horizon) {
			break
		}
		t.leave(false)
	}
	t.handLimbo(force)
	t.expireGone(force)
	if len(t.orphans) > 0 {
		t.dropOrphans(force)
	}
}

// leave decides the oldest attempt, hands it on, and keeps its keys a
// while so that its late packets are still recognised.
func (t *tracker) leave(early bool) {
	a := t.win.oldest()
	a.Early = early && !a.final && t.now-a.FirstTS.UnixNano() < int64(t.horizon)
	if a.Early {
		t.early++
	}
	a.decide(t.clock, t.grace)
	if len(t.limbo) > 0 || (a.Early && a.Outcome == Pending) {
		if len(t.limbo) >= maxLimbo {
			t.hand(&t.limbo[0])
			t.limbo = t.limbo[1:]
		}
		t.limbo = append(t.limbo, *a)
	} else {
		t.hand(a)
	}
	g := goneKeys{seq: t.win.head, at: t.now,
		reply: replyHash(a.Client, a.Server.Port(), a.ISN), flow: flowHash(a.Client, a.Server)}
	if a.synLen > 0 {
		g.tfo, g.replyTFO = true, replyHash(a.Client, a.Server.Port(), a.ISN+a.synLen)
	}
	if a.wrongSrc {
		g.wrong, g.wrongSrcFlow = true, flowHash(a.Client, netip.AddrPortFrom(a.ReplySrc, a.Server.Port()))
	}
	t.win.pop()
	if len(t.gone)-t.goneAt >= t.maxGone {
		t.forgotten++
		t.forget(t.gone[t.goneAt])
		t.goneAt++
	}
	t.gone = append(t.gone, g)
}

// hand counts a final attempt and gives it to the consumer.
func (t *tracker) hand(a *track) {
	a.decide(t.clock, t.grace)
	t.totals.add(a)
	if t.emitFail == nil && t.totals.emit != nil {
		t.emitFail = t.totals.emit(&a.Attempt)
	}
}

// maxLimbo bounds the attempts waiting in limbo; past it the oldest is
// handed on as it stands (pending), which the decided-early warning
// covers.
const maxLimbo = 1 << 16

// handLimbo hands on the attempts in limbo that no longer wait: an
// attempt decided early while its single SYN was younger than the grace
// time waits for the grace time to pass (or the capture to end), so that
// pending stays exact; those behind it wait with it, to keep the order.
func (t *tracker) handLimbo(force bool) {
	n := 0
	for n < len(t.limbo) {
		a := &t.limbo[n]
		a.decide(t.clock, t.grace)
		if a.Outcome == Pending && !force {
			break
		}
		t.hand(a)
		n++
	}
	if n > 0 {
		t.limbo = t.limbo[n:]
		if len(t.limbo) == 0 {
			t.limbo = nil
		}
	}
}

// goneFor is how long a finished attempt's keys are kept after it left:
// two horizons, so a SYN retransmitted up to three horizons after the
// first is counted to its attempt.
func (t *tracker) goneFor() int64 { return 2 * int64(t.horizon) }

// expireGone forgets the finished attempts whose packets can no longer
// come; a connection still in use is kept for another while.
func (t *tracker) expireGone(all bool) {
	for t.goneAt < len(t.gone) {
		g := t.gone[t.goneAt]
		if !all && t.now-g.at < t.goneFor() {
			break
		}
		t.goneAt++
		if f, ok := t.byFlow[g.flow]; !all && ok && f.seq == g.seq && f.last > g.at {
			g.at = f.last
			t.gone = append(t.gone, g)
			continue
		}
		t.forget(g)
	}
	// Reuse the queue's space once most of it is spent.
	if t.goneAt > 1024 && t.goneAt > len(t.gone)/2 {
		t.gone = t.gone[:copy(t.gone, t.gone[t.goneAt:])]
		t.goneAt = 0
	}
}

// forget deletes a finished attempt's keys, unless a newer attempt took
// them over.
func (t *tracker) forget(g goneKeys) {
	del := func(k uint64) {
		if r, ok := t.byReply[k]; ok && r.seq == g.seq {
			delete(t.byReply, k)
		}
	}
	del(g.reply)
	if g.tfo {
		del(g.replyTFO)
	}
	for _, k := range []uint64{g.flow, g.wrongSrcFlow} {
		if f, ok := t.byFlow[k]; ok && f.seq == g.seq && (k == g.flow || g.wrong) {
			delete(t.byFlow, k)
		}
	}
}

// finish lets every open attempt leave: the capture has ended at end.
func (t *tracker) finish(end time.Time) {
	if end.After(t.clock) {
		t.clock, t.now = end, end.UnixNano()
	}
	t.drain(true)
}

// openProgress counts the open attempts that would be unanswered if the
// capture ended now.
func (t *tracker) openUnanswered() int {
	n := 0
	for s := t.win.head; s < t.win.tail; s++ {
		a := *t.win.at(s)
		a.decide(t.clock, t.grace)
		if a.Outcome == Unanswered {
			n++
		}
	}
	return n
}
