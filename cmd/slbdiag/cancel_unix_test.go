//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/capture"
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

// analyze F -o FIFO with no reader waited in open(2), deaf to SIGTERM
// and SIGINT, and wrote "NO DATA ... 0 frames" once a reader came after
// the signal. Now a signal ends the wait at once; with a reader, the
// report covers the whole capture.
func TestCancelFIFOOutputBinary(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(binary, "analyze", "testdata/pcaps/outcomes.pcap", "-o", fifo)
		cmd.Dir = filepath.Join("..", "..")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(time.Second):
			cmd.Process.Kill()
			<-done
			// The killed process's open may still wait: let it go.
			if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
			t.Fatalf("%v: still waiting for a reader of the FIFO a second after the signal", sig)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitError || !strings.Contains(stderr.String(), "no process opened the pipe for reading") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying no process read the pipe", sig, code, stderr.String())
		}
	}

	// With a reader the run is the usual one.
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		got <- b.Bytes()
	}()
	r := slbdiag(t, nil, "analyze", "testdata/pcaps/outcomes.pcap", "-o", fifo)
	report := <-got
	if r.code == exitError || !bytes.Contains(report, []byte("outcomes.pcap: pcap")) || bytes.Contains(report, []byte("NO DATA")) {
		t.Errorf("exit %d, stderr %q, report:\n%s", r.code, r.stderr, report)
	}
}

// capture -w FIFO and -o FIFO wait for the pipe's reader as analyze does:
// a stop ends the wait.
func TestCancelCaptureFIFOOutput(t *testing.T) {
	if !capture.LiveAvailable {
		t.Skip("built without libpcap")
	}
	for _, flag := range []string{"-w", "-o"} {
		fifo := filepath.Join(t.TempDir(), "out.fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		var stdout, stderr bytes.Buffer
		start := time.Now()
		err := run(ctx, []string{"capture", "-i", "lo", "-d", "1s", flag, fifo}, nil, &stdout, &stderr)
		cancel()
		// Let the open left waiting go.
		if f, oerr := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); oerr == nil {
			time.Sleep(50 * time.Millisecond)
			f.Close()
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s FIFO: returned %v after the stop", flag, took)
		}
		if err == nil || !strings.Contains(err.Error(), "no process opened the pipe for reading") {
			t.Errorf("%s FIFO: error %v, want one saying no process read the pipe", flag, err)
		}
	}
}
