package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsNeverOverwriteOtherInputs: a file read that is not a capture
// (--host-facts) is an input like the captures, through links too; the
// run is refused and the file is left as it was.
func TestOutputsNeverOverwriteOtherInputs(t *testing.T) {
	dir := t.TempDir()
	capFile := copyCapture(t, dir, "seed-strong-host.pcapng")
	facts, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "windows/en/before.txt"))
	if err != nil {
		t.Fatal(err)
	}
	hf := filepath.Join(dir, "hf.txt")
	if err := os.WriteFile(hf, facts, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(hf, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"-o the host facts", []string{"analyze", capFile, "--host-facts", hf, "-o", hf}},
		{"--evidence the host facts through a link", []string{"analyze", capFile, "--host-facts", hf, "--evidence", filepath.Join(dir, "link")}},
		{"-o the host facts named through a link", []string{"analyze", capFile, "--host-facts", filepath.Join(dir, "link"), "-o", hf}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := slbdiag(t, nil, tc.args...)
			if r.code != exitError || !strings.Contains(r.stderr, "is the host facts (--host-facts)") || !strings.Contains(r.stderr, "would destroy the host facts") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming the host facts", r.code, r.stderr)
			}
			if got, _ := os.ReadFile(hf); !bytes.Equal(got, facts) {
				t.Fatalf("%s changed", hf)
			}
		})
	}
}

// slbdiagTo runs the binary with its stdout the file or pipe out, as a
// shell's "> FILE" or "| cmd" does.
func slbdiagTo(t *testing.T, out *os.File, args ...string) (code int, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = filepath.Join("..", "..")
	var e bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, e.String()
}

// TestStdoutIsAnOutput: standard output is one of the outputs. Evidence
// to /dev/stdout is refused when the report goes there or when stdout is
// a file (the rename would replace it), and never with a hint about
// /proc/self/fd; through a pipe, with the report in a file, the evidence
// goes down the pipe.
func TestStdoutIsAnOutput(t *testing.T) {
	seed := "testdata/pcaps/seed-strong-host.pcapng"
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"analyze", seed, "--evidence", "/dev/stdout"},
		{"analyze", seed, "--evidence", "/dev/stdout", "-o", filepath.Join(dir, "r.txt")},
	} {
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		code, stderr := slbdiagTo(t, f, args...)
		f.Close()
		if code != exitError || !strings.Contains(stderr, "--evidence /dev/stdout is standard output") {
			t.Errorf("%v > file: exit %d, stderr %q; want exit 2 naming standard output", args, code, stderr)
		}
		if b, _ := os.ReadFile(out); len(b) != 0 {
			t.Errorf("%v > file: %d bytes written to stdout's file", args, len(b))
		}
	}

	pipeRun := func(args ...string) (int, string, []byte) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan []byte)
		go func() {
			var b bytes.Buffer
			b.ReadFrom(pr)
			pr.Close()
			got <- b.Bytes()
		}()
		code, stderr := slbdiagTo(t, pw, args...)
		pw.Close()
		return code, stderr, <-got
	}
	code, stderr, _ := pipeRun("analyze", seed, "--evidence", "/dev/stdout")
	if code != exitError || !strings.Contains(stderr, "where the report goes") || strings.Contains(stderr, "/proc/self/fd") {
		t.Errorf("| pipe with the report: exit %d, stderr %q; want exit 2, the report named, no /proc/self/fd", code, stderr)
	}
	code, stderr, b := pipeRun("analyze", seed, "--evidence", "/dev/stdout", "-o", filepath.Join(dir, "r.txt"))
	if code != exitProblems || !bytes.HasPrefix(b, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		t.Errorf("| pipe with -o: exit %d, stderr %q, %d bytes %.8x; want exit 1 and a pcapng down the pipe", code, stderr, len(b), b)
	}
}
