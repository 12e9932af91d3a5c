package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/internal/busygen"
	"github.com/slbdiag/slbdiag/internal/english"
)

// A second watch on a folder is refused while the first runs, and may
// start once it is closed.
func TestWatchLocksFolder(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{t: wallStart}
	first, err := New(testConfig(dir, clock), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(testConfig(dir, clock), io.Discard, io.Discard)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another slbdiag watch is writing there") || !strings.Contains(err.Error(), "--out "+dir) {
		t.Errorf("second watch: %v, want ErrLocked naming --out", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := New(testConfig(dir, clock), io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}

// Incidents that cannot be written (here --out is replaced by a file, so
// no folder can be made in it) still get a line each, with why, and one
// log line each, not one per failure; a watch whose --out was removed
// makes it again and writes its incidents there.
func TestWatchLostIncidentsHaveLines(t *testing.T) {
	gen := busygen.Config{Rate: 20, Duration: 60 * time.Second, Clients: 50, Seed: 3}
	lines := filepath.Join(t.TempDir(), "incidents.jsonl")
	var blocked bool
	wd := watchBusyProbed(t, gen, func(c *Config) {
		c.Incidents, c.Reports, c.After, c.MaxSpan = lines, reports("json"), 2*time.Second, 5*time.Second
	}, func(w *Watcher) {
		if !blocked && w.written.Load() >= 1 && w.open == nil {
			blocked = true
			if err := os.RemoveAll(w.cfg.Dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(w.cfg.Dir, []byte("not a folder"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	if !blocked {
		t.Fatalf("no incident was written before the folder was replaced:\n%s", wd.log)
	}
	var written, lost int
	for _, l := range wd.lines {
		if l.NotWritten != "" {
			lost++
			if !strings.HasPrefix(l.Verdict, "NOT WRITTEN: ") || l.Failures == 0 || len(l.Attempts) == 0 {
				t.Errorf("lost incident %s: verdict %q, %d failures, %d attempts", l.Incident, l.Verdict, l.Failures, len(l.Attempts))
			}
		} else {
			written++
		}
	}
	if written == 0 || lost < 2 {
		t.Fatalf("%d incidents written, %d lost: want both, several lost\n%s", written, lost, wd.log)
	}
	// One line when it opened, one saying why it was lost: not one per
	// failure that joined it.
	lostFailures := 0
	for _, l := range wd.lines {
		if l.NotWritten == "" {
			continue
		}
		lostFailures += l.Failures
		if n := strings.Count(wd.log, "incident "+l.Incident+" ") + strings.Count(wd.log, "incident "+l.Incident+":"); n > 2 {
			t.Errorf("the log names lost incident %s %d times, want at most 2", l.Incident, n)
		}
	}
	if lostFailures < 5*lost {
		t.Errorf("%d failures in %d lost incidents: want the failures of a burst to join its lost incident", lostFailures, lost)
	}
}

// --out removed while the watch runs is made again, with its log, and the
// incidents after go there.
func TestWatchRemadeFolder(t *testing.T) {
	gen := busygen.Config{Rate: 20, Duration: 60 * time.Second, Clients: 50, Seed: 3}
	var removed bool
	wd := watchBusyProbed(t, gen, func(c *Config) {
		c.Reports, c.After, c.MaxSpan = reports("json"), 2*time.Second, 5*time.Second
	}, func(w *Watcher) {
		if !removed && w.written.Load() >= 1 && w.open == nil {
			removed = true
			if err := os.RemoveAll(w.cfg.Dir); err != nil {
				t.Fatal(err)
			}
		}
	})
	if !removed {
		t.Fatal("no incident was written before the folder was removed")
	}
	// Incidents being written as the folder went may be lost, and say
	// so; those opened after are written in the new folder.
	written := 0
	for _, l := range wd.lines {
		if l.NotWritten != "" {
			continue
		}
		written++
		if _, err := os.Stat(filepath.Join(wd.dir, l.Incident, evidenceName)); err != nil {
			t.Errorf("incident %s: %v", l.Incident, err)
		}
	}
	if written == 0 {
		t.Fatalf("no incident written after the folder was made again:\n%s", wd.log)
	}
	if !strings.Contains(wd.log, "was removed: made it again") {
		t.Errorf("the log does not say the folder was made again:\n%s", wd.log)
	}
	if b, _ := os.ReadFile(filepath.Join(wd.dir, "watch.log")); !strings.Contains(string(b), "made it again") {
		t.Errorf("watch.log in the new folder: %.300q", b)
	}
}

// --max-disk bounds the whole folder: watch.log and incidents.jsonl take
// their share and rotate within it, so the folder, every file counted,
// stays within the budget.
func TestWatchLogsWithinBudget(t *testing.T) {
	const budget = 256 << 10
	wd := watchBusy(t, busygen.Config{Rate: 15, Duration: 150 * time.Second, Clients: 200, Seed: 5}, func(c *Config) {
		c.Before, c.After, c.MaxSpan, c.Analysis.Horizon, c.MaxDisk, c.Reports = time.Second, time.Second, 2*time.Second, 4*time.Second, budget, reports("json")
	})
	var total int64
	filepath.WalkDir(wd.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	if total > budget {
		t.Errorf("the folder takes %d bytes, --max-disk is %d", total, budget)
	}
	for _, name := range []string{"watch.log.1", "incidents.jsonl.1"} {
		if _, err := os.Stat(filepath.Join(wd.dir, name)); err != nil {
			t.Errorf("not rotated: %v", err)
		}
	}
}

// An incident cut by the disk budget says so in its report, and never
// gives a verdict its own trigger contradicts (OK, NO DATA): watch saw
// its failures.
func TestWatchCutIncidentSaysSo(t *testing.T) {
	wd := watchBusy(t, busygen.Config{Rate: 200, Duration: 20 * time.Second, Clients: 500, Seed: 7}, func(c *Config) {
		c.Before, c.After, c.MaxSpan, c.Analysis.Horizon, c.MaxDisk, c.Reports = time.Second, 100*time.Millisecond, time.Second, 4*time.Second, 96<<10, reports("text", "json")
	})
	cut := 0
	for _, l := range wd.lines {
		if l.Cut != "disk" || l.NotWritten != "" {
			continue
		}
		cut++
		if strings.HasPrefix(l.Verdict, "OK") || strings.HasPrefix(l.Verdict, "NO DATA") {
			t.Errorf("incident %s, cut with %d failures: verdict %q", l.Incident, l.Failures, l.Verdict)
		}
		b, err := os.ReadFile(filepath.Join(wd.dir, l.Incident, "report.txt"))
		if err != nil {
			continue // removed since for a newer incident
		}
		if !strings.Contains(string(b), "This incident was cut short at") || !strings.Contains(string(b), "--max-disk left no room") {
			t.Errorf("incident %s's report does not say it was cut:\n%.600s", l.Incident, b)
		}
	}
	if cut == 0 {
		t.Fatalf("no incident was cut by --max-disk:\n%.3000s", wd.log)
	}
}

// droppingReplay is a replayed capture whose library drops a packet in
// every hundred it reads.
type droppingReplay struct {
	*replay
	read int
}

func (d *droppingReplay) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	d.read++
	return d.replay.ZeroCopyReadPacketData()
}

func (d *droppingReplay) Drops() (dropped, received int) { return d.read / 100, d.read }

// The capture's drops are said in the log as they happen and in the
// summary, as capture says them.
func TestWatchReportsDrops(t *testing.T) {
	var buf bytes.Buffer
	if _, err := busygen.Write(&buf, busygen.Config{Rate: 10, Duration: 20 * time.Second, Clients: 50, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	src, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	clock := &fakeClock{t: wallStart}
	var stderr bytes.Buffer
	w, err := New(testConfig(dir, clock), io.Discard, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	d := &droppingReplay{replay: &replay{src: src, w: w, clock: clock}}
	res, err := w.Run(context.Background(), d, "busy.pcap")
	if err != nil {
		t.Fatal(err)
	}
	w.Summary(res)
	w.Close()
	log := stderr.String()
	if n := strings.Count(log, "failed handshakes among them were not seen"); n < 3 {
		t.Errorf("the log says the capture dropped packets %d times, want every second it did and the summary:\n%.2000s", n, log)
	}
	if want := fmt.Sprintf("the capture dropped %s of %s received over the run", english.Plural(d.read/100, "packet"), english.Plural(d.read, "packet")); !strings.Contains(log, want) {
		t.Errorf("the summary does not say %q:\n%.2000s", want, log)
	}
}
