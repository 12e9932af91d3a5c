package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/watch"
)

// TestWatchInLab runs 'slbdiag watch' live on the lab's backend for 40 s of
// healthy traffic (a health probe and a client connection every half
// second) with three failed attempts at known times (test/lab/lab.sh,
// scenario watch-burst): an unanswered one at 2 s and a refused one at 3 s
// make one incident, another unanswered one at 22 s makes a second. Each
// incident must name exactly its failed attempts, and its evidence must
// replay to them: those attempts failed, every other one completed.
func TestWatchInLab(t *testing.T) {
	if why := labSkip(); why != "" {
		t.Skip(why)
	}
	if testing.Short() {
		t.Skip("the lab runs for 45 s")
	}
	dir := t.TempDir()
	incidents := filepath.Join(dir, "incidents")
	out := filepath.Join(dir, "watch")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const before = 5 * time.Second
	lab := exec.CommandContext(ctx, filepath.Join("test", "lab", "lab.sh"), "run", fmt.Sprintf("%d7", os.Getpid()%100000), "watch-burst", out,
		"--", binary, "watch", "-i", "b0", "--out", incidents, "--vip", "192.0.2.10,192.0.2.11", "--port", "443,8443",
		"--before", before.String(), "--after", "3s", "--format", "text,json", "--redact")
	lab.Dir = filepath.Join("..", "..")
	if b, err := lab.CombinedOutput(); err != nil {
		t.Fatalf("lab: %v\n%s", err, b)
	}
	code, stdout, stderr := readLabRun(t, out)
	if code != exitProblems {
		t.Errorf("slbdiag watch exited %d, want %d\nstderr: %s", code, exitProblems, stderr)
	}
	if stdout != "" || strings.Contains(stderr, "\r") {
		t.Errorf("stdout %q; a status line on stderr, which is not a terminal: %v", stdout, strings.Contains(stderr, "\r"))
	}
	lines := readIncidentLines(t, filepath.Join(incidents, "incidents.jsonl"))
	want := [][]string{
		{"unanswered 192.0.2.11:443", "refused 192.0.2.10:8443"},
		{"unanswered 192.0.2.11:443"},
	}
	var got [][]string
	for _, l := range lines {
		var names []string
		for _, a := range l.Attempts {
			names = append(names, fmt.Sprintf("%s %s:%d", a.Outcome, a.ServerIP, a.ServerPort))
		}
		got = append(got, names)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("incidents (-want +got):\n%s\nstderr:\n%s", d, stderr)
	}
	if !slices.Contains(lines[0].Causes, "strong-host-receive") || !slices.Contains(lines[0].Causes, "no-listener-on-vip") {
		t.Errorf("the first incident's causes: %v, want strong-host-receive and no-listener-on-vip", lines[0].Causes)
	}
	for _, l := range lines {
		checkLabIncident(t, incidents, l, before)
	}
	// --redact: the client's address is in no output, as text or in packets.
	client := netip.MustParseAddr("10.1.0.2")
	filepath.WalkDir(incidents, func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, _ := os.ReadFile(name)
		if bytes.Contains(b, []byte(client.String())) || bytes.Contains(b, client.AsSlice()) {
			t.Errorf("%s holds the client address %s", name, client)
		}
		return nil
	})
	log, _ := os.ReadFile(filepath.Join(incidents, "watch.log"))
	for _, s := range []string{"incident " + lines[0].Incident + " written", "incident " + lines[1].Incident + " written", "causes seen", "strong-host-receive: 2 incidents"} {
		if !strings.Contains(string(log), s) || !strings.Contains(stderr, s) {
			t.Errorf("watch.log and stderr do not both say %q:\n%s", s, log)
		}
	}
}

