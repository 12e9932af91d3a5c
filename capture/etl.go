package capture

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/etl"
)

// FormatETL is the Event Trace Log files of Windows pktmon and netsh trace.
const FormatETL = "etl"

// linkTypeUser0 stands for payloads an .etl holds that are no frame slbdiag
// knows (pktmon's HTTP packet type): they keep their frame number and are
// counted as of an unsupported link type.
const linkTypeUser0 layers.LinkType = 147

// isETL reports whether the buffered input starts like an .etl file.
func isETL(buf *bufio.Reader) bool {
	b, _ := buf.Peek(80)
	return etl.Detect(b)
}

// etlReader yields an .etl file's packets, one frame per packet however
// many components logged it, in time order, and keeps count of the
// packets the OS dropped.
type etlReader struct {
	r     io.Reader
	rd    *etl.Reader
	err   error // NewReader's
	lt    layers.LinkType
	drops map[dropKey]*osDrop
	done  bool // Next returned the end or the damage
}

func (e *etlReader) load() error {
	if e.rd == nil && e.err == nil {
		e.rd, e.err = etl.NewReader(e.r)
		e.drops = map[dropKey]*osDrop{}
	}
	return e.err
}

// next returns the next frame, counting its drop.
func (e *etlReader) next() (*etl.Frame, error) {
	if err := e.load(); err != nil {
		return nil, err
	}
	fr, err := e.rd.Next()
	if err != nil {
		e.done = true
		return nil, err
	}
	if c, ok := fr.Drop(); ok {
		k := dropKey{c.Component, c.DropReason, c.DropLocation}
		d := e.drops[k]
		if d == nil {
			d = &osDrop{}
			e.drops[k] = d
		}
		d.packets++
		if fr.SYN() {
			d.syns++
		}
	}
	return fr, nil
}

func (e *etlReader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	fr, err := e.next()
	if err != nil {
		return nil, gopacket.CaptureInfo{}, err
	}
	c, data, length := fr.Ethernet()
	e.lt = etlLinkType(c, fr)
	ci := gopacket.CaptureInfo{Timestamp: fr.Time, CaptureLength: len(data), Length: length,
		InterfaceIndex: int(e.ifIndex(fr)), AncillaryData: []any{e.lt}}
	return data, ci, nil
}

func (e *etlReader) LinkType() layers.LinkType { return e.lt }

// ifIndex is the Windows interface index of the first component that
// logged the frame, when the trace gives one.
func (e *etlReader) ifIndex(fr *etl.Frame) uint32 {
	if fr.IfIndex != 0 {
		return fr.IfIndex
	}
	if c := e.rd.Trace().Components[fr.Copies[0].Component]; c != nil {
		return c.IfIndex
	}
	return 0
}

func etlLinkType(c etl.Content, fr *etl.Frame) layers.LinkType {
	switch c {
	case etl.ContentEthernet:
		return layers.LinkTypeEthernet
	case etl.ContentRawIP:
		return layers.LinkTypeRaw
	case etl.Content80211:
		return layers.LinkTypeIEEE802_11
	}
	return linkTypeUser0
}

// damageOffset is where the reader found the file unreadable: the buffer's
// offset for an .etl, else just after the last frame read whole.
func (f *File) damageOffset(err error) int64 {
	if be, ok := err.(*etl.BufferError); ok {
		return be.Offset
	}
	return f.goodEnd
}

// Notes are what an .etl file told beyond its frames and drops, for the
// person reading the result: events lost or not understood, buffers
// skipped. They are empty for other files, and until the file has been
// read.
func (f *File) Notes() []string {
	e, ok := f.rd.(*etlReader)
	if !ok || !e.done {
		return nil
	}
	return etlNotes(e.rd.Trace())
}

// OSDrops calls yield for each group of the packets an .etl logged as
// dropped by the OS, by component, reason and location, most first: how
// many, how many of them SYNs, and where and why. Other files have none.
func (f *File) OSDrops(yield func(packets, syns int, where string)) {
	e, ok := f.rd.(*etlReader)
	if !ok || e.rd == nil {
		return
	}
	for _, d := range osDrops(e.rd.Trace(), e.drops) {
		yield(d.packets, d.syns, d.where)
	}
}

// osDrop is a group of packets the OS dropped at one place for one reason.
type osDrop struct {
	packets, syns int
	where         string
}

func etlNotes(t *etl.Trace) []string {
	var notes []string
	if n := t.Unlogged(); n > 0 {
		notes = append(notes, fmt.Sprintf("pktmon's counters counted %d more packets on the components' edges than it logged (a capture filter, or packets it could not log): what the trace shows is not all that passed", n))
	}
	if t.Late > 0 {
		notes = append(notes, fmt.Sprintf("%d events came later in the file than the reader reorders by time: they were analyzed out of time order", t.Late))
	}
	if t.Header.EventsLost > 0 || t.Header.BuffersLost > 0 {
		notes = append(notes, fmt.Sprintf("the trace lost %d events and %d buffers as it was written: packets may be missing", t.Header.EventsLost, t.Header.BuffersLost))
	}
	for _, err := range t.Skipped {
		notes = append(notes, fmt.Sprintf("skipped: %v", err))
	}
	if len(t.Unknown) > 0 {
		var ids []string
		for id, n := range t.Unknown {
			ids = append(ids, fmt.Sprintf("%s ×%d", id, n))
		}
		sort.Strings(ids)
		notes = append(notes, "events not understood, left out: "+strings.Join(ids, ", "))
	}
	return notes
}

// maxDropNotes bounds the groups of drops told apart: the rest are
// summed in one.
const maxDropNotes = 5

// printable replaces the control characters of a string from a file.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// dropKey groups drops by where and why the OS dropped the packets.
type dropKey struct {
	component uint16
	reason    uint32
	location  uint32
}

// osDrops counts, per component, reason and location, the packets the OS
// dropped, in the trace's own words; past maxDropNotes groups, the rest
// are summed in one.
func osDrops(t *etl.Trace, drops map[dropKey]*osDrop) []osDrop {
	counts, syns := map[dropKey]int{}, map[dropKey]int{}
	for k, d := range drops {
		counts[k], syns[k] = d.packets, d.syns
	}
	keys := make([]dropKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		a, b := keys[i], keys[j]
		return a.component < b.component || a.component == b.component && (a.reason < b.reason || a.reason == b.reason && a.location < b.location)
	})
	var out []osDrop
	for i, k := range keys {
		if i == maxDropNotes {
			rest := osDrop{where: fmt.Sprintf("%d more places or reasons", len(keys)-i)}
			for _, k := range keys[i:] {
				rest.packets += counts[k]
				rest.syns += syns[k]
			}
			return append(out, rest)
		}
		where := fmt.Sprintf("%s: %s, location %#x", componentName(t, k.component), dropReason(t, k.reason), k.location)
		out = append(out, osDrop{packets: counts[k], syns: syns[k], where: where})
	}
	return out
}

// componentName names a component as pktmon lists it, control
// characters escaped: the name comes from the file.
func componentName(t *etl.Trace, id uint16) string {
	c := t.Components[id]
	if c == nil || c.Name == "" {
		return fmt.Sprintf("component %d", id)
	}
	s := fmt.Sprintf("component %d %s", id, printable(c.Name))
	if c.IfIndex != 0 {
		s += fmt.Sprintf(" (ifIndex %d)", c.IfIndex)
	}
	return s
}
