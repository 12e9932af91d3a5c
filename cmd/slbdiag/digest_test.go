package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/internal/busygen"
)

// digestFile holds the SHA-256 of what the binary writes on the busy
// backend, the mix and the flood generators and on every bundled capture:
// speed work must leave every count and every JSONL line as it was.
const digestFile = "testdata/digests.txt"

// TestOutputDigests compares the JSONL and JSON the built binary writes
// on generated and bundled captures with the digests checked in; -update
// rewrites them (and the diff then names each output that changed).
func TestOutputDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads about a million packets")
	}
	dir := t.TempDir()
	inputs := generatedInputs(t, dir)
	bundled, err := filepath.Glob(filepath.Join("..", "..", "testdata", "pcaps", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range bundled {
		switch filepath.Ext(p) {
		case ".pcap", ".pcapng", ".cap", ".gz":
			inputs = append(inputs, p)
		}
	}
	got := map[string]string{}
	for _, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"jsonl", "json"} {
			r := slbdiag(t, nil, "analyze", "--format", format, abs)
			if r.code != 0 && r.code != 1 && r.code != 3 {
				t.Fatalf("%s as %s: exit %d:\n%s", in, format, r.code, r.stderr)
			}
			// The input's own path is in the JSON: keep only its name.
			out := strings.ReplaceAll(r.stdout, filepath.Dir(abs)+string(filepath.Separator), "")
			got[filepath.Base(in)+" "+format] = fmt.Sprintf("%x", sha256.Sum256([]byte(out)))
		}
	}
	var lines []string
	for k, v := range got {
		lines = append(lines, v+"  "+k)
	}
	sort.Strings(lines)
	text := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(digestFile, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(digestFile)
	if err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
	if len(wantLines) != len(lines) {
		t.Errorf("%d outputs, %s lists %d", len(lines), digestFile, len(wantLines))
	}
	wantSet := map[string]bool{}
	for _, l := range wantLines {
		wantSet[l] = true
	}
	for _, l := range lines {
		if !wantSet[l] {
			t.Errorf("output differs from %s: %s", digestFile, l)
		}
	}
}

// generatedInputs writes the busy backend's capture and, with benchgen,
// a mix as pcap and pcapng and a SYN flood, into dir.
func generatedInputs(t *testing.T, dir string) []string {
	t.Helper()
	busy := filepath.Join(dir, "busy.pcap")
	f, err := os.Create(busy)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	_, err = busygen.Write(bw, busygen.Config{Rate: 5000, Duration: 22 * time.Second, Clients: 3000, Seed: 11})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(dir, "benchgen")
	if out, err := exec.Command("go", "build", "-o", gen, "../../internal/benchgen").CombinedOutput(); err != nil {
		t.Fatalf("building benchgen: %v\n%s", err, out)
	}
	inputs := []string{busy}
	for _, g := range []struct{ kind, format, name, packets string }{
		{"mix", "pcap", "mix.pcap", "300000"},
		{"mix", "pcapng", "mix.pcapng", "300000"},
		{"flood", "pcap", "flood.pcap", "300000"},
	} {
		out := filepath.Join(dir, g.name)
		cmd := exec.Command(gen, "-kind", g.kind, "-format", g.format, "-packets", g.packets, "-o", out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("benchgen %s: %v\n%s", g.name, err, msg)
		}
		inputs = append(inputs, out)
	}
	return inputs
}
