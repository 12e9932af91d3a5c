package analyze

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// frame is one input frame, decoded and ready for the tracker. Its packet
// keeps no reference to the frame's bytes, so it outlives the read buffer.
type frame struct {
	file      int
	lt        layers.LinkType
	ts        time.Time
	supported bool // of a link type slbdiag decodes
	ip        bool // decoded as IP or as an ARP claim
	checked   bool // the copy check is done, and dup is its verdict
	dup       bool
	kept      int // bytes captured when the snaplen cut the frame, else 0
	pkt       packet
}

// stream yields one input's frames; the frame returned is valid until the
// next call. At the end it returns io.EOF, or the error that stopped it.
type stream interface {
	next() (*frame, error)
}

// read fills f with src's next frame.
func read(src Source, file int, dec *decoder, f *frame) error {
	data, ci, err := src.ZeroCopyReadPacketData()
	if err != nil {
		return err
	}
	lt := src.LinkType()
	if len(ci.AncillaryData) > 0 {
		if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			lt = l
		}
	}
	f.file, f.lt, f.ts = file, lt, ci.Timestamp
	f.kept = 0
	if ci.CaptureLength < ci.Length {
		f.kept = ci.CaptureLength
	}
	f.supported = decode.Supported(lt)
	dec.d.SetTime(ci.Timestamp)
	f.ip = f.supported && dec.decode(lt, data, &f.pkt)
	f.checked, f.dup = false, false
	f.pkt.settlePayload()
	return nil
}

// inlineStream reads its source when asked, on the caller's goroutine.
type inlineStream struct {
	src  Source
	file int
	dec  *decoder
	f    frame
}

func (s *inlineStream) next() (*frame, error) {
	if err := read(s.src, s.file, s.dec, &s.f); err != nil {
		return nil, err
	}
	return &s.f, nil
}

// Read-ahead sizes: frames per batch, and batches in flight per input.
const (
	batchFrames  = 256
	batchesAhead = 8
)

// batch is frames read ahead; err ends the input after them.
type batch struct {
	frames []frame
	err    error
}

// readAhead reads each input on its own goroutine. With a single input
// the copy check is done there too: with nothing to merge, the order of
// its frames is the order of the input. With several, copies are checked
// in merged order, by take.
type readAhead struct {
	streams []stream
	done    chan struct{}
	wg      sync.WaitGroup
	// halt is set once the Run's context is done: each reader then ends
	// its input after the frame it is reading, handing over every frame
	// it read (a pipe that stalled may have sent a few, and the read it
	// waits in ends with the context too: see capture.InterruptibleReader).
	halt    atomic.Bool
	unwatch func() bool
}

// errHalted ends an input read ahead when the Run's context is done.
var errHalted = fmt.Errorf("reading stopped: %w", context.Canceled)

func (a *analyzer) readAhead(ctx context.Context, inputs []Input) *readAhead {
	ra := &readAhead{done: make(chan struct{})}
	ra.unwatch = context.AfterFunc(ctx, func() { ra.halt.Store(true) })
	var dups *dedup
	if len(inputs) == 1 {
		dups = a.tr.dups
	}
	for i := range inputs {
		s := &aheadStream{full: make(chan *batch, batchesAhead), free: make(chan *batch, batchesAhead), dec: newDecoder()}
		for range batchesAhead {
			s.free <- &batch{frames: make([]frame, 0, batchFrames)}
		}
		ra.streams = append(ra.streams, s)
		ra.wg.Add(1)
		go func() {
			defer ra.wg.Done()
			s.produce(inputs[i].Source, i, dups, ra.done, &ra.halt)
		}()
	}
	return ra
}

// stop ends the reading goroutines and waits for them, so the sources
// can be closed.
func (ra *readAhead) stop() {
	ra.unwatch()
	close(ra.done)
	ra.wg.Wait()
}

// aheadStream is one input read ahead.
type aheadStream struct {
	dec        *decoder // its own: read on the reader's goroutine until it stops
	full, free chan *batch
	cur        *batch
	i          int
}

func (s *aheadStream) produce(src Source, file int, dups *dedup, done <-chan struct{}, halt *atomic.Bool) {
	dec := s.dec
	for {
		var b *batch
		select {
		case b = <-s.free:
		case <-done:
			return
		}
		b.frames, b.err = b.frames[:0], nil
		for len(b.frames) < batchFrames {
			if halt.Load() {
				b.err = errHalted
				break
			}
			b.frames = b.frames[:len(b.frames)+1]
			f := &b.frames[len(b.frames)-1]
			if err := read(src, file, dec, f); err != nil {
				b.frames = b.frames[:len(b.frames)-1]
				var idle idler
				if errors.As(err, &idle) {
					continue // read ahead, the clock moves with the frames only
				}
				b.err = err
				break
			}
			if dups != nil && f.ip && !f.pkt.IsARP {
				f.checked, f.dup = true, dups.copyOf(&f.pkt, file, f.ts)
			}
		}
		select {
		case s.full <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

func (s *aheadStream) next() (*frame, error) {
	for s.cur == nil || s.i == len(s.cur.frames) {
		if s.cur != nil {
			if s.cur.err != nil {
				return nil, s.cur.err
			}
			s.free <- s.cur
		}
		s.cur, s.i = <-s.full, 0
	}
	s.i++
	return &s.cur.frames[s.i-1], nil
}
