//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A hang-up stops a run as SIGTERM does, with the report of what was read,
// instead of killing it with nothing said.
func TestHangUpEndsTheRun(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", "seed-strong-host.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		cmd := exec.Command(binary, "analyze", "--format", "json", "-")
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		in.Write(seed) // and the pipe stays open: the run waits for more
		time.Sleep(500 * time.Millisecond)
		cmd.Process.Signal(sig)
		time.Sleep(200 * time.Millisecond)
		in.Close()
		err = cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) && !ee.Exited() {
			t.Errorf("%v killed the run: %v\nstderr: %s", sig, err, stderr.String())
			continue
		}
		if !strings.Contains(stdout.String(), `"schema": "slbdiag/1"`) {
			t.Errorf("after %v: no report (exit %v)\nstdout: %.200s\nstderr: %s", sig, err, stdout.String(), stderr.String())
		}
	}
}
