package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/busygen"
)

// watched is what a watch over a generated capture left.
type watched struct {
	dir   string
	truth []busygen.Attempt
	lines []incidentLine
	log   string
	err   error
}

// watchBusy runs the watch over a busy backend's generated capture, as if
// captured live, with the flags given.
func watchBusy(t *testing.T, gen busygen.Config, args ...string) watched {
	t.Helper()
	return watchBusyWith(t, gen, nil, args...)
}

// watchBusyWith is watchBusy with the watcher set up further by setup.
func watchBusyWith(t *testing.T, gen busygen.Config, setup func(*watcher), args ...string) watched {
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
	c, err := parseWatch(append([]string{"-i", "test0", "--out", dir}, args...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	w, err := newWatcher(c, io.Discard, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	w.inline = true
	w.statusOn = true // as on a terminal: the first read shows the status line
	w.hostFacts = func(context.Context) (*hostfacts.Facts, error) { return nil, errors.New("not read in tests") }
	if setup != nil {
		setup(w)
	}
	w.factsAtStart(context.Background())
	res, err := w.run(context.Background(), src, "busy.pcap")
	if err != nil {
		t.Fatal(err)
	}
	err = w.summary(res)
	w.closeFiles()
	out := watched{dir: dir, truth: truth, log: stderr.String(), err: err}
	f, err := os.Open(filepath.Join(dir, "incidents.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l incidentLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("incidents.jsonl: %v: %s", err, sc.Bytes())
		}
		out.lines = append(out.lines, l)
	}
	return out
}

func attemptID(client, server, firstTS string) string { return client + ">" + server + "@" + firstTS }

// Every failed attempt of a busy backend is in exactly one incident;
// failures while one is open join it, up to --max-span; each incident's
// evidence starts --before ahead of its first failed SYN, holds each of its
// failed attempts' first SYN at the frame its line names, marked, and has
// its reports beside it.
func TestWatchIncidents(t *testing.T) {
	const before, maxSpan = 5 * time.Second, 20 * time.Second
	wd := watchBusy(t, busygen.Config{Rate: 10, Duration: 70 * time.Second, Clients: 50, Seed: 3},
		"--before", before.String(), "--after", "3s", "--max-span", maxSpan.String(), "--format", "text,json")
	if !errors.Is(wd.err, errProblems) {
		t.Errorf("summary: %v, want problems found", wd.err)
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
func checkIncident(t *testing.T, dir string, l incidentLine, before, maxSpan time.Duration) {
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
	if d := cmp.Diff([]string{"evidence.pcapng", "report.json", "report.txt"}, names); d != "" {
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
	none := watchBusy(t, gen, "--on", "refused:50/1s")
	if len(none.lines) != 0 || !errors.Is(none.err, errProblems) {
		t.Errorf("50 refusals a second never came, yet %d incidents (exit %v)", len(none.lines), none.err)
	}
	only := watchBusy(t, gen, "--on", "unreachable", "--after", "0s", "--max-span", "0s", "--format", "jsonl,md")
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
	wd := watchBusy(t, busygen.Config{Rate: 15, Duration: 150 * time.Second, Clients: 200, Seed: 5},
		"--before", "1s", "--after", "1s", "--max-span", "2s", "--horizon", "4s", "--max-disk", "1MiB", "--format", "json")
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
			used += dirSize(filepath.Join(wd.dir, e.Name()))
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
	if n := strings.Count(wd.log, "to stay within --max-disk"); n != len(wd.lines)-len(kept) {
		t.Errorf("the log says %d removals, %d were removed:\n%s", n, len(wd.lines)-len(kept), wd.log)
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
		tr, err := parseTrigger(tt.in)
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

func TestParseWatchRefuses(t *testing.T) {
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--out", "d"}, "no interface given"},
		{[]string{"-i", "eth0"}, "no directory given"},
		{[]string{"-i", "eth0", "--out", "d", "-o", "r.txt"}, "-o does not apply"},
		{[]string{"-i", "eth0", "--out", "d", "--format", "text,pdf"}, `--format: unknown format "pdf"`},
		{[]string{"-i", "eth0", "--out", "d", "--max-disk", "10kB"}, "--max-disk"},
		{[]string{"-i", "eth0", "--out", "d", "--after", "1m", "--max-span", "30s"}, "--max-span (30s) must be at least --after (1m0s)"},
	} {
		_, err := parseWatch(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
}

// The systemd unit is valid for systemd, and its command line, with its
// default environment, is one watch accepts.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile(filepath.Join("..", "..", "packaging", "slbdiag-watch.service"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	var exec string
	for _, line := range strings.Split(string(unit), "\n") {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			for _, kv := range strings.Fields(v) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			exec = v
		}
	}
	args := strings.Fields(os.Expand(exec, func(k string) string { return env[k] }))
	if len(args) < 2 || args[0] != "/usr/local/bin/slbdiag" || args[1] != "watch" {
		t.Fatalf("ExecStart=%s", exec)
	}
	c, err := parseWatch(args[2:], io.Discard)
	if err != nil {
		t.Fatalf("ExecStart's flags %q: %v", args[2:], err)
	}
	if c.iface != "eth0" || c.dir != "/var/lib/slbdiag-watch" || c.maxDisk != 2<<30 {
		t.Errorf("ExecStart gives -i %s --out %s --max-disk %d", c.iface, c.dir, c.maxDisk)
	}
	verify, err := osexec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit's syntax is not checked")
	}
	// systemd-analyze checks that ExecStart's program exists: point it at
	// the binary built for the tests.
	tmp := filepath.Join(t.TempDir(), "slbdiag-watch.service")
	os.WriteFile(tmp, bytes.ReplaceAll(unit, []byte("/usr/local/bin/slbdiag"), []byte(binary)), 0o644)
	if out, err := osexec.Command(verify, "verify", tmp).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
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
		return hostfacts.ReadFile(ctx, filepath.Join("..", "..", "testdata", "hostfacts", "windows", "en", name))
	}
	wd := watchBusyWith(t, busygen.Config{Rate: 10, Duration: 15 * time.Second, Clients: 50, Seed: 3},
		func(w *watcher) { w.hostFacts = read }, "--vip", "192.0.2.10", "--on", "unanswered", "--format", "json")
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
	wd := watchBusy(t, busygen.Config{Rate: 300, Duration: 40 * time.Second, Clients: 500, Seed: 9},
		"--buffer", "1MiB", "--before", "30s", "--after", "1s", "--max-span", "2s", "--on", "unanswered:1/1s", "--format", "json")
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
