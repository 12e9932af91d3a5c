package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
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
)

// maxTriggers is how many of an incident's failed attempts its JSON line
// and its evidence comments name; the rest are counted.
const maxTriggers = 100

// watcher is one `slbdiag watch` run. The capture goroutine (analyze.Run,
// its source and its OnAttempt) keeps the window, decides incidents and
// writes their packets; one worker goroutine analyses each closed
// incident and writes its evidence, reports and line, so that a report
// never holds the capture up.
type watcher struct {
	c      *watchCmd
	cfg    analyze.Config
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
	lastName string
	sameName int
	jobs     chan *incident
	done     chan struct{}

	statusOn   bool
	lastStatus time.Time
	hostFacts  func(context.Context) (*hostfacts.Facts, error) // hostfacts.Read; tests replace it
	// inline writes each incident's report on the capture goroutine, as
	// it closes: tests whose capture runs faster than real time set it.
	inline bool

	mu        sync.Mutex // the log, the lines, the tallies below
	log       *os.File
	lines     io.Writer
	linesFile *outFile // --incidents, appended to
	written   atomic.Int64
	causes    map[analyze.Cause]*causeTally
	startSeen []string // host facts lines at the start
}

// incident is one burst of failures: its packets being written, then its
// analysis.
type incident struct {
	name, dir  string
	raw        *os.File
	buf        *bufio.Writer
	fw         *capture.FrameWriter
	start, end time.Time // the capture time it opened at, and will close at
	from       time.Time // the first packet time it asked the window for
	lost       time.Time // the window held packets only after this (--buffer)
	triggers   []analyze.Attempt
	failures   int
	packets    int
	bytes      int64
	cut        string // why it closed before its time: stop, disk
	werr       error
}

