package outfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutFile: an output replaces the old file only on Commit, follows a
// symbolic link to replace what it points to, and writes devices directly.
func TestOutFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "report.txt")
	link := filepath.Join(dir, "link.txt")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("report.txt", link); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	o, err := Create("-o", link)
	if err != nil {
		t.Fatal(err)
	}
	o.WriteString("half")
	if got := read(target); got != "old" {
		t.Errorf("while writing: %q", got)
	}
	o.Abort()
	if got := read(target); got != "old" {
		t.Errorf("after Abort: %q", got)
	}

	o, err = Create("-o", link)
	if err != nil {
		t.Fatal(err)
	}
	o.WriteString("new")
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Abort() // after Commit: nothing
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	if got := read(target); got != "new" {
		t.Errorf("after Commit: %q", got)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}

	o, err = Create("-o", os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if o.name != "" {
		t.Errorf("%s would be renamed over", os.DevNull)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	var nilOut *File
	nilOut.Abort()
	if err := nilOut.Commit(); err != nil {
		t.Error(err)
	}
}

func TestPartialName(t *testing.T) {
	for in, want := range map[string]string{
		"r.jsonl":          "r.partial.jsonl",
		"dir/r.json":       "dir/r.partial.json",
		"report":           "report.partial",
		".report":          ".report.partial",
		"a.b/report":       "a.b/report.partial",
		"out/report.tar.x": "out/report.tar.partial.x",
	} {
		if got := PartialName(in); got != want {
			t.Errorf("PartialName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCommitPartial: an interrupted run's output goes beside the old
// file, which is left as it was.
func TestCommitPartial(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "r.jsonl")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create("-o", old)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	name, err := f.CommitPartial()
	if err != nil || name != filepath.Join(dir, "r.partial.jsonl") {
		t.Fatalf("CommitPartial: %q, %v", name, err)
	}
	for p, want := range map[string]string{old: "old", name: "new"} {
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Errorf("%s: %q, want %q", p, b, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}
