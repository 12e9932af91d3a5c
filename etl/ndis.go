package etl

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// NDIS-PacketCapture event 1001 (PacketFragment) and its keywords.
const (
	ndisFragment       = 1001
	ndisKeywordStart   = 0x40000000
	ndisKeywordEnd     = 0x80000000
	ndisKeywordSend    = 0x100000000
	ndisKeyword80211   = 0x10000
	ndisKeywordRawIP   = 0x200
	maxNDISPacketBytes = 1 << 18
)

// ndisAssembly joins the fragments of NDIS packets: fragments accumulate
// from a start keyword to an end keyword, per interface.
type ndisAssembly struct {
	open map[[2]uint32]*Packet
}

func (d *decoder) ndisEvent(b *buffer, r *record) {
	u := r.data
	if r.id != ndisFragment || r.version != 0 || len(u) < 12 || int(le32(u, 8)) > len(u)-12 {
		d.unknown("ndis", r)
		return
	}
	key := [2]uint32{le32(u, 0), le32(u, 4)}
	frag := u[12 : 12+le32(u, 8)]
	a := &d.ndis
	if a.open == nil {
		a.open = map[[2]uint32]*Packet{}
	}
	p := a.open[key]
	if r.keyword&ndisKeywordStart != 0 || p == nil {
		if p != nil { // a start before the last packet's end: keep what came
			d.ndisDone(p)
		}
		p = ndisPacket(d.time(r), r.keyword, key[1], b.offset)
		a.open[key] = p
	}
	if len(p.Data)+len(frag) <= maxNDISPacketBytes {
		p.Data = append(p.Data, frag...)
	}
	if r.keyword&ndisKeywordEnd != 0 {
		delete(a.open, key)
		d.ndisDone(p)
	}
}

func ndisPacket(t time.Time, kw uint64, ifIndex uint32, off int64) *Packet {
	p := &Packet{Time: t, Source: SourceNDIS, Dir: DirIn, IfIndex: ifIndex, Offset: off}
	if kw&ndisKeywordSend != 0 {
		p.Dir = DirOut
	}
	switch {
	case kw&ndisKeyword80211 != 0:
		p.PacketType = 2
	case kw&ndisKeywordRawIP != 0:
		p.PacketType = 3
	default:
		p.PacketType = 1
	}
	return p
}

func (d *decoder) ndisDone(p *Packet) {
	p.Length = len(p.Data)
	switch p.PacketType {
	case 2:
		if looks80211(p.Data) {
			p.Content = Content80211
		}
	default:
		p.Content = pktmonContent(p.PacketType, p.Data)
	}
	d.keep(*p)
}

// flush keeps the packets whose end fragment the trace never logged, in
// the order of their interfaces, for the same frames at every run.
func (a *ndisAssembly) flush(d *decoder) {
	keys := slices.SortedFunc(maps.Keys(a.open), func(x, y [2]uint32) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	for _, k := range keys {
		d.ndisDone(a.open[k])
		delete(a.open, k)
	}
}
