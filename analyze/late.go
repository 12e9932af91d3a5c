package analyze

import "time"

// lateReply counts a reply that came after its attempt left the window,
// and notes how long after the attempt's first SYN it came.
func (t *tracker) lateReply(r replyRef, ts time.Time) {
	t.latePackets++
	if r.synSec == 0 {
		return
	}
	if d := time.Duration(ts.Unix()-int64(r.synSec)) * time.Second; d > t.lateBy {
		t.lateBy = d
	}
}

// rerunHorizon is the horizon to suggest when replies came up to lateBy
// after their first SYN: past it, on a 30 s step, so that a reply 65 s
// late (Linux's last SYN retransmission is at 63 s) asks for 90s. It is 0
// when no reply was late past horizon.
func rerunHorizon(horizon, lateBy time.Duration) time.Duration {
	if lateBy < horizon {
		return 0
	}
	const step = 30 * time.Second
	return (lateBy/step + 1) * step
}
