package watch

import (
	"bufio"
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

	mu        sync.Mutex // the log, the lines, the tallies below
	log       *os.File
	lines     io.Writer
	linesFile *os.File // --incidents, appended to; nil for stdout
	written   atomic.Int64
	queued    atomic.Int64 // incidents handed to the worker and not yet written
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
	cut        string    // why it closed before its time: stop, disk
	flushed    time.Time // wall time its packets last reached its file
	werr       error
}

// flushEvery is how often an open incident's packets reach its file: a
// watch killed (SIGKILL, a power cut) leaves its packets up to about a
// second before in the incident's folder. With the idle ticks of a live
// capture (Idle) it is at least every second.
const flushEvery = Idle / 2

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
	if w.log, err = os.OpenFile(filepath.Join(cfg.Dir, "watch.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	if cfg.Incidents != "-" {
		f, err := os.OpenFile(cfg.Incidents, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			w.log.Close()
			return nil, fmt.Errorf("--incidents: %w", err)
		}
		w.linesFile, w.lines = f, f
	}
	w.disk = newDiskBudget(cfg.Dir, cfg.MaxDisk, w.Logf)
	w.nameOrphans()
	return w, nil
}

// The files of an incident's folder besides its reports: its packets
// while it is open, and its evidence.
const (
	partName     = ".window.pcapng.part"
	evidenceName = "evidence.pcapng"
)

// incidentFiles are the files watch writes in an incident's folder.
func (w *Watcher) incidentFiles() []string {
	files := []string{partName, evidenceName}
	for _, r := range w.cfg.Reports {
		files = append(files, r.File)
	}
	return files
}

// nameOrphans says which incidents of an earlier watch on the folder were
// never finished (it was killed): their packets are still in their folder.
func (w *Watcher) nameOrphans() {
	entries, _ := os.ReadDir(w.cfg.Dir)
	for _, e := range entries {
		if !e.IsDir() || !incidentName.MatchString(e.Name()) {
			continue
		}
		part := filepath.Join(w.cfg.Dir, e.Name(), partName)
		if _, err := os.Lstat(part); err == nil {
			w.Logf("incident %s was left unfinished by an earlier watch: its packets are in %s", e.Name(), part)
		}
	}
}

// Close closes the log and the incident lines.
func (w *Watcher) Close() error {
	w.log.Close()
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
	fmt.Fprintf(w.log, "%s %s\n", w.cfg.Now().UTC().Format(time.RFC3339), msg)
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
	s.w.status()
	return data, ci, err
}

func (s *watchSource) LinkType() layers.LinkType { return s.src.LinkType() }

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

// flushOpen writes the open incident's buffered packets to its file when
// they have waited flushEvery.
func (w *Watcher) flushOpen() {
	inc := w.open
	if inc == nil || inc.werr != nil {
		return
	}
	now := w.cfg.Now()
	if now.Sub(inc.flushed) < flushEvery {
		return
	}
	inc.flushed = now
	if inc.werr = inc.fw.Flush(); inc.werr == nil {
		inc.werr = inc.buf.Flush()
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

func (inc *incident) add(a *analyze.Attempt) {
	inc.failures++
	if len(inc.triggers) < maxTriggers {
		inc.triggers = append(inc.triggers, *a)
	}
}

// openIncident starts an incident with the failed attempts that opened it:
// its folder, and its packets from --before ahead of the first one's SYN.
func (w *Watcher) openIncident(failed []analyze.Attempt) {
	first := failed[0].FirstTS
	inc := &incident{start: w.clock, from: first.Add(-w.cfg.Before)}
	inc.end = w.clock.Add(w.cfg.After)
	for i := range failed {
		inc.add(&failed[i])
	}
	inc.name = w.uniqueName(first)
	inc.dir = filepath.Join(w.cfg.Dir, inc.name)
	err := os.Mkdir(inc.dir, 0o755)
	if err == nil {
		err = writeManifest(inc.dir, w.incidentFiles())
	}
	if err == nil {
		inc.raw, err = os.Create(filepath.Join(inc.dir, partName))
	}
	if err != nil {
		w.Logf("incident %s not written: %v", inc.name, err)
		return
	}
	inc.buf = bufio.NewWriterSize(inc.raw, 1<<18)
	inc.fw = capture.NewFrameWriter(inc.buf, w.cfg.App)
	inc.flushed = w.cfg.Now()
	if lost := w.win.Lost(); lost.After(inc.from) {
		inc.lost = lost
	}
	w.open = inc
	// No client address: with --redact the log is an output too, and its
	// stand-ins are chosen only when the incident is analysed.
	w.Logf("incident %s: an attempt to %s was %s; writing its packets", inc.name, failed[0].Server, failed[0].Outcome)
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
func (w *Watcher) uniqueName(ts time.Time) string {
	base := ts.UTC().Format("2006-01-02T15-04-05Z")
	if base != w.lastName {
		w.lastName, w.sameName = base, 0
	}
	for {
		name := base
		if w.sameName++; w.sameName > 1 {
			name = fmt.Sprintf("%s-%d", base, w.sameName)
		}
		if _, err := os.Lstat(filepath.Join(w.cfg.Dir, name)); errors.Is(err, os.ErrNotExist) {
			return name
		}
	}
}

// write adds a frame to the open incident, within the disk budget.
func (w *Watcher) write(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) {
	if !w.writeTo(w.open, ci, lt, data) {
		w.closeIncident()
	}
}

// writeTo adds a frame to inc; false when the disk budget has no more
// room for it, and inc is then cut.
func (w *Watcher) writeTo(inc *incident, ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) bool {
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
		w.Logf("incident %s cut at %d packets: --max-disk %s leaves no more room", inc.name, inc.packets, english.Size(float64(w.cfg.MaxDisk)))
		return false
	}
	return true
}

// closeIncident stops writing the open incident's packets; a horizon
// later it goes to the worker (settle).
func (w *Watcher) closeIncident() {
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
func (w *Watcher) settle(inc *incident) {
	until := inc.end
	for _, a := range inc.triggers {
		until = maxTime(until, maxTime(a.LastSynTS, a.ReplyTS).Add(w.acfg.Grace))
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
		w.Logf("incident %s not written: %v", inc.name, inc.werr)
		removeIncident(inc.dir)
		w.disk.pending(-inc.bytes)
		return
	}
	w.queued.Add(1)
	w.jobs <- inc
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
