package watch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/busygen"
	"github.com/slbdiag/slbdiag/report"
)

// watched is what a watch over a generated capture left.
type watched struct {
	dir    string
	truth  []busygen.Attempt
	lines  []Line
	log    string
	totals Totals
}

// fakeClock is a wall clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// wallStart is the fake wall clock's time at the start of each test watch.
var wallStart = time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)

// testConfig is a watch's default configuration writing to dir, as
// `slbdiag watch` gives it without flags, with the wall clock of clock
// and no host facts.
func testConfig(dir string, clock *fakeClock) Config {
	tr, err := ParseTrigger(DefaultTrigger)
	if err != nil {
		panic(err)
	}
	ports, _ := analyze.ParsePorts("443")
	return Config{Dir: dir, Incidents: filepath.Join(dir, "incidents.jsonl"),
		Analysis: analyze.Config{Ports: ports, Grace: analyze.DefaultGrace, Horizon: DefaultHorizon},
		Reports:  []Report{{"text", "report.txt"}, {"html", "report.html"}},
		Options:  report.Options{Lang: report.English},
		Before:   DefaultBefore, After: DefaultAfter, MaxSpan: DefaultMaxSpan,
		Buffer: 64 << 20, MaxDisk: 1 << 30, Trigger: tr, App: "slbdiag test",
		Now:       clock.Now,
		HostFacts: func(context.Context) (*hostfacts.Facts, error) { return nil, errors.New("not read in tests") },
		Status:    true, // as on a terminal: the first read shows the status line
	}
}

// reports are the reports of formats, named as slbdiag names them.
func reports(formats ...string) []Report {
	ext := map[string]string{"text": "txt", "markdown": "md", "json": "json", "jsonl": "jsonl", "html": "html"}
	var rs []Report
	for _, f := range formats {
		rs = append(rs, Report{f, "report." + ext[f]})
	}
	return rs
}

func trigger(t *testing.T, s string) Trigger {
	t.Helper()
	tr, err := ParseTrigger(s)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// watchBusy runs the watch, its real worker goroutine included, over a
// busy backend's generated capture replayed as if captured live, with its
// configuration changed by set.
func watchBusy(t *testing.T, gen busygen.Config, set func(*Config)) watched {
	t.Helper()
	return watchBusyProbed(t, gen, set, nil)
}

// watchBusyProbed is watchBusy calling probe, on the capture goroutine,
// before each packet reaches the watch.
func watchBusyProbed(t *testing.T, gen busygen.Config, set func(*Config), probe func(*Watcher)) watched {
	t.Helper()
	var buf bytes.Buffer
	truth, err := busygen.Write(&buf, gen)
	if err != nil {
		t.Fatal(err)
	}
	src, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	clock := &fakeClock{t: wallStart}
	cfg := testConfig(dir, clock)
	if set != nil {
		set(&cfg)
	}
	var stderr bytes.Buffer
	w, err := New(cfg, io.Discard, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	w.FactsAtStart(context.Background())
	res, err := w.Run(context.Background(), &replay{src: src, w: w, clock: clock, probe: probe}, "busy.pcap")
	if err != nil {
		t.Fatal(err)
	}
	out := watched{dir: cfg.Dir, truth: truth, totals: w.Summary(res)}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out.log = stderr.String()
	if _, err := os.Stat(cfg.Incidents + ".1"); err == nil { // rotated within --max-disk
		out.lines = readLines(t, cfg.Incidents+".1")
	}
	out.lines = append(out.lines, readLines(t, cfg.Incidents)...)
	return out
}

// replay is a capture replayed at the pace a live one comes: the wall
// clock follows the packets' time, and a second of packets is not given
// before the worker has written the incidents handed to it, as a worker
// that writes an incident in milliseconds keeps up with a live capture.
type replay struct {
	src   analyze.Source
	w     *Watcher
	clock *fakeClock
	last  time.Time
	probe func(*Watcher) // nil: none
}

func (r *replay) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := r.src.ZeroCopyReadPacketData()
	if err != nil {
		return data, ci, err
	}
	if ci.Timestamp.Sub(r.last) >= time.Second {
		for r.w.queued.Load() > 0 {
			time.Sleep(time.Millisecond)
		}
		r.last = ci.Timestamp
	}
	r.clock.set(ci.Timestamp)
	if r.probe != nil {
		r.probe(r.w)
	}
	return data, ci, err
}

func (r *replay) LinkType() layers.LinkType { return r.src.LinkType() }

func readLines(t *testing.T, name string) []Line {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Line
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v: %s", name, err, sc.Bytes())
		}
		lines = append(lines, l)
	}
	return lines
}

