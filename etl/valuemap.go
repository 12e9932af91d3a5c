package etl

import "strings"

// EVENT_MAP_INFO flags: what a map's entries hold.
const (
	mapFlagValueMap = 1
	mapFlagBitmap   = 2
)

// valueMap reads an EVENT_MAP_INFO event (the TDH metadata the trace
// carries for its own events): a provider GUID, then the map, whose
// offsets count from the map's start.
func (d *decoder) valueMap(b []byte) {
	if len(b) < 16+16 {
		return
	}
	var prov GUID
	copy(prov[:], b)
	if prov != providerPktMon {
		return
	}
	m := b[16:]
	flag, n := le32(m, 4), int(le32(m, 8))
	if flag&(mapFlagValueMap|mapFlagBitmap) == 0 || n > (len(m)-16)/8 {
		return
	}
	name := mapString(m, le32(m, 0))
	if name == "" {
		return
	}
	entries := make(map[uint32]string, n)
	for i := range n {
		e := m[16+8*i:]
		entries[le32(e, 4)] = mapString(m, le32(e, 0))
	}
	d.t.Maps[name] = entries
}

// mapString is the UTF-16 string at off in a map, with the trailing
// blank TDH leaves on names cut.
func mapString(m []byte, off uint32) string {
	if off == 0 || int64(off) >= int64(len(m)) {
		return ""
	}
	s, _ := utf16z(m[off:])
	return strings.TrimRight(s, " ")
}

// MapName names v from the trace's own value map called name ("DropReason",
// "ComponentType", …); ok is false when the trace does not say.
func (t *Trace) MapName(name string, v uint32) (string, bool) {
	s, ok := t.Maps[name][v]
	return s, ok && s != ""
}

// ifIndexProperty is the PropertyType of a component's IfIndex: from the
// trace's map, else 0 as in every trace seen.
func (d *decoder) ifIndexProperty() uint16 {
	for v, s := range d.t.Maps["PropertyType"] {
		if s == "IfIndex" {
			return uint16(v)
		}
	}
	return 0
}

// finish resolves what depends on the value maps, which a trace may carry
// after the events that use them.
func (d *decoder) finish() {
	idx := d.ifIndexProperty()
	for _, c := range d.t.Components {
		if v, ok := c.Props[idx]; ok {
			c.IfIndex = v
		}
	}
	d.ndis.flush(d)
}
