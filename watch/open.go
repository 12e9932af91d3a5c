package watch

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/english"
)

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
	// notWritten is why the incident has no folder (it could not be
	// made): its failures still join it, and its line says so.
	notWritten string
	flushed    time.Time // wall time its packets last reached its file
	werr       error
}

// flushEvery is how often an open incident's packets reach its file: a
// watch killed (SIGKILL, a power cut) leaves its packets up to about a
// second before in the incident's folder. With the idle ticks of a live
// capture (Idle) it is at least every second.
const flushEvery = Idle / 2

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

// flushOpen writes the open incident's buffered packets to its file when
// they have waited flushEvery.
func (w *Watcher) flushOpen() {
	inc := w.open
	if inc == nil || inc.werr != nil || inc.notWritten != "" {
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
	w.keepFolder()
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
		// The incident stays open without a folder, so that the failures
		// of the same burst join it: one log line and one incident line
		// for it, not one per failure.
		inc.notWritten = err.Error()
		w.Logf("incident %s not written: %v", inc.name, err)
		os.Remove(inc.dir)
		w.open = inc
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
		// Any error but "exists" ends the search: with --out not a
		// folder (ENOTDIR) no name would ever be free.
		if _, err := os.Lstat(filepath.Join(w.cfg.Dir, name)); err != nil {
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
	if inc.notWritten != "" {
		return true
	}
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
	if inc.werr == nil && inc.notWritten == "" {
		inc.werr = inc.buf.Flush()
	}
	w.closing = append(w.closing, inc)
}

// settle completes an incident once no more attempts can join it: the
// packets of the attempts that joined it after it closed, up to their last
// SYN or reply (and the grace time), come from the window; then its file
// is closed and handed to the worker.
func (w *Watcher) settle(inc *incident) {
	if inc.notWritten != "" {
		w.lostLine(inc, inc.notWritten)
		return
	}
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
		w.lostLine(inc, inc.werr.Error())
		return
	}
	w.queued.Add(1)
	w.jobs <- inc
}

// keepFolder makes --out again when it was removed while the watch ran,
// with its log, its lock and, when inside it, the incident lines.
func (w *Watcher) keepFolder() {
	if _, err := os.Stat(w.cfg.Dir); err == nil {
		return
	}
	if err := os.MkdirAll(w.cfg.Dir, 0o755); err != nil {
		return // the incident will say why it was not written
	}
	w.mu.Lock()
	err := w.openLogs()
	if lock, lerr := lockDir(w.cfg.Dir); lerr == nil {
		w.lock.Close()
		w.lock = lock
	}
	w.mu.Unlock()
	w.Logf("--out %s was removed: made it again", w.cfg.Dir)
	if err != nil {
		w.Logf("%v", err)
	}
}
