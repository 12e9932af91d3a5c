package scenario

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/pcaps from the scenarios")

var pcapsDir = filepath.Join("..", "..", "testdata", "pcaps")

// TestCommittedCapturesMatchGenerator keeps testdata/pcaps and the
// generator in step: the committed captures are what the scenarios say.
func TestCommittedCapturesMatchGenerator(t *testing.T) {
	files, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(pcapsDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(pcapsDir, name)
		if *update {
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run 'go test ./internal/scenario -update')", err)
			continue
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("%s differs from what the generator writes; run 'go test ./internal/scenario -update' and review", path)
		}
	}
}

// TestEveryCaptureSaysWhereItCameFrom fails on a file in testdata/pcaps
// that README.md does not account for.
func TestEveryCaptureSaysWhereItCameFrom(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(pcapsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(pcapsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "README.md" && !strings.Contains(string(readme), "`"+e.Name()+"`") {
			t.Errorf("testdata/pcaps/%s: README.md does not say where it comes from", e.Name())
		}
	}
}

// TestScenariosAreConsistent checks the intentions themselves: every
// scenario names its files, and every expected attempt is in one of them.
func TestScenariosAreConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All() {
		if seen[s.Name] {
			t.Errorf("scenario %s twice", s.Name)
		}
		seen[s.Name] = true
		if len(s.Files) == 0 || s.Description == "" {
			t.Errorf("scenario %s: no files or no description", s.Name)
		}
		for _, e := range s.Expect {
			found := false
			for _, f := range s.Files {
				found = found || f == e.File
			}
			if !found || e.FirstFrame < 1 || e.Syns < 1 {
				t.Errorf("scenario %s: bad expectation %+v", s.Name, e)
			}
		}
	}
}
