package analyze

import "time"

// A capture's clock can be wrong: a device that booted without one writes
// 1970, a clock stepped by NTP mid-capture sends frames years back or
// ahead, a merged file interleaves badly. Outcomes rest on the times
// between packets, so such times are counted and said, once per input.
var (
	// timesFrom and timesUntil bound plausible capture times: nothing
	// slbdiag reads was captured before 1995, and 2100 is far enough.
	timesFrom  = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	timesUntil = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	// timesBack is how far a frame may go back behind the latest time of
	// its input before it counts: captures of several interfaces or
	// CPUs are often out of order by microseconds.
	timesBack = time.Second
	// timesGap is the longest plausible gap between two frames of one input.
	timesGap = 365 * 24 * time.Hour
)

// oddTimes counts one input's frames with odd timestamps and keeps the
// first.
type oddTimes struct {
	n      int
	frame  int       // the first odd frame's number
	before time.Time // the latest time before it
	at     time.Time // its time
}

// checkTime looks at the time of frame (its number in the input) against
// the input's latest time so far (info.Last, before it moves on).
func (a *analyzer) checkTime(file int, info *InputInfo, frame int, ts time.Time) {
	odd := ts.Before(timesFrom) || !ts.Before(timesUntil)
	if frame > 1 {
		odd = odd || ts.Before(info.Last.Add(-timesBack)) || ts.After(info.Last.Add(timesGap))
	}
	if !odd {
		return
	}
	o := &a.times[file]
	if o.n == 0 {
		o.frame, o.at = frame, ts
		if frame > 1 {
			o.before = info.Last
		}
	}
	o.n++
}

// timeWarnings are the odd-timestamps warnings, one per input that has
// such frames.
func (a *analyzer) timeWarnings() []Warning {
	var ws []Warning
	for i, o := range a.times {
		if o.n > 0 {
			ws = append(ws, Warning{Kind: WarnTimestamps, File: i, Count: o.n, Frame: o.frame, Before: o.before, At: o.at, Offset: -1})
		}
	}
	return ws
}
