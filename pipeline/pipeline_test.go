package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/report"
)

var seed = filepath.Join("..", "testdata", "pcaps", "seed-strong-host.pcapng")

// analyzeSeed runs cfg's pipeline over the seed capture as analyze does.
func analyzeSeed(t *testing.T, cfg Config) (*Run, *analyze.Result, *analyze.Result) {
	t.Helper()
	f, err := capture.Open(seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg.Inputs = []string{f.Name}
	ports, err := analyze.ParsePorts("443")
	if err != nil {
		t.Fatal(err)
	}
	run, acfg, err := Start(context.Background(), cfg, analyze.Config{Ports: ports, Grace: analyze.DefaultGrace, Horizon: analyze.DefaultHorizon, ReadAhead: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	res, err := analyze.Run(context.Background(), acfg, []analyze.Input{{Name: f.Name, Format: f.Format, Source: f}})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := run.Finish(res)
	if err != nil {
		t.Fatal(err)
	}
	return run, res, shown
}

// Every output is put in place only by Finish, and a Run closed without
// Finish leaves the old files as they were.
func TestOutputsOnlyWhenFinished(t *testing.T) {
	dir := t.TempDir()
	rep, ev := filepath.Join(dir, "r.json"), filepath.Join(dir, "e.pcapng")
	for _, name := range []string{rep, ev} {
		if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Reports: []Report{{Format: "json", Flag: "-o", Name: rep}},
		Evidence: Evidence{Kind: Findings, Flag: "--evidence", Name: ev, Files: []string{seed}, App: "slbdiag test"}}
	run, _, err := Start(context.Background(), cfg, analyze.Config{})
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	for _, name := range []string{rep, ev} {
		if b, _ := os.ReadFile(name); string(b) != "old" {
			t.Errorf("%s after Close without Finish: %q", name, b)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
	analyzeSeed(t, cfg)
	if b, _ := os.ReadFile(rep); !bytes.Contains(b, []byte(`"schema": "slbdiag/1"`)) {
		t.Errorf("report after Finish: %.40q", b)
	}
	if f, err := capture.Open(ev, nil); err != nil {
		t.Errorf("evidence after Finish: %v", err)
	} else {
		f.Close()
	}
}

// A streamed report and the others of the same run give a client the same
// stand-in, and no output holds a real client address.
func TestOneRedactionForEveryReport(t *testing.T) {
	_, plain, _ := analyzeSeed(t, Config{Reports: []Report{{Format: "json", Out: new(bytes.Buffer)}}})
	var clients []string
	for _, a := range plain.Examples {
		if !analyze.DefaultProbeNets.Contains(a.Client.Addr()) { // probes are kept
			clients = append(clients, a.Client.Addr().String())
		}
	}
	if len(clients) == 0 {
		t.Fatal("the seed capture has no example attempt")
	}
	var jsonl, js bytes.Buffer
	_, _, shown := analyzeSeed(t, Config{Redaction: report.Redaction{Clients: true},
		Reports: []Report{{Format: "jsonl", Out: &jsonl}, {Format: "json", Out: &js}}})
	for _, c := range clients {
		for name, out := range map[string]string{"jsonl": jsonl.String(), "json": js.String()} {
			if strings.Contains(out, c) {
				t.Errorf("%s names client %s", name, c)
			}
		}
	}
	// The Result the reports show has the stand-ins the lines streamed.
	n := 0
	for _, a := range shown.Examples {
		if analyze.DefaultProbeNets.Contains(a.Client.Addr()) {
			continue
		}
		n++
		if !strings.Contains(jsonl.String(), `"client_ip":"`+a.Client.Addr().String()+`"`) {
			t.Errorf("the report shows client %s, which no JSONL line names", a.Client.Addr())
		}
	}
	if n == 0 {
		t.Error("the report shows no client")
	}
}

// A report that cannot be created fails Start, before any packet is read,
// and leaves nothing behind.
func TestStartFailsEarly(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "nowhere", "r.txt")
	_, _, err := Start(context.Background(), Config{Reports: []Report{{Format: "text", Flag: "-o", Name: filepath.Join(dir, "r.txt")}, {Format: "json", Flag: "-o", Name: bad}}}, analyze.Config{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "-o: cannot write "+bad) {
		t.Errorf("error %v, want -o: cannot write %s", err, bad)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
	if _, _, err := Start(context.Background(), Config{Reports: []Report{{Format: "pdf", Out: new(bytes.Buffer)}}}, analyze.Config{}); err == nil {
		t.Error("an unknown format was accepted")
	}
	if _, _, err := Start(context.Background(), Config{}, analyze.Config{}); err == nil {
		t.Error("a run without a report was accepted")
	}
}

// Packets a capture writes as they come can be redacted afterwards only
// in a regular file.
func TestCapturedEvidenceMustBeAFile(t *testing.T) {
	cfg := Config{Reports: []Report{{Format: "text", Out: new(bytes.Buffer)}},
		Evidence: Evidence{Kind: Captured, Flag: "-w", Name: os.DevNull}}
	run, _, err := Start(context.Background(), cfg, analyze.Config{})
	if err != nil {
		t.Fatalf("without redaction: %v", err)
	}
	if run.CaptureEvidence() == nil {
		t.Error("no writer for the captured packets")
	}
	run.Close()
	cfg.Redaction.Clients = true
	_, _, err = Start(context.Background(), cfg, analyze.Config{})
	if want := "-w " + os.DevNull + " is not a regular file: packets written there as they come could not be redacted afterwards"; !errors.Is(err, ErrNotRedactable) || err.Error() != want {
		t.Errorf("with redaction: %v, want %q", err, want)
	}
}
