package analyze_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/analyze/analyzetest"
)

// TestKindListsComplete keeps analyze.Causes and analyzetest's lists
// whole: every constant of those types declared in the package is listed
// exactly once, so that the tests that iterate the lists (every text in
// every language) see a new one without anyone remembering to add it.
func TestKindListsComplete(t *testing.T) {
	declared := declaredConsts(t)
	check := func(typ string, listed []string) {
		t.Helper()
		want := declared[typ]
		slices.Sort(want)
		got := slices.Clone(listed)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: listed %v, declared %v", typ, got, want)
		}
	}
	check("Cause", strs(analyze.Causes()))
	check("EvidenceKind", strs(analyzetest.EvidenceKinds()))
	check("WarningKind", strs(analyzetest.WarningKinds()))
	for _, k := range analyzetest.MissingKinds() {
		if !slices.Contains(analyzetest.EvidenceKinds(), k) {
			t.Errorf("missing kind %s is no evidence kind", k)
		}
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// declaredConsts reads the package's source for its typed string
// constants, by type name.
func declaredConsts(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				id, ok := v.Type.(*ast.Ident)
				if !ok || !slices.Contains([]string{"Cause", "EvidenceKind", "WarningKind"}, id.Name) {
					continue
				}
				for i := range v.Names {
					lit, ok := v.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: constant %s is not a literal", name, v.Names[i].Name)
					}
					val, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[id.Name] = append(out[id.Name], val)
				}
			}
		}
	}
	return out
}
