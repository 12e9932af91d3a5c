package capture

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// A capture read from a pipe (stdin fed by 'ssh host cat file', a capture
// still being written, 'tcpdump -w -' under a supervisor) can stall: its
// writer sends the first bytes and then nothing for minutes. A read of a
// pipe cannot be cancelled, so a signal would wait for the writer. An
// interruptible reader does the reads on a goroutine of its own, which
// owns its buffers and touches nothing else, and hands the bytes over; a
// read waiting for that goroutine ends as soon as the context is done,
// leaving it blocked in the read until the writer sends or the process
// exits.

// interruptChunk is the most one read of the underlying reader asks for,
// as much as a capture file is read with.
const interruptChunk = readBufferSize

// InterruptibleReader returns r read so that a Read waiting for data
// returns once ctx is done, with an error that wraps ctx's (so
// errors.Is(err, context.Canceled) holds), and every Read after it too.
// A File read from it ends the same way, keeping the frames read until
// then (see File.ZeroCopyReadPacketData). The bytes read are the same;
// nothing is started until the first Read.
func InterruptibleReader(ctx context.Context, r io.Reader) io.Reader {
	if r == nil {
		return nil
	}
	return &interruptible{ctx: ctx, r: r}
}

type interruptible struct {
	ctx   context.Context
	r     io.Reader
	start sync.Once
	free  chan []byte      // buffers the reading goroutine may fill
	full  chan filledChunk // what it read, in order
	cur   filledChunk      // being handed out
	off   int              // of cur.data handed out
	err   error            // sticky: the underlying reader's error, or the interruption
	stop  error            // the context's error, once it ended a Read
}

type filledChunk struct {
	data []byte
	err  error
}

func (ir *interruptible) run() {
	for {
		var b []byte
		select {
		case b = <-ir.free:
		case <-ir.ctx.Done():
			return
		}
		n, err := ir.r.Read(b[:cap(b)])
		select {
		case ir.full <- filledChunk{b[:n], err}:
		case <-ir.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (ir *interruptible) Read(p []byte) (int, error) {
	ir.start.Do(func() {
		ir.free, ir.full = make(chan []byte, 2), make(chan filledChunk, 2)
		for range 2 {
			ir.free <- make([]byte, interruptChunk)
		}
		go ir.run()
	})
	if len(p) == 0 {
		return 0, nil
	}
	for ir.off == len(ir.cur.data) {
		if ir.err != nil {
			return 0, ir.err
		}
		if ir.cur.data != nil {
			ir.free <- ir.cur.data[:0] // never blocks: two buffers, two places
			ir.cur.data, ir.off = nil, 0
		}
		// A context already done wins over data ready, so that a stop
		// is prompt even while the writer keeps sending.
		if err := ir.ctx.Err(); err != nil {
			return 0, ir.interrupt(err)
		}
		select {
		case c := <-ir.full:
			ir.cur, ir.off, ir.err = c, 0, c.err
		case <-ir.ctx.Done():
			return 0, ir.interrupt(ir.ctx.Err())
		}
	}
	n := copy(p, ir.cur.data[ir.off:])
	ir.off += n
	return n, nil
}

func (ir *interruptible) interrupt(cause error) error {
	ir.err = fmt.Errorf("reading stopped before the end: %w", cause)
	ir.stop = cause
	return ir.err
}

// interruption is the context's error when it ended a Read of r, which a
// File read from r says instead of what its readers made of the failed
// read (pcapgo's do not all keep the error they got); else nil. Called on
// the goroutine that reads.
func interruption(r io.Reader) error {
	if ir, ok := r.(*interruptible); ok {
		return ir.stop
	}
	return nil
}
