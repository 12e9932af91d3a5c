package analyze

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegistryComplete: every cause_*.go file declares one cause whose
// definition is listed in causeDefs, once, with a detector and a
// host-facts check (FactsNone being one); texts, fixes and doctor's
// prediction are checked by the report's registry test, host-facts checks
// by hostcheck's, and fixtures by the scenarios'.
func TestRegistryComplete(t *testing.T) {
	declared := causeDefVars(t)
	if len(declared) != len(causeDefs) {
		t.Errorf("cause_*.go files declare %d causes, causeDefs lists %d", len(declared), len(causeDefs))
	}
	seen := map[Cause]bool{}
	for _, def := range causeDefs {
		if seen[def.cause] {
			t.Errorf("%s: listed twice", def.cause)
		}
		seen[def.cause] = true
		if (def.detect == nil) == (def.global == nil) {
			t.Errorf("%s: needs exactly one of detect and global", def.cause)
		}
		if def.facts == factsUnset {
			t.Errorf("%s: names no host-facts check (FactsNone if the facts say nothing of it)", def.cause)
		}
		if def.detect != nil && len(def.outcomes) == 0 {
			t.Errorf("%s: a detector over destinations explains no outcome", def.cause)
		}
	}
	for name, v := range declared {
		if causeDefOf(v) == nil {
			t.Errorf("%s: its cause %s is not in causeDefs", name, v)
		}
	}
}

// causeDefVars reads the cause_*.go files for the causeDef each declares,
// by file name: the cause constant it names.
func causeDefVars(t *testing.T) map[string]Cause {
	t.Helper()
	files, err := filepath.Glob("cause_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cause_*.go files: %v", err)
	}
	out := map[string]Cause{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		ast.Inspect(f, func(node ast.Node) bool {
			lit, ok := node.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "causeDef" {
				return true
			}
			n++
			for _, el := range lit.Elts {
				kv := el.(*ast.KeyValueExpr)
				if k := kv.Key.(*ast.Ident); k.Name == "cause" {
					out[name] = causeOf(t, f, kv.Value.(*ast.Ident).Name)
				}
			}
			return false
		})
		if n != 1 {
			t.Errorf("%s declares %d causes, want 1", name, n)
		}
	}
	return out
}

// causeOf is the value of the Cause constant named id declared in f.
func causeOf(t *testing.T, f *ast.File, id string) Cause {
	t.Helper()
	obj := f.Scope.Lookup(id)
	if obj == nil || obj.Kind != ast.Con {
		t.Fatalf("%s: cause %s is not a constant declared beside it", f.Name.Name, id)
	}
	lit := obj.Decl.(*ast.ValueSpec).Values[0].(*ast.BasicLit)
	return Cause(lit.Value[1 : len(lit.Value)-1])
}
