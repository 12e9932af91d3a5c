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
	t.earlySingles.confirm(t.now, int64(t.grace))
	t.expireGone(force)
	if t.orphanQ.len() > 0 {
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
	if a.Early && a.Outcome == Pending {
		// A flood: a single SYN younger than the grace time. The capture
		// goes on (more SYNs keep coming), so it is unanswered unless
		// the capture ends within the grace time after it: kept to be
		// checked then.
		a.Outcome = Unanswered
		t.earlySingles.note(a.FirstTS.UnixNano())
	}
	t.hand(a)
	g := goneKeys{seq: t.win.head, at: t.now,
		reply: replyHash(a.Client, a.Server.Port(), a.ISN), flow: flowHash(a.Client, a.Server)}
	if a.synLen > 0 {
		g.tfo, g.replyTFO = true, replyHash(a.Client, a.Server.Port(), a.ISN+a.synLen)
	}
	if a.wrongSrc {
		g.wrong, g.wrongSrcFlow = true, flowHash(a.Client, netip.AddrPortFrom(a.ReplySrc, a.Server.Port()))
	}
	t.win.pop()
	t.remember(g)
}

// remember keeps a finished attempt's keys, forgetting the oldest early
// when maxGone are kept.
func (t *tracker) remember(g goneKeys) {
	if t.gone.len() >= t.maxGone {
		t.forgotten++
		t.forget(*t.gone.oldest())
		t.gone.pop()
	}
	_, slot := t.gone.push()
	*slot = g
}

// hand counts a final attempt and gives it to the consumer.
func (t *tracker) hand(a *track) {
	t.totals.add(a)
	if t.emitFail == nil && t.totals.emit != nil {
		t.emitFail = t.totals.emit(&a.Attempt)
	}
}

// earlySingles are the first SYNs of attempts decided early as
// unanswered that could still turn out pending: those less than the
// grace time old. At the end, those the capture did not outlive by the
// grace time are counted, and said.
type earlySingles struct {
	ts       ring[int64]
	overflow int // dropped unchecked past maxEarlySingles: counted as doubtful
}

const maxEarlySingles = 1 << 20

func (e *earlySingles) note(ts int64) {
	if e.ts.len() >= maxEarlySingles {
		e.ts.pop()
		e.overflow++
	}
	_, slot := e.ts.push()
	*slot = ts
}

// confirm forgets the ones that the capture has outlived by the grace
// time: they are unanswered.
func (e *earlySingles) confirm(now, grace int64) {
	for ts := e.ts.oldest(); ts != nil && now-*ts >= grace; ts = e.ts.oldest() {
		e.ts.pop()
	}
}

// doubtful is, at the end of the capture, how many are counted
// unanswered that a longer table would have left pending.
func (e *earlySingles) doubtful(end, grace int64) int {
	e.confirm(end, grace)
	return e.ts.len() + e.overflow
}

// goneFor is how long a finished attempt's keys are kept after it left:
// two horizons, so a SYN retransmitted up to three horizons after the
// first is counted to its attempt.
func (t *tracker) goneFor() int64 { return 2 * int64(t.horizon) }

// expireGone forgets the finished attempts whose packets can no longer
// come; a connection still in use is kept for another while.
func (t *tracker) expireGone(all bool) {
	for g := t.gone.oldest(); g != nil; g = t.gone.oldest() {
		if !all && t.now-g.at < t.goneFor() {
			break
		}
		k := *g
		t.gone.pop()
		if f, ok := t.byFlow[k.flow]; !all && ok && f.seq == k.seq && f.last > k.at {
			k.at = f.last
			t.remember(k)
			continue
		}
		t.forget(k)
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
	t.release()
}

// release lets the garbage collector have the tables that follow open
// attempts, once every attempt has left: after a flood they hold hundreds
// of megabytes that building the report would otherwise have to fit
// beside.
func (t *tracker) release() {
	t.win, t.gone = window{}, ring[goneKeys]{}
	t.byReply, t.byFlow, t.orphans, t.orphanQ = nil, nil, nil, ring[orphanRef]{}
}

// idle moves the clock to ts, a time until which a live capture went on
// without traffic, and lets the attempts leave that can.
func (t *tracker) idle(ts time.Time) {
	if ts.After(t.clock) {
		t.clock, t.now = ts, ts.UnixNano()
		t.drain(false)
	}
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
