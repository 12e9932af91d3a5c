package capture

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadAhead: what the read-ahead gives is the bytes of its source,
// in order, across chunk boundaries, then the source's own error after
// exactly those bytes, again on every later read.
func TestReadAhead(t *testing.T) {
	content := make([]byte, 3*readAheadChunk+12345)
	for i := range content {
		content[i] = byte(i * 7)
	}
	if err := iotest.TestReader(newReadAhead(bytes.NewReader(content)), content); err != nil {
		t.Error(err)
	}
	damaged := errors.New("damaged")
	for _, src := range []struct {
		name string
		r    io.Reader
	}{
		{"error after the data", io.MultiReader(bytes.NewReader(content), iotest.ErrReader(damaged))},
		{"error with the last data", iotest.DataErrReader(io.MultiReader(bytes.NewReader(content), iotest.ErrReader(damaged)))},
		{"one byte at a time", iotest.OneByteReader(io.MultiReader(bytes.NewReader(content[:5000]), iotest.ErrReader(damaged)))},
	} {
		a := newReadAhead(src.r)
		got, err := io.ReadAll(a)
		want := content
		if src.name == "one byte at a time" {
			want = content[:5000]
		}
		if !bytes.Equal(got, want) || !errors.Is(err, damaged) {
			t.Errorf("%s: %d bytes (equal %v), error %v; want %d bytes, then %v", src.name, len(got), bytes.Equal(got, want), err, len(want), damaged)
		}
		if n, err := a.Read(make([]byte, 10)); n != 0 || !errors.Is(err, damaged) {
			t.Errorf("%s: read after the error: %d, %v", src.name, n, err)
		}
		a.stop()
	}
}
