package etl

import (
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
	// PacketEvents and DropEvents count pktmon's Packet and PacketDrop
	// events, as the counters count them.
	PacketEvents, DropEvents int
	// Unknown counts the events of the packet providers that were not
	// understood, by "provider:id".
	Unknown map[string]int
	// Skipped lists what could not be read: damaged or unsupported
	// buffers, records cut short.
	Skipped []error
	// Damage, when set, is where the file stopped being readable; the
	// trace holds everything before it.
	Damage *BufferError
	// Late counts the events a Reader met after it had passed their time:
	// their buffers came later in the file than its reordering window
	// reaches. They are given out late, out of time order.
	Late int
}

// Read reads a whole trace from r, holding every packet event, sorted by
// time, in Packets: for tests and small traces; NewReader streams. It
// returns an error wrapping ErrNotETL when r is not an ETL file; damage
// past the header leaves a partial Trace with Damage set, and no error.
func Read(r io.Reader) (*Trace, error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	t := rd.t
	rd.d.sink = func(p Packet) { t.Packets = append(t.Packets, p) }
	for !rd.done {
		rd.fill()
	}
	sort.SliceStable(t.Packets, func(i, j int) bool { return t.Packets[i].Time.Before(t.Packets[j].Time) })
	return t, nil
}

// packetOverhead is about what a held Packet costs beside its payload.
const packetOverhead = 200

// decoder turns records into the Trace's values; packets go to sink.
type decoder struct {
	t    *Trace
	ndis ndisAssembly
	sink func(Packet)
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

func (d *decoder) keep(p Packet) { d.sink(p) }
