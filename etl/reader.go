package etl

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
)

// reorderWindow is how many bytes of events a Reader holds to put them
// in time order: the per-CPU buffers of a trace are each in time order,
// and interleave in the file within a few buffers of each other.
const reorderWindow = 64 << 20

// Reader gives a trace's packets as frames, in time order, as its buffers
// come: its memory is bounded by the reordering window, not by the trace.
type Reader struct {
	t      *Trace
	br     *bufferReader
	d      decoder
	q      packetQueue
	window int
	held   int
	seq    int
	done   bool  // no buffer left to read
	last   int64 // time of the latest event given out, ns since 1970
	g      grouper
}

// NewReader reads the header buffer of a trace from r. It returns an error
// wrapping ErrNotETL when r is not an ETL file.
func NewReader(r io.Reader) (*Reader, error) {
	br := &bufferReader{r: r}
	b0, _, err := br.next()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotETL, err)
	}
	t := &Trace{Components: map[uint16]*Component{}, Maps: map[string]map[uint32]string{}, Unknown: map[string]int{}}
	var first *record
	var n int
	if err := records(b0.data, &n, func(rec *record) {
		if first == nil {
			c := *rec
			first = &c
		}
	}); err != nil && first == nil {
		return nil, fmt.Errorf("%w: %v", ErrNotETL, err)
	}
	if first == nil {
		return nil, fmt.Errorf("%w: the header buffer holds no record", ErrNotETL)
	}
	if t.Header, err = parseHeader(first); err != nil {
		return nil, err
	}
	br.compressed = t.Header.Compressed
	br.maxData = max(t.Header.BufferSize, b0.size)
	br.compression = b0.state
	rd := &Reader{t: t, br: br, window: reorderWindow}
	rd.d = decoder{t: t, sink: rd.push}
	rd.d.buffer(b0)
	return rd, nil
}

// Trace is what the reader has found so far: the header, components,
// value maps, counters, what was skipped; complete once Next has returned
// io.EOF or the damage. Its Packets stay empty: they go out as frames.
func (rd *Reader) Trace() *Trace { return rd.t }

// Next returns the next frame. At the end it returns io.EOF, or the
// *BufferError where the file stopped being readable.
func (rd *Reader) Next() (*Frame, error) {
	for {
		if f := rd.g.ready(); f != nil {
			return f, nil
		}
		switch {
		case !rd.done && rd.held < rd.window:
			rd.fill()
		case rd.q.Len() > 0:
			rd.release()
		case rd.g.flush():
		case rd.t.Damage != nil:
			return nil, rd.t.Damage
		default:
			return nil, io.EOF
		}
	}
}

// fill reads the next buffer, or marks the end.
func (rd *Reader) fill() {
	b, skip, err := rd.br.next()
	switch {
	case err == io.EOF:
	case err != nil && skip:
		rd.t.Skipped = append(rd.t.Skipped, err)
		return
	case err != nil:
		errors.As(err, &rd.t.Damage)
	default:
		rd.d.buffer(b)
		return
	}
	rd.done = true
	rd.d.finish()
}

func (rd *Reader) push(p Packet) {
	rd.held += len(p.Data) + packetOverhead
	heap.Push(&rd.q, queued{p.Time.UnixNano(), rd.seq, &p})
	rd.seq++
}

// release hands the earliest event held to the grouper.
func (rd *Reader) release() {
	q := heap.Pop(&rd.q).(queued)
	rd.held -= len(q.p.Data) + packetOverhead
	if q.at < rd.last {
		rd.t.Late++
	} else {
		rd.last = q.at
	}
	rd.g.add(q.p)
}

// queued is an event waiting its turn: at is its time (ns since 1970),
// seq keeps file order among equal times.
type queued struct {
	at  int64
	seq int
	p   *Packet
}

type packetQueue []queued

func (q packetQueue) Len() int { return len(q) }
func (q packetQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q packetQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *packetQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *packetQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