func attemptID(client, server, firstTS string) string { return client + ">" + server + "@" + firstTS }

// Every failed attempt of a busy backend is in exactly one incident;
// failures while one is open join it, up to --max-span; each incident's
// evidence starts --before ahead of its first failed SYN, holds each of its
// failed attempts' first SYN at the frame its line names, marked, and has
// its reports beside it.
func TestWatchIncidents(t *testing.T) {
	const before, maxSpan = 5 * time.Second, 20 * time.Second
	wd := watchBusy(t, busygen.Config{Rate: 10, Duration: 70 * time.Second, Clients: 50, Seed: 3}, func(c *Config) {
		c.Before, c.After, c.MaxSpan, c.Reports = before, 3*time.Second, maxSpan, reports("text", "json")
	})
	if wd.totals.Failures == 0 || wd.totals.Incidents != len(wd.lines) {
		t.Errorf("summary: %+v, want failures and %d incidents", wd.totals, len(wd.lines))
	}
	want := map[string]bool{}
	for _, a := range wd.truth {
		if a.Outcome != "completed" {
			want[attemptID(a.Client.Addr().String(), a.Server.String(), a.FirstTS.UTC().Format(time.RFC3339Nano))] = true
		}
	}
	if len(wd.lines) < 3 || len(wd.lines) > 6 {
		t.Fatalf("%d incidents over 70 s of failures with --max-span %s, want 3 to 6:\n%s", len(wd.lines), maxSpan, wd.log)
	}
	seen := map[string]string{}
	for _, l := range wd.lines {
		if l.Failures != len(l.Attempts) || l.Failures < 2 {
			t.Errorf("incident %s: %d failures, %d named: want several, all named", l.Incident, l.Failures, len(l.Attempts))
		}
		for _, a := range l.Attempts {
			id := attemptID(a.ClientIP, fmt.Sprintf("%s:%d", a.ServerIP, a.ServerPort), a.FirstTS)
			if !want[id] {
				t.Errorf("incident %s names %s, which did not fail", l.Incident, id)
			}
			if other, ok := seen[id]; ok {
				t.Errorf("%s is in incidents %s and %s", id, other, l.Incident)
			}
			seen[id] = l.Incident
		}
		checkIncident(t, wd.dir, l, before, maxSpan)
	}
	for id := range want {
		if _, ok := seen[id]; !ok {
			t.Errorf("failed attempt %s is in no incident", id)
		}
	}
	for _, s := range []string{"causes seen, most incidents first", "over the whole run", "\r1 packets, 0 attempts, 0 failures, 0 incidents, 0 B of 1.07 GB disk\x1b[K"} {
		if !strings.Contains(wd.log, s) {
			t.Errorf("the log does not say %q:\n%s", s, wd.log)
		}
	}
}

