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

// slbdiag analyze - reading a pipe that sends a capture's first bytes and
// then stalls (a capture still being written, ssh host cat file) ends
// within a second of SIGTERM or SIGINT: with the report on what was read,
// marked interrupted, or, stopped inside the header, with an error.
func TestCancelStalledStdinBinary(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", "lab-dsr-lossy.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cut    int
		sig    syscall.Signal
		format string
		want   string // on stdout
	}{
		{5000, syscall.SIGTERM, "text", "59 frames"},
		{5000, syscall.SIGINT, "json", `"kind": "interrupted"`},
		{len(data) / 2, syscall.SIGTERM, "jsonl", `"outcome":"completed"`},
		{10, syscall.SIGTERM, "text", ""},
		{0, syscall.SIGINT, "text", ""},
	} {
		cmd := exec.Command(binary, "analyze", "--format", tc.format, "-")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := stdin.Write(data[:tc.cut]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(tc.sig)
		sent := time.Now()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("cut at %d, %v: still running a second after the signal", tc.cut, tc.sig)
		}
		stdin.Close()
		took := time.Since(sent)
		var ee *exec.ExitError
		if !errors.As(err, &ee) && err != nil {
			t.Fatal(err)
		}
		if ee != nil && !ee.Exited() {
			t.Fatalf("cut at %d: killed by the signal (%v): the signal must end the run, not the process", tc.cut, err)
		}
		code := cmd.ProcessState.ExitCode()
		if tc.want == "" {
			if code != exitError || !strings.Contains(stderr.String(), "slbdiag: error: stdin: interrupted before its header was read") {
				t.Errorf("cut at %d, %v: exit %d, stderr %q; want exit 2 saying the header was not read", tc.cut, tc.sig, code, stderr.String())
			}
			continue
		}
		if code == exitError || !strings.Contains(stdout.String(), tc.want) {
			t.Errorf("cut at %d, %v (%v): exit %d, stdout:\n%s\nstderr:\n%s\nwant the report holding %q", tc.cut, tc.sig, took, code, stdout.String(), stderr.String(), tc.want)
		}
		if !strings.Contains(stdout.String()+stderr.String(), "nterrupted") {
			t.Errorf("cut at %d, %v: nothing says the run was interrupted:\n%s\n%s", tc.cut, tc.sig, stdout.String(), stderr.String())
		}
	}
}
