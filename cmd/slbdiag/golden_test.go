package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/internal/scenario"
	"github.com/slbdiag/slbdiag/internal/version"
	"github.com/slbdiag/slbdiag/report"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/golden")

// testBuild is the version the tests' reports name, in place of the test
// binary's own, so that golden files stay the same from build to build.
var testBuild = version.Info{Version: "v0.0.0-test", Commit: "0123456789abcdef0123456789abcdef01234567",
	Date: "2026-01-02T03:04:05Z", Go: "go1.26.0", Platform: "linux/amd64"}

// repoRoot makes the test run from the repository root, so that file names
// in reports read "testdata/pcaps/…" as a user would type them.
func repoRoot(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
}

// analyzeArgs is the command line that replays a scenario.
func analyzeArgs(s scenario.Scenario, format string) []string {
	args := []string{"analyze", "--format", format}
	if s.VIP != "" {
		args = append(args, "--vip", s.VIP)
	}
	for _, f := range s.Files {
		args = append(args, filepath.Join("testdata", "pcaps", f))
	}
	return args
}

// replayable are the scenarios that are captures (not the deliberately bad input).
func replayable() []scenario.Scenario {
	var out []scenario.Scenario
	for _, s := range scenario.All() {
		if !strings.HasSuffix(s.Files[0], ".txt") {
			out = append(out, s)
		}
	}
	return out
}

func TestGoldenReports(t *testing.T) {
	repoRoot(t)
	for _, s := range replayable() {
		for _, format := range reportFormats() {
			t.Run(s.Name+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				err := run(context.Background(), analyzeArgs(s, format), nil, &stdout, &stderr)
				if err != nil && !errors.Is(err, errProblems) {
					t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
				}
				ext := goldenExt(t, format)
				golden := filepath.Join("testdata", "golden", s.Name+"."+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run 'go test ./cmd/slbdiag -update' to create it)", err)
				}
				if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
					t.Errorf("report differs from %s (-want +got); if the change is intended, run with -update and review the diff:\n%s", golden, diff)
				}
			})
		}
	}
}

// zhGolden are the scenarios whose Chinese reports are kept as golden
// files, <scenario>.zh.<ext>: the seed case and one of each other cause.
var zhGolden = []string{"seed-strong-host", "lab-linux-before", "lab-dsr-nolistener", "lab-dsr-probes",
	"lab-dsr-return-lost", "lab-dsr-novip", "outcomes", "truncated"}

// TestGoldenReportsChinese keeps the --lang zh reports of a few scenarios
// as golden files; the English ones above must not change with them.
func TestGoldenReportsChinese(t *testing.T) {
	repoRoot(t)
	byName := map[string]scenario.Scenario{}
	for _, s := range replayable() {
		byName[s.Name] = s
	}
	for _, name := range zhGolden {
		s, ok := byName[name]
		if !ok {
			t.Errorf("no scenario %q", name)
			continue
		}
		for _, format := range reportFormats() {
			t.Run(s.Name+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := append([]string{"analyze", "--lang", "zh"}, analyzeArgs(s, format)[1:]...)
				err := run(context.Background(), args, nil, &stdout, &stderr)
				if err != nil && !errors.Is(err, errProblems) {
					t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
				}
				ext := goldenExt(t, format)
				checkGolden(t, filepath.Join("testdata", "golden", s.Name+".zh."+ext), stdout.Bytes())
			})
		}
	}
}

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run 'go test ./cmd/slbdiag -run TestGoldenReportsChinese -update' to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("report differs from %s (-want +got); if the change is intended, run with -update and review the diff:\n%s", golden, diff)
	}
}

// jsonlLine holds the jsonl fields the scenarios state expectations for.
type jsonlLine struct {
	File       string `json:"file"`
	ClientIP   string `json:"client_ip"`
	ClientPort uint16 `json:"client_port"`
	ServerIP   string `json:"server_ip"`
	ServerPort uint16 `json:"server_port"`
	ISN        uint32 `json:"isn"`
	Outcome    string `json:"outcome"`
	Syns       int    `json:"syns"`
	FirstFrame int    `json:"first_frame"`
}

// TestOutcomesMatchGenerator checks that every bundled capture gives, line
// by line, the outcomes its generator intended.
func TestOutcomesMatchGenerator(t *testing.T) {
	repoRoot(t)
	for _, s := range replayable() {
		t.Run(s.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), analyzeArgs(s, "jsonl"), nil, &stdout, &stderr)
			if err != nil && !errors.Is(err, errProblems) {
				t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
			}
			var got []jsonlLine
			dec := json.NewDecoder(&stdout)
			for dec.More() {
				var l jsonlLine
				if err := dec.Decode(&l); err != nil {
					t.Fatalf("jsonl: %v", err)
				}
				l.File = filepath.Base(l.File)
				got = append(got, l)
			}
			var want []jsonlLine
			for _, e := range s.Expect {
				want = append(want, expectLine(e))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("attempts differ from the generator's intent (-want +got):\n%s", diff)
			}
		})
	}
}

