package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFormatTable: every format has a name, an extension and a renderer,
// and no name, alias or extension is claimed twice; the lists help shows
// are the table's, in its order.
func TestFormatTable(t *testing.T) {
	names, exts := map[string]string{}, map[string]string{}
	for _, f := range formats() {
		if f.Name == "" || f.Ext == "" || f.Render == nil {
			t.Errorf("%+v: a format needs a name, an extension and a renderer", f)
		}
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if other, ok := names[n]; ok {
				t.Errorf("%q names both %s and %s", n, other, f.Name)
			}
			names[n] = f.Name
			if got, err := LookupFormat(n); err != nil || got.Name != f.Name {
				t.Errorf("LookupFormat(%q) = %s, %v; want %s", n, got.Name, err, f.Name)
			}
		}
		if other, ok := exts[f.Ext]; ok {
			t.Errorf("extension %q of both %s and %s", f.Ext, other, f.Name)
		}
		exts[f.Ext] = f.Name
		if f.Streamed != Streamed(f.Name) {
			t.Errorf("Streamed(%s) = %v, table says %v", f.Name, !f.Streamed, f.Streamed)
		}
	}
	var all, doctor []string
	for _, f := range formats() {
		all = append(all, f.Name)
		if f.Doctor != nil {
			doctor = append(doctor, f.Name)
		}
	}
	if diff := cmp.Diff(all, FormatNames()); diff != "" {
		t.Errorf("FormatNames (-table +got):\n%s", diff)
	}
	if diff := cmp.Diff(doctor, DoctorFormatNames()); diff != "" {
		t.Errorf("DoctorFormatNames (-table +got):\n%s", diff)
	}
	// The formats DESIGN.md promises are there, whatever is added.
	for _, name := range []string{"text", "markdown", "html", "json", "jsonl"} {
		if !slices.Contains(all, name) {
			t.Errorf("no format %s", name)
		}
	}
	for _, name := range []string{"text", "markdown", "html", "json"} {
		if !slices.Contains(doctor, name) {
			t.Errorf("doctor writes no %s", name)
		}
	}
	_, err := LookupFormat("xml")
	if want := `unknown format "xml" (want one of: ` + strings.Join(all, ", ") + ")"; err == nil || err.Error() != want {
		t.Errorf("LookupFormat(xml): %v, want %s", err, want)
	}
}

// TestStreamedRendersNothing: a streamed format's lines were all written
// during the Run, so its renderer adds nothing after it.
func TestStreamedRendersNothing(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	for _, f := range formats() {
		var b bytes.Buffer
		if err := f.Render(&b, r, Options{}); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if f.Streamed != (b.Len() == 0) {
			t.Errorf("%s: streamed %v, rendered %d bytes after the run", f.Name, f.Streamed, b.Len())
		}
	}
}
