package watch

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// Defaults of a watch. The horizon is shorter than analyze's: an
// unanswered attempt is known only once it has passed, and the incident
// should be written while the failure is fresh; the clients'
// retransmissions within it (Linux at 1, 3 and 7 s, Windows at 3 and 9 s)
// are still counted.
const (
	DefaultHorizon = 10 * time.Second
	DefaultBefore  = 30 * time.Second
	DefaultAfter   = 10 * time.Second
	DefaultMaxSpan = 5 * time.Minute
	DefaultTrigger = "unanswered,refused,unreachable,synack-no-ack,wrong-source"
	// Idle is how often a capture without traffic must still move the
	// clock (capture.IdleError): incidents close and settle on time.
	Idle = time.Second
)

// Config is a checked watch.
type Config struct {
	Dir       string // the incidents' folder, created if missing
	Incidents string // where the incident lines go; "-" is the stdout given to New
	Analysis  analyze.Config
	Reports   []Report // each incident's reports
	Redaction report.Redaction
	Options   report.Options
	Before    time.Duration // packets kept ahead of a failed attempt's first SYN
	After     time.Duration // packets kept after an incident's last failure
	MaxSpan   time.Duration // longest incident
	Buffer    int           // bytes of packets the window holds
	MaxDisk   int64         // bytes the incidents may take in Dir
	Trigger   Trigger
	App       string // the writer named in evidence files: "slbdiag VERSION"

	// Now is the wall clock of the log's lines and the status line's
	// pace; nil is time.Now. Incidents follow packet time, never it.
	Now func() time.Time
	// HostFacts reads the host's configuration at the start and for each
	// incident; nil is hostfacts.Read.
	HostFacts func(context.Context) (*hostfacts.Facts, error)
	// Status rewrites a status line on stderr once a second (a terminal).
	Status bool
}

// Report is one report each incident gets: its format, and its file's
// name in the incident's folder.
type Report struct {
	Format, File string
}

// Trigger is which failures open an incident, and how many of them
// within how long.
type Trigger struct {
	on     [8]bool // by analyze.Outcome
	count  int
	within time.Duration
}

// On reports whether o's attempts count towards an incident.
func (t Trigger) On(o analyze.Outcome) bool { return int(o) < len(t.on) && t.on[o] }

// ParseTrigger reads OUTCOMES[:N/DURATION], as --on takes it: failure
// outcomes, comma-separated (or any), optionally N of them within
// DURATION.
func ParseTrigger(s string) (Trigger, error) {
	t := Trigger{count: 1}
	list, rate, hasRate := strings.Cut(s, ":")
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "any" || name == "failed" {
			for _, o := range analyze.Outcomes() {
				t.on[o] = o.Failed()
			}
			continue
		}
		o, ok := outcomeByName(name)
		if !ok || !o.Failed() {
			return t, fmt.Errorf("%q is not a failure outcome (one of %s, or any)", name, DefaultTrigger)
		}
		t.on[o] = true
	}
	if !hasRate {
		return t, nil
	}
	n, d, ok := strings.Cut(rate, "/")
	var err error
	if t.count, err = strconv.Atoi(n); !ok || err != nil || t.count < 1 {
		return t, fmt.Errorf("%q is not N/DURATION, e.g. 3/1m", rate)
	}
	if t.within, err = time.ParseDuration(d); err != nil || t.within <= 0 {
		return t, fmt.Errorf("%q is not N/DURATION, e.g. 3/1m", rate)
	}
	return t, nil
}

func outcomeByName(name string) (analyze.Outcome, bool) {
	for _, o := range analyze.Outcomes() {
		if o.String() == name {
			return o, true
		}
	}
	return 0, false
}