func expectLine(e scenario.Expect) jsonlLine {
	addr := func(a netip.Addr) string { return a.Unmap().String() }
	return jsonlLine{File: e.File, ClientIP: addr(e.Client.Addr()), ClientPort: e.Client.Port(),
		ServerIP: addr(e.Server.Addr()), ServerPort: e.Server.Port(), ISN: e.ISN,
		Outcome: e.Outcome, Syns: e.Syns, FirstFrame: e.FirstFrame}
}

// TestReadmeExampleIsReal keeps the example in docs/USAGE.md true: each of its
// lines, except those abridged with "…", is a line of the seed scenario's
// golden report.
func TestReadmeExampleIsReal(t *testing.T) {
	repoRoot(t)
	readme, err := os.ReadFile(filepath.Join("docs", "USAGE.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", "seed-strong-host.txt"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(golden), "\n") {
		have[l] = true
	}
	_, example, ok := strings.Cut(string(readme), "\n## Example\n")
	if !ok {
		t.Fatal("docs/USAGE.md has no Example section")
	}
	example, _, _ = strings.Cut(example, "\n## ")
	n := 0
	for _, l := range strings.Split(example, "\n") {
		line, indented := strings.CutPrefix(l, "    ")
		if !indented || strings.Contains(line, "…") {
			continue
		}
		n++
		if !have[line] {
			t.Errorf("docs/USAGE.md example line is not in the seed report (update it):\n%s", line)
		}
	}
	if n < 10 {
		t.Errorf("docs/USAGE.md example has only %d lines of report", n)
	}
}

// TestFindingsMatchScenario checks every bundled capture gives the
// findings its scenario intends, no more and no fewer: each cause has a
// capture that triggers it, and the negative captures trigger nothing.
func TestFindingsMatchScenario(t *testing.T) {
	repoRoot(t)
	covered := map[string]bool{}
	ran := 0
	for _, s := range replayable() {
		if s.Causes == nil {
			t.Errorf("scenario %s states no intended causes", s.Name)
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			ran++
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), analyzeArgs(s, "json"), nil, &stdout, &stderr)
			if err != nil && !errors.Is(err, errProblems) {
				t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
			}
			var doc struct{ Findings []struct{ Cause string } }
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range doc.Findings {
				got = append(got, f.Cause)
				covered[f.Cause] = true
			}
			if diff := cmp.Diff(s.Causes, got); diff != "" {
				t.Errorf("findings differ from the scenario's intent (-want +got):\n%s", diff)
			}
			if len(got) > 0 && !errors.Is(err, errProblems) {
				t.Errorf("findings, yet the exit code says no problem: %v", err)
			}
		})
	}
	if ran < len(replayable()) {
		return // -run picked some scenarios: coverage is for the whole set
	}
	for _, c := range analyze.Causes() {
		if !covered[string(c)] {
			t.Errorf("no bundled capture triggers %s", c)
		}
	}
}

// doctorGolden are the doctor reports kept as golden files,
// doctor-<name>.<ext>, in every format doctor writes: a problem with its
// fix (Windows, in both languages), two ports of a Linux backend, a Linux
// host without the VIP, a host already fixed, and one whose facts cannot
// decide.
var doctorGolden = []struct {
	name string
	args []string
}{
	{"windows-before", []string{"--host-facts", "testdata/hostfacts/windows/en/before.txt"}},
	{"windows-before.zh", []string{"--lang", "zh", "--host-facts", "testdata/hostfacts/windows/zh/before.txt"}},
	{"windows-after", []string{"--host-facts", "testdata/hostfacts/windows/en/after.txt"}},
	{"linux-backend", []string{"--port", "443,8443", "--host-facts", "testdata/hostfacts/linux/backend.txt"}},
	{"linux-twonic-nowhere", []string{"--host-facts", "testdata/hostfacts/linux/twonic-nowhere.txt"}},
	{"windows-no-ipconfig", []string{"--host-facts", "testdata/hostfacts/windows/en/2022-no-ipconfig.txt"}},
}

// TestGoldenDoctor keeps doctor's reports, through the same renderer
// contract as analyze's, as golden files.
func TestGoldenDoctor(t *testing.T) {
	repoRoot(t)
	for _, g := range doctorGolden {
		for _, format := range report.DoctorFormatNames() {
			t.Run(g.name+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := append([]string{"doctor", "--format", format, "--vip", "192.0.2.10"}, g.args...)
				err := run(context.Background(), args, nil, &stdout, &stderr)
				if err != nil && !errors.Is(err, errProblems) && !errors.Is(err, errNothingJudged) {
					t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
				}
				ext := goldenExt(t, format)
				golden := filepath.Join("testdata", "golden", "doctor-"+g.name+"."+ext)
				if *update {
					if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run 'go test ./cmd/slbdiag -run Golden -update' to create it)", err)
				}
				if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
					t.Errorf("doctor report differs from %s (-want +got); if the change is intended, run with -update and review the diff:\n%s", golden, diff)
				}
			})
		}
	}
}

// goldenExt is the extension of a golden report in a format: the one its
// format declares.
func goldenExt(t *testing.T, format string) string {
	t.Helper()
	f, err := report.LookupFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	return f.Ext
}

// reportFormats are the formats a report is written in after the run,
// each with its golden file (JSONL, streamed, is checked line by line).
func reportFormats() []string {
	var out []string
	for _, name := range report.FormatNames() {
		if !report.Streamed(name) {
			out = append(out, name)
		}
	}
	return out
}
