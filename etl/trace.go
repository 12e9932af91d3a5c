package etl

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// Providers whose events the reader understands.
var (
	providerPktMon    = parseGUID("4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac")
	providerNDIS      = parseGUID("2ed6006e-4729-4609-b423-3ee7bcd678ef")
	providerEventMeta = parseGUID("bbccf6c1-6cd1-48c4-80ff-839482e37671")
)

// Trace is what a reader found in an .etl file.
type Trace struct {
	Header     Header
	Buffers    int // buffers read, the header buffer included
	Records    int // records read
	Packets    []Packet
	Components map[uint16]*Component
	// Maps holds the value maps the file carries for its own events, by
	// map name ("DropReason", "ComponentType", …): value → name.
	Maps map[string]map[uint32]string
	// Counters are pktmon's per-edge packet counters (events 80 and 90).
	Counters []Counter
	// Unknown counts the events of the packet providers that were not
	// understood, by "provider:id".
	Unknown map[string]int
	// Skipped lists what could not be read: damaged or unsupported
	// buffers, records cut short.
	Skipped []error
	// Damage, when set, is where the file stopped being readable; the
	// trace holds everything before it.
	Damage *BufferError
}

// Read reads a whole trace from r. It returns an error wrapping ErrNotETL
// when r is not an ETL file; damage past the header leaves a partial Trace
// with Damage set, and no error.
func Read(r io.Reader) (*Trace, error) {
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
	d := decoder{t: t}
	d.buffer(b0)
	for {
		b, skip, err := br.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var be *BufferError
			errors.As(err, &be)
			if !skip {
				t.Damage = be
				break
			}
			t.Skipped = append(t.Skipped, err)
			continue
		}
		d.buffer(b)
		if d.held > maxHeldBytes {
			t.Damage = &BufferError{b.offset, fmt.Errorf("%w (%d MiB): the packets after this buffer are not read", ErrTooLarge, maxHeldBytes>>20)}
			break
		}
	}
	d.finish()
	sort.SliceStable(t.Packets, func(i, j int) bool { return t.Packets[i].Time.Before(t.Packets[j].Time) })
	return t, nil
}

// maxHeldBytes bounds the memory a trace's packets take: events are out of
// time order, so the reader holds them all before it sorts them.
const maxHeldBytes = 512 << 20

// packetOverhead is about what a Packet and its frame cost beside the
// payload.
const packetOverhead = 200

// ErrTooLarge means a trace holds more packet events than the reader keeps.
var ErrTooLarge = errors.New("more packet events than slbdiag holds in memory")

// decoder turns records into the Trace's values.
type decoder struct {
	t    *Trace
	ndis ndisAssembly
	held int // bytes the packets take
}

func (d *decoder) buffer(b *buffer) {
	d.t.Buffers++
	err := records(b.data, &d.t.Records, func(r *record) {
		d.record(b, r)
	})
	if err != nil {
		d.t.Skipped = append(d.t.Skipped, &BufferError{b.offset, err})
	}
}

func (d *decoder) record(b *buffer, r *record) {
	switch {
	case !knownHeaderType(r.kind):
		d.t.Unknown[fmt.Sprintf("header type %#02x", r.kind)]++
	case r.kind == hdrEventHeader && r.provider == providerPktMon:
		d.pktmon(b, r)
	case r.kind == hdrEventHeader && r.provider == providerNDIS:
		d.ndisEvent(b, r)
	case r.kind == hdrFullHeader64 && r.provider == providerEventMeta && r.id == 33:
		d.valueMap(r.data)
	}
}

func (d *decoder) time(r *record) time.Time { return d.t.Header.Time(r.raw) }

func (d *decoder) unknown(p string, r *record) {
	d.t.Unknown[fmt.Sprintf("%s:%d", p, r.id)]++
}

func (d *decoder) keep(p Packet) {
	d.held += len(p.Data) + packetOverhead
	d.t.Packets = append(d.t.Packets, p)
}
