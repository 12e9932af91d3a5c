package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/report"
)

// causeTally is how many incidents named a cause, and the failed attempts
// in them.
type causeTally struct {
	incidents, attempts int
}

// status rewrites the status line on a terminal, once a second.
func (w *watcher) status() {
	if !w.statusOn {
		return
	}
	now := time.Now()
	if now.Sub(w.lastStatus) < time.Second {
		return
	}
	w.lastStatus = now
	open := ""
	if w.open != nil {
		open = ", one open"
	}
	used := w.disk.usedNow() // before w.mu: the budget logs while it holds its own lock
	w.mu.Lock()
	fmt.Fprintf(w.stderr, "\r%d packets, %d attempts, %d failures, %d incidents%s, %s of %s disk\x1b[K",
		w.packets, w.attempts, w.failures.Failed(), w.written.Load(), open, sizeText(float64(used)), sizeText(float64(w.c.maxDisk)))
	w.mu.Unlock()
}

// summary says on exit what the whole run saw, and maps it to the exit
// status: problems when any handshake failed.
func (w *watcher) summary(res *analyze.Result) error {
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
	w.logf("watched %s, %s, %d failed%s; %s written", plural(w.packets, "packet"), plural(w.attempts, "attempt"), w.failures.Failed(), failed, plural(int(w.written.Load()), "incident"))
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
		w.logf("causes seen, most incidents first:")
	}
	for _, r := range rs {
		w.logf("  %s: %s, %s in them (slbdiag explain %s)", r.cause, plural(r.incidents, "incident"), plural(r.attempts, "failed attempt"), r.cause)
	}
	w.logf("over the whole run: %s", report.Verdict(res, w.c.flags.opts.Lang))
	switch {
	case w.failures.Failed() > 0 || w.written.Load() > 0:
		return errProblems
	case w.attempts == 0:
		return errNothingJudged
	}
	return nil
}
