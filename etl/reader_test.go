package etl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readAll reads every frame with a Reader whose reordering window is
// window bytes.
func readAll(t *testing.T, b []byte, window int) ([]Frame, *Trace, error) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rd.window = window
	var frames []Frame
	for {
		f, err := rd.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return frames, rd.Trace(), err
		}
		frames = append(frames, *f)
	}
}

// TestReaderStreams checks that the streaming Reader gives the frames Read
// and Frames give, on the shared traces and written ones: with the
// default window, which holds each of them whole, and on the written
// ones with a window of a few buffers. (A real trace's quiet CPU flushes
// its buffer only at the end, so a narrow window meets late events.)
func TestReaderStreams(t *testing.T) {
	inputs := map[string][]byte{"pktmon": synthPktMon(t), "netsh": synthNetsh(t)}
	names, _ := filepath.Glob(filepath.Join(sharedDir, "*.etl"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(n)] = b
	}
	for name, b := range inputs {
		t.Run(name, func(t *testing.T) {
			tr, err := Read(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			want := tr.Frames()
			windows := []int{reorderWindow}
			if name == "pktmon" || name == "netsh" {
				windows = append(windows, 8<<10)
			}
			for _, window := range windows {
				got, st, err := readAll(t, b, window)
				if err != nil || st.Late != 0 {
					t.Fatalf("window %d: %v, %d late", window, err, st.Late)
				}
				if diff := cmp.Diff(summarize(want), summarize(got)); diff != "" {
					t.Errorf("window %d (-Read +Reader):\n%s", window, diff)
				}
			}
		})
	}
}

// TestReaderLate gives a Reader no room to reorder: the events of the
// second CPU's buffer come after the first's, later than their time, and
// are counted as late.
func TestReaderLate(t *testing.T) {
	frames, tr, err := readAll(t, synthPktMon(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Late == 0 || len(frames) == 0 {
		t.Errorf("%d late events, %d frames", tr.Late, len(frames))
	}
}

func TestReaderDamage(t *testing.T) {
	b := synthPktMon(t)
	_, _, err := readAll(t, b[:len(b)-5], reorderWindow)
	var be *BufferError
	if !errors.As(err, &be) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %v, want the truncated buffer", err)
	}
}
