package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/internal/outfile"
)

// maxTriggers is how many of an incident's failed attempts its JSON line
// and its evidence comments name; the rest are counted.
const maxTriggers = 100

// Watcher is one watch. The capture goroutine (analyze.Run, its source
// and its OnAttempt) keeps the window, decides incidents and writes their
// packets; one worker goroutine analyses each closed incident and writes
// its evidence, reports and line, so that a report never holds the
// capture up.
type Watcher struct {
	cfg    Config
	acfg   analyze.Config
	win    *capture.Window
	stderr io.Writer
	disk   *diskBudget

	// The capture goroutine's.
	clock    time.Time
	packets  int
	attempts int
	failures analyze.Counts
	recent   []analyze.Attempt // failures not yet enough to open an incident
	open     *incident         // the incident whose packets are being written
	// closing are incidents whose packets are written, kept for a horizon
	// more: an attempt is known to have failed only up to a horizon after
	// its first SYN, and one whose SYN is in an incident joins it.
	closing []*incident
	// The last incident's name without its -N suffix, and how many had it.
	lastName   string
	sameName   int
	jobs       chan *incident
	done       chan struct{}
	lastStatus time.Time
	// The capture's drops last said, and when its counters were read.
	dropsSaid    int
	dropsChecked time.Time

	mu        sync.Mutex // the log, the lines, the tallies below
	log       *os.File
	lock      *os.File // on Dir: one watch per folder
	lines     io.Writer
	linesFile *os.File // --incidents, appended to; nil for stdout
	logSize   int64    // bytes in watch.log
	linesSize int64    // bytes in linesFile, when it rotates; -1: it does not (outside Dir)
	written   atomic.Int64
	queued    atomic.Int64 // incidents handed to the worker and not yet written
	causes    map[analyze.Cause]*causeTally
	startSeen []string // host facts lines at the start
}

// New starts a watch of cfg: its folder, its log (cfg.Dir/watch.log and
// stderr) and its incident lines (cfg.Incidents, or stdout). Close it
// when done.
func New(cfg Config, stdout, stderr io.Writer) (*Watcher, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HostFacts == nil {
		cfg.HostFacts = hostfacts.Read
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	// The window reaches --before ahead of the oldest SYN that can still
	// open or join an incident: a horizon (and a few idle ticks) back, or
	// --on's time back.
	keep := cfg.Before + cfg.Analysis.Horizon + cfg.Trigger.within + 4*Idle
	w := &Watcher{cfg: cfg, acfg: cfg.Analysis, win: capture.NewWindow(keep, cfg.Buffer),
		stderr: stderr, jobs: make(chan *incident, 16), done: make(chan struct{}),
		causes: map[analyze.Cause]*causeTally{}, lines: stdout}
	var err error
	if w.lock, err = lockDir(cfg.Dir); err != nil {
		return nil, fmt.Errorf("--out %s: %w", cfg.Dir, err)
	}
	if err := w.openLogs(); err != nil {
		if w.log != nil {
			w.log.Close()
		}
		w.lock.Close()
		return nil, err
	}
	// The log and the incident lines take their share of the budget
	// (logShare), and rotate within it.
	w.disk = newDiskBudget(cfg.Dir, cfg.MaxDisk-cfg.MaxDisk/logShare, w.Logf)
	w.nameOrphans()
	return w, nil
}

// openLogs opens (or opens again) the log and the incident lines,
// appending to them.
func (w *Watcher) openLogs() error {
	log, err := os.OpenFile(filepath.Join(w.cfg.Dir, "watch.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if w.log != nil {
		w.log.Close()
	}
	w.log, w.logSize = log, fileSize(log)
	if w.cfg.Incidents == "-" {
		return nil
	}
	f, err := os.OpenFile(w.cfg.Incidents, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("--incidents: %w", err)
	}
	if w.linesFile != nil {
		w.linesFile.Close()
	}
	w.linesFile, w.lines, w.linesSize = f, f, -1
	if inDir(w.cfg.Dir, w.cfg.Incidents) {
		w.linesSize = fileSize(f)
	}
	return nil
}

// logShare is the part of --max-disk (1/logShare) that watch.log and
// incidents.jsonl take in DIR: each rotates (NAME.1, the one before
// replaced) when it reaches a quarter of that share, so both, with their
// previous generation, stay within it.
const logShare = 8

// rotateAt is the size at which watch.log or incidents.jsonl rotates.
func (w *Watcher) rotateAt() int64 { return max(w.cfg.MaxDisk/logShare/4, 4<<10) }

// rotate renames f, appended to under name, to name.1 and opens name anew;
// called with w.mu held. A failure keeps f.
func rotate(f *os.File, name string) *os.File {
	if err := os.Rename(name, name+".1"); err != nil {
		return f
	}
	nf, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return f
	}
	f.Close()
	return nf
}

func fileSize(f *os.File) int64 {
	if fi, err := f.Stat(); err == nil {
		return fi.Size()
	}
	return 0
}

// inDir reports whether the file name is in the folder dir.
func inDir(dir, name string) bool {
	return outfile.SameFile(filepath.Dir(name), dir)
}

// Close closes the log and the incident lines, and lets go of the folder.
func (w *Watcher) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log.Close()
	defer w.lock.Close()
	if w.linesFile != nil {
		return w.linesFile.Close()
	}
	return nil
}

