package etl

import (
	"net/netip"
	"time"
)

// PktMon event ids.
const (
	pmComponent    = 20
	pmProperty     = 30
	pmIPv4         = 65
	pmIPv6         = 66
	pmHWAddress    = 70
	pmDropCounters = 80
	pmFlowCounters = 90
	pmPacket       = 160
	pmPacketDrop   = 170
)

// pktmonKnown are the PktMon events read or knowingly left aside: 40,
// 60, 73 (VMSwitch name), 75 (a component's EtherType) and 100 (the
// capture filter) describe components and filters in ways a diagnosis does
// not use.
var pktmonKnown = map[uint16]bool{pmComponent: true, pmProperty: true, 40: true, 60: true, pmIPv4: true, pmIPv6: true,
	pmHWAddress: true, 73: true, 75: true, pmDropCounters: true, pmFlowCounters: true, 100: true,
	pmPacket: true, pmPacketDrop: true}

// Direction is which way a packet crossed a component.
type Direction uint8

// Directions.
const (
	DirUnknown Direction = iota
	DirIn
	DirOut
)

func (d Direction) String() string {
	switch d {
	case DirIn:
		return "in"
	case DirOut:
		return "out"
	}
	return "unknown"
}

// Content is what a packet event's payload holds.
type Content uint8

// Contents.
const (
	ContentUnknown Content = iota
	ContentEthernet
	Content80211
	ContentRawIP
)

func (c Content) String() string {
	return [...]string{"unknown", "ethernet", "802.11", "raw-ip"}[c]
}

// Source says which provider logged a packet event.
type Source uint8

// Sources.
const (
	SourcePktMon Source = iota + 1
	SourceNDIS
)

// Packet is one packet event: a packet as one component saw it.
type Packet struct {
	Time       time.Time
	Source     Source
	Drop       bool // a PktMon PacketDrop event
	Component  uint16
	Edge       uint16
	Dir        Direction
	PacketType uint16 // PktMon: 1 Ethernet, 2 WiFi, 3 IP, 4 HTTP
	Content    Content
	// DropReason and DropLocation are the OS's own words for a drop; the
	// trace's "DropReason" value map names the reason.
	DropReason   uint32
	DropLocation uint32
	// IfIndex is the interface index NDIS logged (netsh traces).
	IfIndex uint32
	// Length is the packet's length on the wire; len(Data) may be less
	// when the logger cut it short.
	Length int
	Data   []byte
	// Offset is the byte offset of the buffer that held the event.
	Offset int64
}

// Truncated reports whether the logger kept less than the whole packet.
func (p *Packet) Truncated() bool { return p.Length > len(p.Data) }

// Component is a PktMon component: a driver or an adapter the packets
// cross, with what the trace says of it.
type Component struct {
	ID          uint16
	Type        uint16
	Name        string
	Description string
	// IfIndex is the Windows interface index, when a property gives one.
	IfIndex   uint32
	Addresses []netip.Addr
	MAC       []byte
	// Props are its properties as logged: type → value.
	Props map[uint16]uint32
}

// Unlogged is how many more packets pktmon's edge counters counted than
// it logged as Packet events (0 when they agree): a capture filter or a
// full buffer left them out.
func (t *Trace) Unlogged() int {
	var counted uint64
	for _, c := range t.Counters {
		if !c.Drop {
			counted += c.PacketsIn + c.PacketsOut
		}
	}
	if counted <= uint64(t.PacketEvents) {
		return 0
	}
	return int(min(counted-uint64(t.PacketEvents), 1<<31))
}

// Counter is one of pktmon's packet counters for a component (Edge 0 and
// EdgeName empty: the drop counter) or one of its edges.
type Counter struct {
	Component  uint16
	Edge       uint16
	EdgeName   string
	Drop       bool
	PacketsIn  uint64
	PacketsOut uint64
}

// pktmonHeaderLen is the fixed part of the Packet and PacketDrop template.
const pktmonHeaderLen = 34

