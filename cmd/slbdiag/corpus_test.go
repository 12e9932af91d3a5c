package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Bounds for one run of slbdiag over one capture. They are generous: they
// catch a hang or a runaway allocation, not a slow machine.
const (
	corpusTimeout = 2 * time.Minute
	corpusMaxRSS  = 1 << 30 // bytes
)

// TestCorpus runs the built binary over every capture in testdata/pcaps,
// and in the directory SLBDIAG_CORPUS names (customer captures kept out of
// the repository, a fuzz output directory): whatever the file holds,
// slbdiag exits 0, 1 or 2, never panics, ends within corpusTimeout and
// stays under corpusMaxRSS.
func TestCorpus(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "testdata", "pcaps")}
	if d := os.Getenv("SLBDIAG_CORPUS"); d != "" {
		dirs = append(dirs, d)
	}
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") {
				return err
			}
			n++
			abs, err := filepath.Abs(path)
			if err != nil {
				return err
			}
			t.Run(filepath.Base(path), func(t *testing.T) { runOnCorpusFile(t, abs) })
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
	}
	if n == 0 {
		t.Fatal("no captures found")
	}
}

func runOnCorpusFile(t *testing.T, path string) {
	t.Parallel()
	for _, format := range []string{"text", "jsonl"} {
		ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
		cmd := exec.CommandContext(ctx, binary, "analyze", "--format", format, path)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("%s: still running after %v; killed", format, corpusTimeout)
		}
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if code < 0 || code > 2 {
			t.Errorf("%s: exit code %d, want 0, 1 or 2\nstderr:\n%s", format, code, stderr.String())
		}
		if s := stderr.String() + stdout.String(); strings.Contains(s, "panic:") || strings.Contains(s, "goroutine ") {
			t.Errorf("%s: panicked:\n%s", format, stderr.String())
		}
		if code == 2 && !strings.HasPrefix(stderr.String(), "slbdiag: error: ") {
			t.Errorf("%s: exit 2 without an error message: %q", format, stderr.String())
		}
		if rss, ok := maxRSS(cmd.ProcessState); ok && rss > corpusMaxRSS {
			t.Errorf("%s: max RSS %d MB, more than %d MB", format, rss>>20, corpusMaxRSS>>20)
		}
	}
}
