package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/capture"
)

// portsTerms is n 'port N' terms joined by or.
func portsTerms(n int) string {
	var ps []string
	for i := range n {
		ps = append(ps, fmt.Sprint("port ", i+1))
	}
	return strings.Join(ps, " or ")
}

// A -f filter past the bounds fails at once, in capture and in watch,
// with the bounds in the hint: 3,000 terms sat in libpcap's optimizer for
// over ten minutes, deaf to signals.
func TestCaptureFilterTooBig(t *testing.T) {
	if !capture.LiveAvailable {
		t.Skip("built without libpcap")
	}
	for _, args := range [][]string{
		{"capture", "-i", "lo", "-d", "1s", "-f", portsTerms(3000)},
		{"capture", "-i", "lo", "-d", "1s", "-f", portsTerms(201)},
		{"watch", "-i", "lo", "--out", t.TempDir(), "-f", portsTerms(3000)},
	} {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		err := run(context.Background(), args, nil, &stdout, &stderr)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: refused after %v", args[0], took)
		}
		if !errors.Is(err, capture.ErrFilterTooBig) || exitCode(err, &bytes.Buffer{}) != exitError {
			t.Fatalf("%s: error %v, want ErrFilterTooBig and exit 2", args[0], err)
		}
		printError(&stderr, err)
		s := stderr.String()
		if !strings.Contains(s, "hint: slbdiag compiles capture filters of at most 8192 bytes and 200 terms") || len(s) > 2000 {
			t.Errorf("%s: stderr (%d bytes) should give the bounds in a short hint:\n%.3000s", args[0], len(s), s)
		}
	}
}

// The default filter built from a long --port list is compact: 2,000
// ports took libpcap 3.8 GB. The capture starts at once and stays in
// 256 MiB; slbdiag checks the ports itself.
func TestCaptureManyPortsBinary(t *testing.T) {
	if why := labSkip(); why != "" {
		t.Skip(why)
	}
	var ports []string
	for i := range 2000 {
		ports = append(ports, fmt.Sprint(1000+2*i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := []string{binary, "capture", "-i", "lo", "-d", "1s", "--port", strings.Join(ports, ",")}
	// GNU time measures the child it forks; a process this test starts
	// directly reports at least this test's own peak, which Linux carries
	// across exec.
	rssFile := filepath.Join(t.TempDir(), "rss")
	gnuTime, timeErr := exec.LookPath("/usr/bin/time")
	if timeErr == nil {
		args = append([]string{gnuTime, "-f", "%M", "-o", rssFile}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if code := cmd.ProcessState.ExitCode(); code == exitError {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	if took > 10*time.Second {
		t.Errorf("a 1s capture took %v: the filter is not compact", took)
	}
	if !strings.Contains(stderr.String(), "filter: tcp or arp or") {
		t.Errorf("stderr:\n%s\nwant the filter to keep all of TCP", stderr.String())
	}
	if timeErr != nil {
		t.Log("max RSS not checked: it needs GNU time (Debian package time)")
	} else if rss := gnuTimeRSS(t, rssFile); rss > 256<<20 {
		t.Errorf("peak RSS %d MiB, over 256 MiB", rss>>20)
	}
}