func (d *decoder) pktmon(b *buffer, r *record) {
	if !pktmonKnown[r.id] || r.version != 0 {
		d.unknown("pktmon", r)
		return
	}
	u := r.data
	switch r.id {
	case pmPacket, pmPacketDrop:
		d.pktmonPacket(b, r)
	case pmComponent:
		if len(u) < 4 {
			d.unknown("pktmon", r)
			return
		}
		c := d.component(le16(u, 0))
		c.Type = le16(u, 2)
		var rest []byte
		c.Name, rest = utf16z(u[4:])
		c.Description, _ = utf16z(rest)
	case pmProperty:
		if len(u) < 8 {
			d.unknown("pktmon", r)
			return
		}
		c := d.component(le16(u, 0))
		c.Props[le16(u, 2)] = le32(u, 4)
		if le16(u, 2) == d.ifIndexProperty() { // again at the end, should the map come later
			c.IfIndex = le32(u, 4)
		}
	case pmIPv4:
		if len(u) >= 8 {
			c := d.component(le16(u, 0))
			c.Addresses = append(c.Addresses, netip.AddrFrom4([4]byte(u[4:8])))
		}
	case pmIPv6:
		if len(u) >= 20 {
			c := d.component(le16(u, 0))
			c.Addresses = append(c.Addresses, netip.AddrFrom16([16]byte(u[4:20])))
		}
	case pmHWAddress:
		if len(u) >= 8 && int(le32(u, 4)) <= len(u)-8 {
			d.component(le16(u, 0)).MAC = append([]byte(nil), u[8:8+le32(u, 4)]...)
		}
	case pmDropCounters:
		if len(u) >= 38 {
			d.t.Counters = append(d.t.Counters, Counter{Component: le16(u, 0), Drop: true, PacketsIn: le64(u, 4), PacketsOut: le64(u, 22)})
		}
	case pmFlowCounters:
		if len(u) >= 2 {
			name, rest := utf16z(u[2:])
			if len(rest) >= 38 {
				d.t.Counters = append(d.t.Counters, Counter{Component: le16(u, 0), EdgeName: name, Edge: le16(rest, 0), PacketsIn: le64(rest, 4), PacketsOut: le64(rest, 22)})
			}
		}
	}
}

func (d *decoder) component(id uint16) *Component {
	c := d.t.Components[id]
	if c == nil {
		c = &Component{ID: id, Props: map[uint16]uint32{}}
		d.t.Components[id] = c
	}
	return c
}

func (d *decoder) pktmonPacket(b *buffer, r *record) {
	u := r.data
	if len(u) < pktmonHeaderLen || int(le16(u, 32)) > len(u)-pktmonHeaderLen {
		d.unknown("pktmon", r)
		return
	}
	p := Packet{
		Time:         d.time(r),
		Source:       SourcePktMon,
		Drop:         r.id == pmPacketDrop,
		Dir:          pktmonDir(le16(u, 12)),
		PacketType:   le16(u, 14),
		Component:    le16(u, 16),
		Edge:         le16(u, 18),
		DropReason:   le32(u, 22),
		DropLocation: le32(u, 26),
		Length:       int(le16(u, 30)),
		// The buffer's data is the buffer's own (read or decompressed
		// anew), so the payload stays where it lies.
		Data:   u[pktmonHeaderLen : pktmonHeaderLen+int(le16(u, 32)) : pktmonHeaderLen+int(le16(u, 32))],
		Offset: b.offset,
	}
	if p.Length < len(p.Data) {
		p.Length = len(p.Data)
	}
	p.Content = pktmonContent(p.PacketType, p.Data)
	if p.Drop {
		d.t.DropEvents++
	} else {
		d.t.PacketEvents++
	}
	d.keep(p)
}

// pktmonDir maps a PacketDirectionTag to a direction.
func pktmonDir(tag uint16) Direction {
	switch tag {
	case 1, 3, 5: // In, Rx, Ingress
		return DirIn
	case 2, 4, 6: // Out, Tx, Egress
		return DirOut
	}
	return DirUnknown
}

// pktmonContent decides what a payload holds. PacketType 2 ("WiFi") holds
// an 802.11 frame below the Wi-Fi filter drivers but an Ethernet frame
// above them, so its content decides.
func pktmonContent(typ uint16, b []byte) Content {
	switch typ {
	case 1:
		return ContentEthernet
	case 2:
		// An LLC/SNAP header where an 802.11 data frame has it is the
		// more specific sign; an Ethernet frame cannot show it by chance
		// as easily as an 802.11 address can look like an EtherType.
		switch {
		case looks80211Data(b):
			return Content80211
		case looksEthernet(b):
			return ContentEthernet
		case looks80211(b):
			return Content80211
		}
	case 3:
		if len(b) > 0 && (b[0]>>4 == 4 || b[0]>>4 == 6) {
			return ContentRawIP
		}
	}
	return ContentUnknown
}
