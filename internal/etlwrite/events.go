package etlwrite

import (
	"encoding/binary"
	"errors"
	"sort"
	"time"
)

// Direction tags of PktMon (PacketDirectionTag).
const (
	Rx uint16 = 3
	Tx uint16 = 4
)

// PktMon packet types.
const (
	TypeEthernet uint16 = 1
	TypeWiFi     uint16 = 2
	TypeIP       uint16 = 3
)

// Packet is one packet event.
type Packet struct {
	Time       time.Time
	Component  uint16 // PktMon
	Edge       uint16 // PktMon
	Dir        uint16 // PktMon: Rx or Tx
	Type       uint16 // PktMon packet type; Netsh: TypeWiFi for native 802.11, TypeIP for raw IP
	Drop       bool   // PktMon PacketDrop
	DropReason uint32
	DropLoc    uint32
	// Length is the packet's length on the wire, when Data was cut short.
	Length  int
	Data    []byte
	IfIndex uint32 // Netsh: LowerIfIndex
	Send    bool   // Netsh: the send keyword
	// Fragments splits a netsh packet into this many events (1 if 0).
	Fragments int
}

// maxPktMonPayload is what fits an event's 16-bit size beside its headers.
const maxPktMonPayload = 0xffff - 80 - 34

// ErrStyle means an event was written that the Writer's style has not.
var ErrStyle = errors.New("etlwrite: event of the other style")

// Component writes a PktMon component (event 20) and its IfIndex
// property (event 30) when ifIndex is not 0.
func (w *Writer) Component(id, typ uint16, name, desc string, ifIndex uint32) error {
	if w.style != PktMon {
		return ErrStyle
	}
	b := binary.LittleEndian.AppendUint16(nil, id)
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = append(append(b, utf16z(name)...), utf16z(desc)...)
	if err := w.add(w.event(guidPktMon, 20, 0, w.start, b)); err != nil {
		return err
	}
	if ifIndex == 0 {
		return nil
	}
	p := binary.LittleEndian.AppendUint16(nil, id)
	p = binary.LittleEndian.AppendUint16(p, 0) // PropertyType IfIndex
	p = binary.LittleEndian.AppendUint32(p, ifIndex)
	return w.add(w.event(guidPktMon, 30, 0, w.start, p))
}

// ValueMap writes a PktMon value map (EVENT_MAP_INFO) as pktmon embeds
// them: "DropReason", "PropertyType", …
func (w *Writer) ValueMap(name string, entries map[uint32]string) error {
	vals := make([]uint32, 0, len(entries))
	for v := range entries {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	le := binary.LittleEndian
	m := make([]byte, 16+8*len(vals))
	strs := utf16z(name)
	le.PutUint32(m[0:], uint32(len(m)))
	le.PutUint32(m[4:], 1) // a value map
	le.PutUint32(m[8:], uint32(len(vals)))
	for i, v := range vals {
		le.PutUint32(m[16+8*i:], uint32(len(m)+len(strs)))
		le.PutUint32(m[16+8*i+4:], v)
		strs = append(strs, utf16z(entries[v]+" ")...)
	}
	data := append(append(guidPktMon[:0:0], guidPktMon[:]...), append(m, strs...)...)
	return w.add(w.classic(guidEventMeta, 33, data))
}

// Packet writes a packet event: PktMon 160 or 170, or NDIS 1001 fragments.
func (w *Writer) Packet(p Packet) error {
	if w.style == Netsh {
		return w.ndis(p)
	}
	if len(p.Data) > maxPktMonPayload || p.Length > 0xffff {
		return errors.New("etlwrite: packet longer than a PktMon event holds")
	}
	le := binary.LittleEndian
	orig := max(p.Length, len(p.Data))
	b := make([]byte, 34, 34+len(p.Data))
	le.PutUint16(b[12:], p.Dir)
	le.PutUint16(b[14:], p.Type)
	le.PutUint16(b[16:], p.Component)
	le.PutUint16(b[18:], p.Edge)
	le.PutUint32(b[22:], p.DropReason)
	le.PutUint32(b[26:], p.DropLoc)
	le.PutUint16(b[30:], uint16(orig))
	le.PutUint16(b[32:], uint16(len(p.Data)))
	id := uint16(160)
	if p.Drop {
		id = 170
	}
	return w.add(w.event(guidPktMon, id, 0, p.Time, append(b, p.Data...)))
}

// NDIS-PacketCapture keywords.
const (
	kwStart = 0x40000000
	kwEnd   = 0x80000000
	kwSend  = 0x100000000
	kw80211 = 0x10000
	kwRawIP = 0x200
)

func (w *Writer) ndis(p Packet) error {
	var kw uint64
	switch p.Type {
	case TypeWiFi:
		kw |= kw80211
	case TypeIP:
		kw |= kwRawIP
	}
	if p.Send {
		kw |= kwSend
	}
	n := max(p.Fragments, 1)
	step := (len(p.Data) + n - 1) / n
	for i := 0; i < n; i++ {
		frag := p.Data[min(i*step, len(p.Data)):min((i+1)*step, len(p.Data))]
		k := kw
		if i == 0 {
			k |= kwStart
		}
		if i == n-1 {
			k |= kwEnd
		}
		le := binary.LittleEndian
		b := le.AppendUint32(nil, p.IfIndex)
		b = le.AppendUint32(b, p.IfIndex)
		b = le.AppendUint32(b, uint32(len(frag)))
		b = append(b, frag...)
		b = append(b, make([]byte, 16)...) // GFT flow entry and offload information
		// Fragments of one packet go through one CPU, in order.
		if err := w.addOrdered(w.event(guidNDIS, 1001, k, p.Time, b), i == 0); err != nil {
			return err
		}
	}
	return nil
}

// addOrdered adds a record on the CPU of the previous one unless first.
func (w *Writer) addOrdered(rec []byte, first bool) error {
	if !first {
		w.cpu = (w.cpu + len(w.bufs) - 1) % len(w.bufs)
	}
	return w.add(rec)
}
