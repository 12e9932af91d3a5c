package watch

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/report"
)

// causeTally is how many incidents named a cause, and the failed attempts
// in them.
type causeTally struct {
	incidents, attempts int
}

// status rewrites the status line on a terminal, once a second.
func (w *Watcher) status() {
	if !w.cfg.Status {
		return
	}
	now := w.cfg.Now()
	if now.Sub(w.lastStatus) < time.Second {
		return
	}
	w.lastStatus = now
	open := ""
	if w.open != nil {
		open = ", one open"
	}
	if n := w.queued.Load(); n > 0 {
		open += fmt.Sprintf(", %d being written", n)
	}
	used := w.disk.usedNow() // before w.mu: the budget logs while it holds its own lock
	w.mu.Lock()
	fmt.Fprintf(w.stderr, "\r%d packets, %d attempts, %d failures, %d incidents%s, %s of %s disk\x1b[K",
		w.packets, w.attempts, w.failures.Failed(), w.written.Load(), open, english.Size(float64(used)), english.Size(float64(w.cfg.MaxDisk)))
	w.mu.Unlock()
}

// Totals are what a whole watch saw.
type Totals struct {
	Packets, Attempts, Failures, Incidents int
}

// Summary says in the log what the whole run saw (res is Run's result)
// and returns its totals.
func (w *Watcher) Summary(res *analyze.Result) Totals {
	var parts []string
	for _, o := range analyze.Outcomes() {
		if o.Failed() && w.failures[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", o, w.failures[o]))
		}
	}
	failed := ""
	if len(parts) > 0 {
		failed = " (" + strings.Join(parts, ", ") + ")"
	}
	w.Logf("watched %s, %s, %d failed%s; %s written", english.Plural(w.packets, "packet"), english.Plural(w.attempts, "attempt"), w.failures.Failed(), failed, english.Plural(int(w.written.Load()), "incident"))
	for _, wn := range res.Warnings {
		if wn.Kind == analyze.WarnDrops {
			w.Logf("the capture dropped %s of %s received over the run: failed handshakes among them were not seen", english.Plural(wn.Count, "packet"), english.Plural(wn.Received, "packet"))
		}
	}
	w.mu.Lock()
	type ranked struct {
		cause analyze.Cause
		causeTally
	}
	var rs []ranked
	for c, t := range w.causes {
		rs = append(rs, ranked{c, *t})
	}
	w.mu.Unlock()
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.incidents != b.incidents {
			return b.incidents - a.incidents
		}
		if a.attempts != b.attempts {
			return b.attempts - a.attempts
		}
		return strings.Compare(string(a.cause), string(b.cause))
	})
	if len(rs) > 0 {
		w.Logf("causes seen, most incidents first:")
	}
	for _, r := range rs {
		w.Logf("  %s: %s, %s in them (slbdiag explain %s)", r.cause, english.Plural(r.incidents, "incident"), english.Plural(r.attempts, "failed attempt"), r.cause)
	}
	w.Logf("over the whole run: %s", report.Verdict(res, w.cfg.Options.Lang))
	return Totals{Packets: w.packets, Attempts: w.attempts, Failures: w.failures.Failed(), Incidents: int(w.written.Load())}
}