// checkLabIncident replays an incident's evidence: the attempts that
// failed in it are exactly those its line names, at the frames it names,
// and every other attempt completed (or began too close to the end to be
// judged); the evidence reaches --before ahead of the first failed SYN.
func checkLabIncident(t *testing.T, dir string, l watch.Line, before time.Duration) {
	t.Helper()
	evidence := filepath.Join(dir, l.Incident, "evidence.pcapng")
	for _, f := range []string{"report.txt", "report.json"} {
		if _, err := os.Stat(filepath.Join(dir, l.Incident, f)); err != nil {
			t.Errorf("incident %s: %v", l.Incident, err)
		}
	}
	r := slbdiag(t, nil, "analyze", "--format", "jsonl", "--port", "443,8443", evidence)
	named := map[string]bool{}
	for _, a := range l.Attempts {
		named[fmt.Sprintf("%s:%d>%s:%d #%d %s", a.ClientIP, a.ClientPort, a.ServerIP, a.ServerPort, a.FirstFrame, a.FirstTS)] = true
	}
	completed := 0
	var first time.Time
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	for dec.More() {
		var a struct {
			jsonlLine
			FirstTS string `json:"first_ts"`
		}
		if err := dec.Decode(&a); err != nil {
			t.Fatal(err)
		}
		ts, _ := time.Parse(time.RFC3339Nano, a.FirstTS)
		id := fmt.Sprintf("%s:%d>%s:%d #%d %s", a.ClientIP, a.ClientPort, a.ServerIP, a.ServerPort, a.FirstFrame, ts.UTC().Format(time.RFC3339Nano))
		switch {
		case named[id]:
			delete(named, id)
			if first.IsZero() {
				first = ts
			}
		case a.Outcome == "completed":
			completed++
		case a.Outcome != "pending":
			t.Errorf("incident %s: the evidence holds a %s attempt its line does not name: %s", l.Incident, a.Outcome, id)
		}
	}
	if len(named) > 0 {
		t.Errorf("incident %s: named attempts not found failed in the evidence: %v\n%s", l.Incident, named, r.stdout)
	}
	if completed < 5 {
		t.Errorf("incident %s: %d completed attempts around the failures, want the healthy traffic", l.Incident, completed)
	}
	from, _ := time.Parse(time.RFC3339Nano, l.From)
	if !first.IsZero() && !from.Equal(first.Add(-before)) {
		t.Errorf("incident %s: from %s, want --before %s ahead of the first failed SYN at %s", l.Incident, l.From, before, first)
	}
}

func readIncidentLines(t *testing.T, name string) []watch.Line {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []watch.Line
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l watch.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lines = append(lines, l)
	}
	return lines
}

// TestWatchReopensInLab deletes the interface watch captures on, in a
// namespace of its own, and creates it again: watch says so, opens it
// again, and still sees the refused attempt made after.
func TestWatchReopensInLab(t *testing.T) {
	if why := labSkip(); why != "" {
		t.Skip(why)
	}
	dir := t.TempDir()
	labnet := filepath.Join(dir, "labnet")
	b := exec.Command("go", "build", "-o", labnet, "./test/lab/labnet")
	b.Dir = filepath.Join("..", "..")
	if out, err := b.CombinedOutput(); err != nil {
		t.Fatalf("building labnet: %v\n%s", err, out)
	}
	id := fmt.Sprintf("slbdw%d", os.Getpid()%100000)
	srv, cli := id+"-s", id+"-c"
	sh := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	veth := func() {
		sh("ip", "-n", srv, "link", "add", "w0", "type", "veth", "peer", "name", "w1", "netns", cli)
		sh("ip", "-n", srv, "addr", "add", "10.9.0.1/24", "dev", "w0")
		sh("ip", "-n", cli, "addr", "add", "10.9.0.2/24", "dev", "w1")
		sh("ip", "-n", srv, "link", "set", "w0", "up")
		sh("ip", "-n", cli, "link", "set", "w1", "up")
	}
	for _, ns := range []string{srv, cli} {
		sh("ip", "netns", "add", ns)
		defer exec.Command("ip", "netns", "del", ns).Run()
	}
	veth()
	out := filepath.Join(dir, "incidents")
	var stderr strings.Builder
	cmd := exec.Command("ip", "netns", "exec", srv, binary, "watch", "-i", "w0", "--out", out, "--vip", "10.9.0.1", "--before", "2s", "--after", "1s", "--format", "json")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(2 * time.Second)
	sh("ip", "-n", srv, "link", "del", "w0") // its peer goes with it
	time.Sleep(2 * time.Second)
	veth()
	time.Sleep(3 * time.Second)
	exec.Command("ip", "netns", "exec", cli, labnet, "dial", "-timeout", "2s", "10.9.0.1:443").Run()
	time.Sleep(3 * time.Second)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	for _, s := range []string{"the capture on w0 stopped", "the capture on w0 is open again after"} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr does not say %q:\n%s", s, stderr.String())
		}
	}
	lines := readIncidentLines(t, filepath.Join(out, "incidents.jsonl"))
	if len(lines) != 1 || len(lines[0].Attempts) != 1 || lines[0].Attempts[0].Outcome != "refused" {
		t.Errorf("incidents after the interface came back: %+v (exit %v)\n%s", lines, err, stderr.String())
	}
}