func newWatcher(c *watchCmd, stdout, stderr io.Writer) (*watcher, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	if sameFile(c.incidents, c.dir) || sameFile(c.incidents, filepath.Join(c.dir, "watch.log")) {
		return nil, &usageError{cmd: "watch", msg: fmt.Sprintf("--incidents %s is the --out directory or its watch.log", c.incidents)}
	}
	// The window reaches --before ahead of the oldest SYN that can still
	// open or join an incident: a horizon (and a few idle ticks) back, or
	// --on's time back.
	keep := c.before + c.cfg().Horizon + c.trigger.within + 4*watchIdle
	w := &watcher{c: c, cfg: c.flags.cfg, win: capture.NewWindow(keep, c.buffer),
		stderr: stderr, jobs: make(chan *incident, 16), done: make(chan struct{}),
		causes: map[analyze.Cause]*causeTally{}, lines: stdout, hostFacts: hostfacts.Read}
	var err error
	if w.log, err = os.OpenFile(filepath.Join(c.dir, "watch.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	if c.incidents != "-" {
		f, err := os.OpenFile(c.incidents, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			w.log.Close()
			return nil, fmt.Errorf("--incidents: %w", err)
		}
		w.linesFile = &outFile{File: f}
		w.lines = f
	}
	w.disk = newDiskBudget(c.dir, c.maxDisk, w.logf)
	return w, nil
}

func (c *watchCmd) cfg() analyze.Config { return c.flags.cfg }

func (w *watcher) closeFiles() {
	w.log.Close()
	w.linesFile.Commit()
}

// logf says something on stderr (above the status line) and in
// DIR/watch.log, with the time.
func (w *watcher) logf(format string, a ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	msg := fmt.Sprintf(format, a...)
	if w.statusOn {
		fmt.Fprint(w.stderr, "\r\x1b[K")
	}
	fmt.Fprintf(w.stderr, "slbdiag: %s\n", msg)
	fmt.Fprintf(w.log, "%s %s\n", time.Now().UTC().Format(time.RFC3339), msg)
}

// run captures from src until it ends (the context of the capture is
// done), then closes the last incident and waits for its report.
func (w *watcher) run(ctx context.Context, src analyze.Source, name string) (*analyze.Result, error) {
	go w.worker(ctx)
	cfg := w.cfg
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
	if w.statusOn {
		fmt.Fprint(w.stderr, "\r\x1b[K")
	}
	return res, err
}

// watchSource is the capture as the analysis reads it: every frame also
// goes into the window and into the open incident.
type watchSource struct {
	src analyze.Source
	w   *watcher
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
	s.w.status()
	return data, ci, err
}

func (s *watchSource) LinkType() layers.LinkType { return s.src.LinkType() }

// frame takes one captured frame, before the analysis sees it.
func (w *watcher) frame(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) {
	w.tick(ci.Timestamp)
	w.packets++
	ci.CaptureLength = len(data)
	w.win.Add(ci, lt, data)
	if w.open != nil {
		w.write(ci, lt, data)
	}
}

// tick moves the watch's clock; an incident whose time is up closes.
func (w *watcher) tick(ts time.Time) {
	if ts.After(w.clock) {
		w.clock = ts
	}
	if w.open != nil && w.clock.After(w.open.end) {
		w.closeIncident()
	}
	settled := w.clock.Add(-w.cfg.Horizon - 2*watchIdle)
	for len(w.closing) > 0 && w.closing[0].end.Before(settled) {
		inc := w.closing[0]
		w.closing = slices.Delete(w.closing, 0, 1)
		w.settle(inc)
	}
}

// attempt is the analysis' OnAttempt: every attempt, once final.
func (w *watcher) attempt(a *analyze.Attempt) error {
	w.attempts++
	if !a.Outcome.Failed() {
		return nil
	}
	w.failures[a.Outcome]++
	if !w.c.trigger.on[a.Outcome] {
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
		w.open.end = minTime(maxTime(w.open.end, w.clock.Add(w.c.after)), w.open.start.Add(w.c.maxSpan))
		return nil
	}
	t := w.c.trigger
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

func (inc *incident) add(a *analyze.Attempt) {
	inc.failures++
	if len(inc.triggers) < maxTriggers {
		inc.triggers = append(inc.triggers, *a)
	}
}

// openIncident starts an incident with the failed attempts that opened it:
// its folder, and its packets from --before ahead of the first one's SYN.
func (w *watcher) openIncident(failed []analyze.Attempt) {
	first := failed[0].FirstTS
	inc := &incident{start: w.clock, from: first.Add(-w.c.before)}
	inc.end = w.clock.Add(w.c.after)
	for i := range failed {
		inc.add(&failed[i])
	}
	inc.name = w.uniqueName(first)
	inc.dir = filepath.Join(w.c.dir, inc.name)
	err := os.Mkdir(inc.dir, 0o755)
	if err == nil {
		inc.raw, err = os.Create(filepath.Join(inc.dir, ".window.pcapng.part"))
	}
	if err != nil {
		w.logf("incident %s not written: %v", inc.name, err)
		return
	}
	inc.buf = bufio.NewWriterSize(inc.raw, 1<<18)
	inc.fw = capture.NewFrameWriter(inc.buf, "slbdiag "+build.String())
	if lost := w.win.Lost(); lost.After(inc.from) {
		inc.lost = lost
	}
	w.open = inc
	// No client address: with --redact the log is an output too, and its
	// stand-ins are chosen only when the incident is analysed.
	w.logf("incident %s: an attempt to %s was %s; writing its packets", inc.name, failed[0].Server, failed[0].Outcome)
	w.win.Since(inc.from, func(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) error {
		w.write(ci, lt, data)
		if w.open != inc {
			return errIncidentClosed // cut by the disk budget
		}
		return inc.werr
	})
}

var errIncidentClosed = errors.New("incident closed")

// uniqueName names an incident by its first failed attempt's time, in UTC
// and without colons (Windows file names cannot hold them).
func (w *watcher) uniqueName(ts time.Time) string {
	base := ts.UTC().Format("2006-01-02T15-04-05Z")
	if base != w.lastName {
		w.lastName, w.sameName = base, 0
	}
	for {
		name := base
		if w.sameName++; w.sameName > 1 {
			name = fmt.Sprintf("%s-%d", base, w.sameName)
		}
		if _, err := os.Lstat(filepath.Join(w.c.dir, name)); errors.Is(err, os.ErrNotExist) {
			return name
		}
	}
}

// write adds a frame to the open incident, within the disk budget.
func (w *watcher) write(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) {
	if !w.writeTo(w.open, ci, lt, data) {
		w.closeIncident()
	}
}

// writeTo adds a frame to inc; false when the disk budget has no more
// room for it, and inc is then cut.
func (w *watcher) writeTo(inc *incident, ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) bool {
	if inc.werr != nil || inc.cut == "disk" {
		return inc.werr == nil
	}
	inc.werr = inc.fw.Write(ci, lt, data)
	n := int64(len(data)) + 48 // the pcapng block around it
	inc.packets++
	inc.bytes += n
	w.disk.pending(n)
	if !w.disk.room(0) {
		inc.cut = "disk"
		w.logf("incident %s cut at %d packets: --max-disk %s leaves no more room", inc.name, inc.packets, sizeText(float64(w.c.maxDisk)))
		return false
	}
	return true
}

// closeIncident stops writing the open incident's packets; a horizon
// later it goes to the worker (settle).
func (w *watcher) closeIncident() {
	inc := w.open
	w.open = nil
	if inc.werr == nil {
		inc.werr = inc.buf.Flush()
	}
	w.closing = append(w.closing, inc)
}

// settle completes an incident once no more attempts can join it: the
// packets of the attempts that joined it after it closed, up to their last
// SYN or reply (and the grace time), come from the window; then its file
// is closed and handed to the worker.
func (w *watcher) settle(inc *incident) {
	until := inc.end
	for _, a := range inc.triggers {
		until = maxTime(until, maxTime(a.LastSynTS, a.ReplyTS).Add(w.cfg.Grace))
	}
	if until.After(inc.end) && inc.cut == "" {
		w.win.Since(inc.end.Add(time.Nanosecond), func(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) error {
			if ci.Timestamp.After(until) || !w.writeTo(inc, ci, lt, data) {
				return errIncidentClosed
			}
			return inc.werr
		})
		inc.end = until
	}
	if inc.werr == nil {
		inc.werr = inc.buf.Flush()
	}
	if err := inc.fw.Flush(); inc.werr == nil {
		inc.werr = err
	}
	if err := inc.raw.Close(); inc.werr == nil {
		inc.werr = err
	}
	if inc.werr != nil {
		w.logf("incident %s not written: %v", inc.name, inc.werr)
		os.RemoveAll(inc.dir)
		w.disk.pending(-inc.bytes)
		return
	}
	if w.inline {
		w.process(context.Background(), inc)
		return
	}
	w.jobs <- inc
}

// keepAddr is which addresses a redaction leaves alone, as capture's.
func (w *watcher) keepAddr(a netip.Addr) bool {
	cfg := w.cfg
	return cfg.VIPs.Contains(a) || cfg.HostAddrs.Contains(a) || cfg.ProbeNets.Contains(a) || analyze.DefaultProbeNets.Contains(a)
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