// checkIncident opens an incident's folder and compares it with its line.
func checkIncident(t *testing.T, dir string, l Line, before, maxSpan time.Duration) {
	t.Helper()
	from, _ := time.Parse(time.RFC3339Nano, l.From)
	first, _ := time.Parse(time.RFC3339Nano, l.Attempts[0].FirstTS)
	if !from.Equal(first.Add(-before)) {
		t.Errorf("incident %s starts at %s, want --before %s ahead of its first failed SYN at %s", l.Incident, l.From, before, l.Attempts[0].FirstTS)
	}
	entries, err := os.ReadDir(filepath.Join(dir, l.Incident))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{".slbdiag-incident", "evidence.pcapng", "report.json", "report.txt"}, names); d != "" {
		t.Errorf("incident %s holds (-want +got):\n%s", l.Incident, d)
	}
	f, err := capture.Open(filepath.Join(dir, l.Incident, "evidence.pcapng"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	synAt := map[int]string{}
	for _, a := range l.Attempts {
		synAt[a.FirstFrame] = a.FirstTS
	}
	n := 0
	var last time.Time
	for {
		_, ci, err := f.ZeroCopyReadPacketData()
		if err != nil {
			break
		}
		n++
		if n == 1 && (ci.Timestamp.Before(from) || ci.Timestamp.Sub(maxTime(from, busygen.Start)) > time.Second) {
			t.Errorf("incident %s: first packet at %s, want just after %s", l.Incident, ci.Timestamp, from)
		}
		if ts, ok := synAt[n]; ok {
			if ci.Timestamp.UTC().Format(time.RFC3339Nano) != ts {
				t.Errorf("incident %s: frame %d is at %s, its line says a failed SYN at %s", l.Incident, n, ci.Timestamp, ts)
			}
			delete(synAt, n)
		}
		last = ci.Timestamp
	}
	if n != l.Packets || len(synAt) > 0 {
		t.Errorf("incident %s: %d packets, line says %d; failed SYNs not found at their frames: %v", l.Incident, n, l.Packets, synAt)
	}
	if end, _ := time.Parse(time.RFC3339Nano, l.End); last.After(end) || end.Sub(from) > before+maxSpan+analyze.DefaultHorizon {
		t.Errorf("incident %s: last packet %s, end %s, from %s", l.Incident, last, l.End, l.From)
	}
	b, _ := os.ReadFile(filepath.Join(dir, l.Incident, "evidence.pcapng"))
	if got := bytes.Count(b, []byte("triggered incident "+l.Incident)); got != len(l.Attempts) {
		t.Errorf("incident %s: %d failed SYNs commented, want %d", l.Incident, got, len(l.Attempts))
	}
	var rep struct {
		Summary struct {
			Counts map[string]int `json:"counts"`
		} `json:"summary"`
	}
	rb, _ := os.ReadFile(filepath.Join(dir, l.Incident, "report.json"))
	if err := json.Unmarshal(rb, &rep); err != nil {
		t.Fatalf("incident %s: report.json: %v", l.Incident, err)
	}
	failed := 0
	for o, c := range l.Counts {
		if o != "completed" && o != "pending" {
			failed += c
		}
	}
	if failed < len(l.Attempts) {
		t.Errorf("incident %s: its report counts %d failed attempts, fewer than the %d that made it", l.Incident, failed, len(l.Attempts))
	}
}

// --on counts only the outcomes it names, and N of them within a time.
func TestWatchTriggerRate(t *testing.T) {
	gen := busygen.Config{Rate: 10, Duration: 20 * time.Second, Clients: 50, Seed: 3}
	none := watchBusy(t, gen, func(c *Config) { c.Trigger = trigger(t, "refused:50/1s") })
	if len(none.lines) != 0 || none.totals.Failures == 0 || none.totals.Incidents != 0 {
		t.Errorf("50 refusals a second never came, yet %d incidents (%+v)", len(none.lines), none.totals)
	}
	only := watchBusy(t, gen, func(c *Config) {
		c.Trigger, c.After, c.MaxSpan, c.Reports = trigger(t, "unreachable"), 0, 0, reports("jsonl", "markdown")
	})
	wantN := 0
	for _, a := range only.truth {
		if a.Outcome == "unreachable" {
			wantN++
		}
	}
	got := 0
	for _, l := range only.lines {
		// --format jsonl,md: one line per attempt of the incident, and the
		// Markdown report.
		b, err := os.ReadFile(filepath.Join(only.dir, l.Incident, "report.jsonl"))
		total := 0
		for _, n := range l.Counts {
			total += n
		}
		if err != nil || bytes.Count(b, []byte("\n")) != total || !slices.Equal(l.Reports, []string{"report.jsonl", "report.md"}) {
			t.Errorf("incident %s: report.jsonl has %d lines for %d attempts (%v); reports %v", l.Incident, bytes.Count(b, []byte("\n")), total, err, l.Reports)
		}
		if _, err := os.Stat(filepath.Join(only.dir, l.Incident, "report.md")); err != nil {
			t.Error(err)
		}
		for _, a := range l.Attempts {
			if a.Outcome != "unreachable" {
				t.Errorf("incident %s names a %s attempt", l.Incident, a.Outcome)
			}
			got++
		}
	}
	if wantN == 0 || got != wantN {
		t.Errorf("%d unreachable attempts in incidents, the capture has %d", got, wantN)
	}
}

// A fast failure rate over a small --max-disk: the oldest incidents are
// removed, said in the log, and what is kept fits.
func TestWatchDiskBudget(t *testing.T) {
	const budget = 1 << 20
	wd := watchBusy(t, busygen.Config{Rate: 15, Duration: 150 * time.Second, Clients: 200, Seed: 5}, func(c *Config) {
		c.Before, c.After, c.MaxSpan, c.Analysis.Horizon, c.MaxDisk, c.Reports = time.Second, time.Second, 2*time.Second, 4*time.Second, budget, reports("json")
	})
	for _, l := range wd.lines {
		if l.Cut != "" {
			t.Errorf("incident %s was cut (%s): the budget holds several", l.Incident, l.Cut)
		}
	}
	var kept []string
	var used int64
	entries, _ := os.ReadDir(wd.dir)
	for _, e := range entries {
		if e.IsDir() {
			kept = append(kept, e.Name())
			used += dirSize(t, filepath.Join(wd.dir, e.Name()))
		}
	}
	if used > budget {
		t.Errorf("incidents take %d bytes, --max-disk is %d", used, budget)
	}
	if len(kept) == 0 || len(kept) >= len(wd.lines) {
		t.Fatalf("%d incidents kept of %d written: want the budget to have removed some\n%s", len(kept), len(wd.lines), wd.log)
	}
	var newest []string
	for _, l := range wd.lines[len(wd.lines)-len(kept):] {
		newest = append(newest, l.Incident)
	}
	if !slices.Equal(kept, newest) {
		t.Errorf("kept %v, want the newest %v", kept, newest)
	}
	// incidents.jsonl rotates within the budget too: the summary counts
	// every incident written.
	if n := strings.Count(wd.log, "to stay within --max-disk"); n != wd.totals.Incidents-len(kept) {
		t.Errorf("the log says %d removals, %d were removed:\n%s", n, wd.totals.Incidents-len(kept), wd.log)
	}
}

func TestParseTrigger(t *testing.T) {
	tests := []struct {
		in     string
		on     []string
		count  int
		within time.Duration
		err    string
	}{
		{"unanswered", []string{"unanswered"}, 1, 0, ""},
		{"any", []string{"unanswered", "refused", "unreachable", "synack-no-ack", "wrong-source"}, 1, 0, ""},
		{"refused, unreachable:3/1m", []string{"refused", "unreachable"}, 3, time.Minute, ""},
		{"completed", nil, 0, 0, `"completed" is not a failure outcome`},
		{"unanswered:3", nil, 0, 0, `"3" is not N/DURATION`},
		{"unanswered:0/1s", nil, 0, 0, `"0/1s" is not N/DURATION`},
	}
	for _, tt := range tests {
		tr, err := ParseTrigger(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		var on []string
		for _, o := range analyze.Outcomes() {
			if tr.on[o] {
				on = append(on, o.String())
			}
		}
		if err != nil || !slices.Equal(on, tt.on) || tr.count != tt.count || tr.within != tt.within {
			t.Errorf("%q: %v %d/%s %v; want %v %d/%s", tt.in, on, tr.count, tr.within, err, tt.on, tt.count, tt.within)
		}
	}
}

// Host facts are read at the start and again for each incident: its
// report uses them, and its line says what changed.
func TestWatchHostFactsChange(t *testing.T) {
	reads := 0
	read := func(ctx context.Context) (*hostfacts.Facts, error) {
		reads++
		name := "before.txt" // the VIP is not on the loopback: strong-host-receive
		if reads == 1 {
			name = "after.txt" // fixed
		}
		return hostfacts.ReadFile(ctx, filepath.Join("..", "testdata", "hostfacts", "windows", "en", name))
	}
	wd := watchBusy(t, busygen.Config{Rate: 10, Duration: 15 * time.Second, Clients: 50, Seed: 3}, func(c *Config) {
		vips, _ := analyze.ParsePrefixes("192.0.2.10")
		c.HostFacts, c.Analysis.VIPs, c.Trigger, c.Reports = read, vips, trigger(t, "unanswered"), reports("json")
	})
	if len(wd.lines) == 0 || reads != 1+len(wd.lines) {
		t.Fatalf("%d incidents, host facts read %d times: want at the start and once per incident", len(wd.lines), reads)
	}
	for _, l := range wd.lines {
		if len(l.Facts) != 1 || !strings.HasPrefix(l.Facts[0], "PROBLEM") {
			t.Errorf("incident %s: host_facts %q, want the PROBLEM that replaced the start's OK", l.Incident, l.Facts)
		}
	}
	for _, s := range []string{"host facts: OK", "host facts changed since the start: PROBLEM"} {
		if !strings.Contains(wd.log, s) {
			t.Errorf("the log does not say %q:\n%s", s, wd.log)
		}
	}
}

// --buffer bounds the window in bytes: when it cannot hold --before of
// traffic, the incident starts where the window does, and its line says
// from when it is complete.
func TestWatchBufferBound(t *testing.T) {
	wd := watchBusy(t, busygen.Config{Rate: 300, Duration: 40 * time.Second, Clients: 500, Seed: 9}, func(c *Config) {
		c.Buffer, c.Before, c.After, c.MaxSpan, c.Trigger, c.Reports = 1<<20, 30*time.Second, time.Second, 2*time.Second, trigger(t, "unanswered:1/1s"), reports("json")
	})
	if len(wd.lines) < 2 {
		t.Fatalf("%d incidents", len(wd.lines))
	}
	l := wd.lines[len(wd.lines)-1] // well into the run, the window is full
	lost, err := time.Parse(time.RFC3339Nano, l.Lost)
	from, _ := time.Parse(time.RFC3339Nano, l.From)
	if err != nil || !lost.After(from) {
		t.Fatalf("incident %s: window_from %q, from %s: want the window to say it held less than --before", l.Incident, l.Lost, l.From)
	}
	f, err := capture.Open(filepath.Join(wd.dir, l.Incident, "evidence.pcapng"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, ci, err := f.ZeroCopyReadPacketData()
	if err != nil || !ci.Timestamp.After(lost) || ci.Timestamp.Sub(lost) > time.Second {
		t.Errorf("incident %s: first packet at %s (%v), want just after window_from %s", l.Incident, ci.Timestamp, err, l.Lost)
	}
}

// An open incident's packets reach its file at least every second, not
// only when it closes: a watch killed while an incident is open leaves its
// packets in the incident's folder.
func TestWatchFlushesOpenIncident(t *testing.T) {
	checked := 0
	watchBusyProbed(t, busygen.Config{Rate: 10, Duration: 30 * time.Second, Clients: 50, Seed: 3}, func(c *Config) {
		c.Reports = reports("json")
	}, func(w *Watcher) {
		inc := w.open
		if inc == nil || w.cfg.Now().Sub(inc.start) < 2*time.Second {
			return
		}
		fi, err := inc.raw.Stat()
		if err != nil {
			t.Fatal(err)
		}
		// The packets of the window ahead of the first failed SYN,
		// written as it opened, are in the file.
		if fi.Size() < 1000 {
			t.Errorf("incident %s open for %s: %d packets written, its file holds %d bytes", inc.name, w.cfg.Now().Sub(inc.start), inc.packets, fi.Size())
		}
		checked++
	})
	if checked == 0 {
		t.Fatal("no incident was open for 2 s")
	}
}

// A watch started on a folder where an earlier one was killed names the
// incidents it left unfinished.
func TestWatchNamesOrphans(t *testing.T) {
	dir := t.TempDir()
	orphan := filepath.Join(dir, "2026-03-02T10-00-05Z")
	if err := os.Mkdir(orphan, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan, ".window.pcapng.part"), []byte("packets"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	w, err := New(testConfig(dir, &fakeClock{t: wallStart}), io.Discard, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	want := "incident 2026-03-02T10-00-05Z was left unfinished by an earlier watch: its packets are in " + filepath.Join(orphan, ".window.pcapng.part")
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("the log does not say %q:\n%s", want, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(orphan, ".window.pcapng.part")); err != nil {
		t.Errorf("the orphan's packets: %v", err)
	}
}

// dirSize adds up the sizes of the files under dir.
func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		fi, err := e.Info()
		n += fi.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The disk budget removes only what watch wrote, and nothing before a new
// incident needs room: another tool's folder named like an incident stays
// whole, and an earlier incident's files go while the notes an engineer
// left in its folder stay, with the folder.
func TestWatchRemovesOnlyItsOwn(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("x"), 700<<10)
	foreign := filepath.Join(dir, "2019-01-01T00-00-00Z")
	earlier := filepath.Join(dir, "2020-01-01T00-00-00Z")
	for _, d := range []string{foreign, earlier} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(foreign, "data.bin"), big)
	write(filepath.Join(foreign, manifestName), []byte("not ours\nevidence.pcapng\n"))
	write(filepath.Join(foreign, "evidence.pcapng"), []byte("theirs"))
	write(filepath.Join(earlier, "evidence.pcapng"), big)
	write(filepath.Join(earlier, "report.json"), []byte("{}"))
	write(filepath.Join(earlier, "notes.txt"), []byte("what the engineer found"))
	if err := writeManifest(earlier, []string{partName, evidenceName, "report.json", "../notes.txt"}); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cfg := testConfig(dir, &fakeClock{t: wallStart})
	cfg.MaxDisk = 1 << 20
	w, err := New(cfg, io.Discard, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := os.Stat(filepath.Join(earlier, "evidence.pcapng")); err != nil {
		t.Errorf("the earlier incident was touched at the start, before any incident needed room: %v\n%s", err, stderr.String())
	}

	wd := watchBusy(t, busygen.Config{Rate: 15, Duration: 30 * time.Second, Clients: 200, Seed: 5}, func(c *Config) {
		c.Dir, c.Incidents = dir, filepath.Join(dir, "incidents.jsonl")
		c.Before, c.After, c.MaxSpan, c.MaxDisk, c.Reports = time.Second, time.Second, 2*time.Second, 1<<20, reports("json")
	})
	if len(wd.lines) == 0 {
		t.Fatal("no incident")
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "data.bin")); err != nil || len(b) != len(big) {
		t.Errorf("another tool's folder lost data.bin: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "evidence.pcapng")); err != nil || string(b) != "theirs" {
		t.Errorf("another tool's folder lost its evidence.pcapng: %v", err)
	}
	entries, _ := os.ReadDir(earlier)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if d := cmp.Diff([]string{"notes.txt"}, left); d != "" {
		t.Errorf("the earlier incident's folder holds (-want +got):\n%s\n%s", d, wd.log)
	}
	for _, s := range []string{"incident 2020-01-01T00-00-00Z removed", "its folder stays: it holds files slbdiag watch did not write"} {
		if !strings.Contains(wd.log, s) {
			t.Errorf("the log does not say %q:\n%s", s, wd.log)
		}
	}
	if strings.Contains(wd.log, "2019-01-01T00-00-00Z") {
		t.Errorf("the log names another tool's folder:\n%s", wd.log)
	}
}

// quiet is a capture that, once its packets are over, goes quiet as a live
// one does: it gives an idle tick a second for ticks seconds, then ends,
// calling atEnd first.
type quiet struct {
	src   analyze.Source
	last  time.Time
	ticks int
	atEnd func()
}

func (q *quiet) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := q.src.ZeroCopyReadPacketData()
	if err == nil {
		q.last = ci.Timestamp
		return data, ci, nil
	}
	if !errors.Is(err, io.EOF) {
		return data, ci, err
	}
	if q.ticks == 0 {
		if q.atEnd != nil {
			q.atEnd()
			q.atEnd = nil
		}
		return data, ci, err
	}
	q.ticks--
	q.last = q.last.Add(Idle)
	return nil, gopacket.CaptureInfo{}, &capture.IdleError{Until: q.last}
}

func (q *quiet) LinkType() layers.LinkType { return q.src.LinkType() }

// When the traffic stops, the idle ticks of the capture still move the
// watch's clock: the incident open then is written once no attempt can
// join it, while the capture goes on, not only when the watch stops.
func TestWatchQuietCaptureClosesIncident(t *testing.T) {
	for _, tt := range []struct {
		ticks, before int // idle ticks; incidents written before the capture ends
	}{{0, 0}, {40, 1}} {
		var buf bytes.Buffer
		if _, err := busygen.Write(&buf, busygen.Config{Rate: 10, Duration: 5 * time.Second, Clients: 50, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cfg := testConfig(dir, &fakeClock{t: wallStart})
		cfg.Reports = reports("json")
		var stderr bytes.Buffer
		w, err := New(cfg, io.Discard, &stderr)
		if err != nil {
			t.Fatal(err)
		}
		written := -1
		src := &quiet{src: r, ticks: tt.ticks, atEnd: func() {
			for w.queued.Load() > 0 {
				time.Sleep(time.Millisecond)
			}
			written = int(w.written.Load())
		}}
		if _, err := w.Run(context.Background(), src, "quiet.pcap"); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if written != tt.before {
			t.Errorf("%d idle ticks after the traffic: %d incidents written before the capture ended, want %d\n%s", tt.ticks, written, tt.before, stderr.String())
		}
		if lines := readLines(t, cfg.Incidents); len(lines) != 1 {
			t.Errorf("%d idle ticks after the traffic: %d incidents in all, want 1", tt.ticks, len(lines))
		}
	}
}