// Logf says something on stderr (above the status line) and in
// Dir/watch.log, with the time.
func (w *Watcher) Logf(format string, a ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	msg := fmt.Sprintf(format, a...)
	if w.cfg.Status {
		fmt.Fprint(w.stderr, "\r\x1b[K")
	}
	fmt.Fprintf(w.stderr, "slbdiag: %s\n", msg)
	n, _ := fmt.Fprintf(w.log, "%s %s\n", w.cfg.Now().UTC().Format(time.RFC3339), msg)
	if w.logSize += int64(n); w.logSize >= w.rotateAt() {
		w.log = rotate(w.log, filepath.Join(w.cfg.Dir, "watch.log"))
		w.logSize = fileSize(w.log)
	}
}

// Run captures from src until it ends (live: the context of the capture
// is done), then closes the last incident and waits for its reports. The
// result is the whole run's analysis. A Watcher runs once.
func (w *Watcher) Run(ctx context.Context, src analyze.Source, name string) (*analyze.Result, error) {
	go w.worker(ctx)
	cfg := w.acfg
	cfg.OnAttempt = w.attempt
	res, err := analyze.Run(context.WithoutCancel(ctx), cfg, []analyze.Input{{Name: name, Format: "live", Source: &watchSource{src: src, w: w}}})
	if w.open != nil {
		w.open.cut = "stop"
		w.closeIncident()
	}
	for _, inc := range w.closing {
		w.settle(inc)
	}
	w.closing = nil
	close(w.jobs)
	<-w.done
	if w.cfg.Status {
		fmt.Fprint(w.stderr, "\r\x1b[K")
	}
	return res, err
}

// watchSource is the capture as the analysis reads it: every frame also
// goes into the window and into the open incident.
type watchSource struct {
	src analyze.Source
	w   *Watcher
}

func (s *watchSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := s.src.ZeroCopyReadPacketData()
	var idle *capture.IdleError
	switch {
	case err == nil:
		lt := s.src.LinkType()
		if len(ci.AncillaryData) > 0 {
			if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
				lt = l
			}
		}
		s.w.frame(ci, lt, data)
	case errors.As(err, &idle):
		s.w.tick(idle.Until)
	}
	s.checkDrops()
	s.w.status()
	return data, ci, err
}

func (s *watchSource) LinkType() layers.LinkType { return s.src.LinkType() }

// dropCounter is a live capture that knows what its library dropped.
type dropCounter interface {
	Drops() (dropped, received int)
}

// Drops passes the capture's counters on, so that the run's analysis
// warns of them as capture's does; 0, 0 for a source without them.
func (s *watchSource) Drops() (dropped, received int) {
	if dc, ok := s.src.(dropCounter); ok {
		return dc.Drops()
	}
	return 0, 0
}

// checkDrops says in the log, at most every dropsEvery, how many packets
// the capture dropped since it last said: failures among them were not
// seen, and no incident can show them.
func (s *watchSource) checkDrops() {
	w := s.w
	now := w.cfg.Now()
	if now.Sub(w.dropsChecked) < dropsEvery {
		return
	}
	w.dropsChecked = now
	dropped, received := s.Drops()
	if dropped > w.dropsSaid {
		w.Logf("the capture dropped %s (%s in all, of %s received): failed handshakes among them were not seen", english.Plural(dropped-w.dropsSaid, "packet"), english.Plural(dropped, "packet"), english.Plural(received, "packet"))
		w.dropsSaid = dropped
	}
}

// dropsEvery is how often the capture's drop counters are read.
const dropsEvery = time.Second

// frame takes one captured frame, before the analysis sees it.
func (w *Watcher) frame(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) {
	w.tick(ci.Timestamp)
	w.packets++
	ci.CaptureLength = len(data)
	w.win.Add(ci, lt, data)
	if w.open != nil {
		w.write(ci, lt, data)
	}
}

// tick moves the watch's clock; an incident whose time is up closes.
func (w *Watcher) tick(ts time.Time) {
	if ts.After(w.clock) {
		w.clock = ts
	}
	if w.open != nil && w.clock.After(w.open.end) {
		w.closeIncident()
	}
	w.flushOpen()
	settled := w.clock.Add(-w.acfg.Horizon - 2*Idle)
	for len(w.closing) > 0 && w.closing[0].end.Before(settled) {
		inc := w.closing[0]
		w.closing = slices.Delete(w.closing, 0, 1)
		w.settle(inc)
	}
}

// attempt is the analysis' OnAttempt: every attempt, once final.
func (w *Watcher) attempt(a *analyze.Attempt) error {
	w.attempts++
	if !a.Outcome.Failed() {
		return nil
	}
	w.failures[a.Outcome]++
	if !w.cfg.Trigger.On(a.Outcome) {
		return nil
	}
	for _, inc := range w.closing {
		if !a.FirstTS.After(inc.end) {
			inc.add(a)
			return nil
		}
	}
	if w.open != nil {
		w.open.add(a)
		w.open.end = minTime(maxTime(w.open.end, w.clock.Add(w.cfg.After)), w.open.start.Add(w.cfg.MaxSpan))
		return nil
	}
	t := w.cfg.Trigger
	w.recent = append(w.recent, *a)
	if t.within > 0 {
		w.recent = slices.DeleteFunc(w.recent, func(r analyze.Attempt) bool { return a.FirstTS.Sub(r.FirstTS) > t.within })
	}
	if len(w.recent) > t.count {
		w.recent = slices.Delete(w.recent, 0, len(w.recent)-t.count)
	}
	if len(w.recent) < t.count {
		return nil
	}
	w.openIncident(w.recent)
	w.recent = w.recent[:0]
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
