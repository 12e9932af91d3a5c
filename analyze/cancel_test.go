package analyze

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/capture"
)

// framesIn counts the frames of a capture prefix that are whole.
func framesIn(t *testing.T, prefix []byte) int {
	t.Helper()
	f, err := capture.NewFile("prefix", bytes.NewReader(prefix))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, _, err := f.ZeroCopyReadPacketData(); err != nil {
			return n
		}
		n++
	}
}

// A capture read from a pipe whose writer sent the first bytes and then
// stalls (ssh host cat file, tcpdump -w - under a supervisor) stops
// within a second of the stop, at any stage, blocked reads included: in
// the header, between frames and inside one, read ahead or inline. The
// result covers every frame read whole, and says it was interrupted.
// Under -race it also checks that the reading goroutine left behind
// touches nothing the Run reads.
func TestCancelStalledPipe(t *testing.T) {
	for _, name := range []string{"lab-dsr-lossy.pcap", "pktmon.pcapng"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "pcaps", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{0, 3, 30, len(data) / 3, len(data)/2 + 7} {
			for _, ahead := range []bool{true, false} {
				stalledRun(t, name, data[:cut], ahead)
			}
		}
	}
}

func stalledRun(t *testing.T, name string, prefix []byte, ahead bool) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close() // lets the reading goroutine left blocked go
	go pw.Write(prefix)
	ctx, cancel := context.WithCancel(context.Background())
	type outcome struct {
		r       *Result
		openErr error
		err     error
	}
	done := make(chan outcome, 1)
	go func() {
		f, err := capture.NewFile(name, capture.InterruptibleReader(ctx, pr))
		if err != nil {
			done <- outcome{openErr: err}
			return
		}
		ports, _ := ParsePorts("any")
		r, err := Run(ctx, Config{Ports: ports, ReadAhead: ahead}, []Input{{Name: name, Source: f}})
		done <- outcome{r: r, err: err}
	}()
	time.Sleep(150 * time.Millisecond) // the prefix is read, the pipe stalls
	cancel()
	stopped := time.Now()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(time.Second):
		t.Fatalf("%s cut at %d (read ahead %v): still reading a second after the stop", name, len(prefix), ahead)
	}
	if took := time.Since(stopped); took > time.Second {
		t.Errorf("%s cut at %d: stopped after %v", name, len(prefix), took)
	}
	if o.openErr != nil {
		// Stopped in the header: nothing to report but the stop.
		if !errors.Is(o.openErr, context.Canceled) {
			t.Errorf("%s cut at %d: %v, want an error saying the read was stopped", name, len(prefix), o.openErr)
		}
		return
	}
	if o.err != nil {
		t.Fatalf("%s cut at %d: %v", name, len(prefix), o.err)
	}
	want := framesIn(t, prefix)
	if o.r.Summary.Frames != want {
		t.Errorf("%s cut at %d (read ahead %v): %d frames, want the %d read whole", name, len(prefix), ahead, o.r.Summary.Frames, want)
	}
	interrupted, damaged := 0, 0
	for _, w := range o.r.Warnings {
		switch w.Kind {
		case WarnInterrupted:
			interrupted++
		case WarnDamaged:
			damaged++
		}
	}
	if interrupted != 1 || damaged != 0 {
		t.Errorf("%s cut at %d: %d interrupted and %d damaged warnings, want one interrupted: %+v", name, len(prefix), interrupted, damaged, o.r.Warnings)
	}
}

// The interruptible reader hands over exactly the bytes read, whatever
// the sizes asked for, and the reader's own error at its end.
func TestInterruptibleReaderSameBytes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 300_000) // several chunks
	r := capture.InterruptibleReader(context.Background(), io.MultiReader(bytes.NewReader(data), iotestErrReader{}))
	var got []byte
	buf := make([]byte, 7777)
	var err error
	for err == nil {
		var n int
		n, err = r.Read(buf)
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, data) || !errors.Is(err, errTestEnd) {
		t.Errorf("read %d bytes (same: %v), ended with %v; want %d bytes and errTestEnd", len(got), bytes.Equal(got, data), err, len(data))
	}
}

var errTestEnd = errors.New("test end")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errTestEnd }
