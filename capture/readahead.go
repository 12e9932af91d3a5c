package capture

import "io"

// Sizes of the read-ahead of a gzip'd capture: chunks small enough that
// the one being parsed and the one being inflated stay in L2.
const (
	readAheadChunk  = 256 << 10
	readAheadChunks = 4
)

// readAhead reads r on a goroutine of its own, up to readAheadChunks
// chunks ahead of its reader, so that inflating a gzip'd capture and
// parsing it run on two cores. Its reader sees the same bytes and the
// same error, after the same bytes, as a reader of r would.
type readAhead struct {
	full chan chunk
	free chan []byte
	done chan struct{}
	cur  chunk
	off  int
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader) *readAhead {
	a := &readAhead{full: make(chan chunk, readAheadChunks), free: make(chan []byte, readAheadChunks+1), done: make(chan struct{})}
	for range readAheadChunks {
		a.free <- make([]byte, readAheadChunk)
	}
	go a.fill(r)
	return a
}

func (a *readAhead) fill(r io.Reader) {
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.done:
			return
		}
		n, err := io.ReadAtLeast(r, b, 1)
		select {
		case a.full <- chunk{b[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Read(p []byte) (int, error) {
	for a.off == len(a.cur.b) {
		if a.cur.err != nil {
			return 0, a.cur.err
		}
		if a.cur.b != nil {
			a.free <- a.cur.b[:cap(a.cur.b)]
		}
		a.cur, a.off = <-a.full, 0
	}
	n := copy(p, a.cur.b[a.off:])
	a.off += n
	return n, nil
}

// stop ends the goroutine; the reader must not be read after it.
func (a *readAhead) stop() { close(a.done) }
