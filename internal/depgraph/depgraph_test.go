package depgraph

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/slbdiag/slbdiag/"

// allowed is every import one package of the module may make of another,
// by path below the module. Data flows one way: capture and analyze know
// nothing of each other and share only the frame decoder, hostcheck
// comes after analyze, report only formats, pipeline runs the steps after
// an analysis, watch runs incidents through it, and cmd/slbdiag wires
// them. A package missing here may import
// no other package of the module.
var allowed = map[string][]string{
	"analyze":             {"decode"},
	"capture":             {"decode", "etl"},
	"internal/benchgen":   {"internal/etlwrite", "internal/floodgen"},
	"analyze/analyzetest": {"analyze"},
	"hostcheck":           {"analyze", "hostfacts"},
	"report":              {"analyze", "hostcheck", "hostfacts", "internal/english", "internal/version"},
	"pipeline":            {"analyze", "capture", "hostcheck", "hostfacts", "internal/outfile", "report"},
	"watch":               {"analyze", "capture", "hostfacts", "internal/english", "internal/outfile", "pipeline", "report"},
	"cmd/slbdiag": {"analyze", "capture", "collect", "hostcheck", "hostfacts", "internal/english",
		"internal/outfile", "internal/version", "pipeline", "report", "watch"},
}

// testOnly are packages only tests may import.
var testOnly = []string{"analyze/analyzetest"}

// never are the dependencies, direct or not, a package must not have:
// with its tests ("+test") or without.
var never = []struct {
	pkg, dep, why string
	tests         bool
}{
	{"analyze", "hostfacts", "analyze is about packets; the host's configuration is hostcheck's stage", true},
	{"analyze", "hostcheck", "hostcheck comes after analyze", true},
	{"report", "capture", "report formats a Result; it reads no files or interfaces", false},
	{"report", "github.com/gopacket/gopacket/pcap", "libpcap (cgo) must not sit under every report", false},
}

// imports is the module's graph of production imports: package to the
// packages of the module it imports, by path below the module.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	g := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module)
		g[pkg] = nil
		for _, imp := range f[1:] {
			if dep, ok := strings.CutPrefix(imp, module); ok {
				g[pkg] = append(g[pkg], dep)
			}
		}
	}
	if len(g) < 5 {
		t.Fatalf("go list named %d packages", len(g))
	}
	return g
}

func TestImportGraph(t *testing.T) {
	g := imports(t)
	for pkg, deps := range g {
		for _, dep := range deps {
			if !slices.Contains(allowed[pkg], dep) {
				t.Errorf("%s imports %s: not an allowed edge", pkg, dep)
			}
			if slices.Contains(testOnly, dep) {
				t.Errorf("%s imports %s, which only tests may", pkg, dep)
			}
		}
	}
	for pkg := range allowed {
		if _, ok := g[pkg]; !ok {
			t.Errorf("allowed names %s, no package of the module", pkg)
		}
	}
}

// TestAllowedIsOneWay: the allowed edges themselves have no cycle, so the
// graph they permit is one-way whatever subset of it the code uses.
func TestAllowedIsOneWay(t *testing.T) {
	if c := cycle(allowed); c != nil {
		t.Errorf("allowed edges form a cycle: %s", strings.Join(c, " -> "))
	}
	if c := cycle(map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}); len(c) != 4 {
		t.Errorf("cycle a->b->c->a found as %v", c)
	}
}

// cycle is a path that comes back to its start, or nil when g has none.
func cycle(g map[string][]string) []string {
	const (
		open = 1
		done = 2
	)
	state := map[string]int{}
	var path []string
	var visit func(string) []string
	visit = func(n string) []string {
		switch state[n] {
		case open:
			i := slices.Index(path, n)
			return append(slices.Clone(path[i:]), n)
		case done:
			return nil
		}
		state[n] = open
		path = append(path, n)
		for _, m := range g[n] {
			if c := visit(m); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c := visit(k); c != nil {
			return c
		}
	}
	return nil
}

func TestNeverDepends(t *testing.T) {
	for _, n := range never {
		args := []string{"list", "-deps"}
		if n.tests {
			args = append(args, "-test")
		}
		out, err := exec.Command("go", append(args, module+n.pkg)...).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", n.pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) == 0 {
			t.Fatalf("go list named no dependencies of %s", n.pkg)
		}
		dep := n.dep
		if !strings.Contains(dep, ".") {
			dep = module + dep
		}
		if slices.Contains(deps, dep) {
			t.Errorf("%s depends on %s: %s", n.pkg, n.dep, n.why)
		}
	}
}
