package main

import (
	"os/exec"
	"strings"
	"testing"
)

// ranks rank the module's packages: a package imports only packages of a
// lower rank, so data flows one way (capture → analyze → hostcheck →
// report → pipeline → watch → cmd) and no cycle can form.
var ranks = map[string]int{
	"decode":  -1,
	"analyze": 0, "capture": 0, "hostfacts": 0,
	"internal/version": 0, "internal/english": 0, "internal/outfile": 0,
	"internal/benchgen": 0, "internal/busygen": 0, "internal/scenario": 0, "test/lab/labnet": 0,
	"collect":     0,
	"hostcheck":   1,
	"report":      2,
	"pipeline":    3,
	"watch":       4,
	"cmd/slbdiag": 5,
}

// TestImportGraph checks every package of the module against ranks: its
// imports rank lower than it, and a new package has taken its place.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/slbdiag/slbdiag/"
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, ok := strings.CutPrefix(fields[0], module)
		if !ok {
			continue
		}
		n++
		rank, ok := ranks[pkg]
		if !ok {
			t.Errorf("package %s has no place in the ranks of deps_test.go: give it the rank below everything that imports it", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if r, known := ranks[dep]; known && r >= rank {
				t.Errorf("%s (rank %d) imports %s (rank %d): imports go to lower ranks only", pkg, rank, dep, r)
			}
		}
	}
	if n < len(ranks) {
		t.Errorf("go list named %d of the module's packages, the ranks %d", n, len(ranks))
	}
}
