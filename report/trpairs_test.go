package report

import (
	"go/ast"
	"go/parser"
	goprinter "go/printer"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// trPair is one sentence written in both languages where it is used.
type trPair struct {
	pos    string
	en, zh ast.Expr
}

// trPairs finds every l.tr(en, zh) call in the package's source.
func trPairs(t *testing.T) ([]trPair, *token.FileSet) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []trPair
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "tr" {
				out = append(out, trPair{pos: fset.Position(call.Pos()).String(), en: call.Args[0], zh: call.Args[1]})
			}
			return true
		})
	}
	return out, fset
}

// values are the expressions a sentence interpolates: the arguments of its
// Sprintf, and the non-literal operands of its concatenation, as source.
func values(fset *token.FileSet, e ast.Expr) []string {
	var out []string
	src := func(e ast.Expr) string {
		var b strings.Builder
		goprinter.Fprint(&b, fset, e)
		return b.String()
	}
	// value is an interpolated expression with the grammar of its
	// language taken off: a count with its English plural or a list
	// with its separator is the same value as the bare number or list
	// the Chinese sentence shows, and enZh-style pairs computed ahead
	// (where, whereZh) are one value.
	var value func(ast.Expr) string
	value = func(e ast.Expr) string {
		if call, ok := e.(*ast.CallExpr); ok && len(call.Args) > 0 {
			switch funcName(call) {
			case "count", "zhPad", "confidence", "Join", "list", "Sprint", "ReplaceAll", "string":
				return value(call.Args[0])
			case "clientCountZh":
				return "clientCount(" + src(call.Args[0]) + ")"
			}
		}
		s := src(e)
		if s == "zh" {
			return "en" // the pair computed ahead
		}
		for _, suffix := range []string{"Zh", "zh"} {
			if id, ok := e.(*ast.Ident); ok && strings.HasSuffix(id.Name, suffix) && len(id.Name) > len(suffix) {
				s = strings.TrimSuffix(s, suffix)
			}
		}
		return s
	}
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.BasicLit:
		case *ast.ParenExpr:
			walk(x.X)
		case *ast.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *ast.CallExpr:
			switch name := funcName(x); {
			case name == "Sprintf":
				for _, a := range x.Args[1:] {
					out = append(out, value(a))
				}
			default:
				out = append(out, value(x))
			}
		default:
			out = append(out, value(x))
		}
	}
	walk(e)
	slices.Sort(out)
	return out
}

// funcName is the name of the function a call calls, without its package
// or receiver.
func funcName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// TestTranslationsCarryTheSameValues: each sentence interpolates the same
// values in every language, in whatever order its grammar wants, so that
// no translation drops a count, an address or a name, and so that the
// sentences can move to one catalog per language keyed by their English
// format with the values passed once (see DESIGN.md, Languages).
func TestTranslationsCarryTheSameValues(t *testing.T) {
	pairs, fset := trPairs(t)
	if len(pairs) < 100 {
		t.Fatalf("found %d tr pairs: the parser misses them", len(pairs))
	}
	checked := 0
	for _, p := range pairs {
		_, enBuilt := p.en.(*ast.Ident)
		_, zhBuilt := p.zh.(*ast.Ident)
		if enBuilt || zhBuilt {
			continue // a sentence built ahead, in a variable per language
		}
		checked++
		en, zh := values(fset, p.en), values(fset, p.zh)
		if !slices.Equal(en, zh) {
			t.Errorf("%s: English interpolates %q, Chinese %q", p.pos, en, zh)
		}
	}
	if checked < len(pairs)*9/10 {
		t.Errorf("checked %d of %d pairs", checked, len(pairs))
	}
}
