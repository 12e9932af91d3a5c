package analyze

import (
	"encoding/binary"
	"time"
)

// dupWindow is how close in time two identical packets must be for the
// second to be a copy of the first rather than a new transmission.
//
// Copies come from the capture, not from the network: Windows pktmon logs a
// packet once per stack component it crosses (NIC, filter drivers, TCP/IP),
// microseconds apart, and SPAN ports and Npcap with several adapters bound
// repeat packets within a few milliseconds. A real retransmission is much
// later: a SYN is first retransmitted after 1 s (RFC 6298; Linux) or 3 s
// (Windows), and no TCP retransmits anything before its minimum RTO
// (200 ms on Linux, 300 ms on Windows). The window sits well between.
//
// So is the number of packets the other side had sent: a copy is logged
// before anything can answer it, while the same packet sent again after
// an answer is a new transmission (Linux sends a SYN-ACK on its timer
// and another for the client's retransmitted SYN a few microseconds
// later, both with the same TCP timestamp).
//
// So is the number of packets the other side had sent: a copy is logged
// before anything can answer it, while the same packet sent again after
// an answer is a new transmission (Linux sends a SYN-ACK on its timer
// and another for the client's retransmitted SYN a few microseconds
// later, both with the same TCP timestamp).
//
// The TCP timestamp is in the key: a sender stamps each transmission with
// its clock, so a SYN and its retransmission sent back to back (a load
// balancer releasing both once it has resolved the backend's address, as
// seen in the lab over IPv6) stay two transmissions.
//
// The IP identification is in the key too: Windows and Linux give each
// transmission a new one, so for IPv4 a retransmission inside the window
// would still count. It is not relied upon, because some stacks send SYNs
// with ID 0 and IPv6 has no ID: the window alone keeps retransmissions.
const dupWindow = 50 * time.Millisecond

// maxDupEntries bounds the packets remembered for duplicate detection: at
// line rate the window may hold more, and then some copies of the oldest
// are counted as packets, which only errs towards the capture as it is.
const maxDupEntries = 1 << 14

// dupKey is what copies of one packet share, and transmissions of it do
// not all share: the IP header's identity and length, and the TCP header
// fields the tracker reads. MACs and link types are left out, because
// pktmon logs the same packet with an Ethernet header at the NIC and
// without one above it. Addresses are kept as 16 bytes and a family bit
// each, so the key holds no pointer and compares as plain memory.
type dupKey struct {
	src, dst     [16]byte
	seq, ack     uint32
	tsval        uint32
	file         int32
	ipID, ipLen  uint16
	sport, dport uint16
	proto, flags uint8
	family       uint8  // bit 0: src is IPv4; bit 1: dst is IPv4; bit 2: file does not fit in int32
	turn         uint32 // packets seen the other way on this connection before this one
}

// dirKey is one direction of a connection in one input, kept as plain
// memory like dupKey.
type dirKey struct {
	src, dst     [16]byte
	file         int32
	sport, dport uint16
	family       uint8
}

// dir is k's direction; back is the other one.
func (k *dupKey) dir(back bool) dirKey {
	if back {
		f := k.family&4 | k.family&1<<1 | k.family&2>>1
		return dirKey{src: k.dst, dst: k.src, file: k.file, sport: k.dport, dport: k.sport, family: f}
	}
	return dirKey{src: k.src, dst: k.dst, file: k.file, sport: k.sport, dport: k.dport, family: k.family}
}

// hash is the direction's key in the turns map: a 64-bit hash, because
// hashing and comparing the 40-byte key took a fifth of the reading. Two
// directions whose hashes collide share a count, which only lets a copy
// through as a packet now and then.
func (k dirKey) hash() uint64 {
	h := mix(binary.LittleEndian.Uint64(k.src[:8]), binary.LittleEndian.Uint64(k.src[8:]),
		binary.LittleEndian.Uint64(k.dst[:8]), uint64(k.sport)|uint64(k.dport)<<16|uint64(k.family)<<32)
	return mix(h, binary.LittleEndian.Uint64(k.dst[8:]), uint64(uint32(k.file)), 0xd1)
}

func newDupKey(p *packet, file int) dupKey {
	k := dupKey{src: p.Src.As16(), dst: p.Dst.As16(), seq: p.Seq, ack: p.Ack, tsval: p.TSval, file: int32(file),
		ipID: p.IPID, ipLen: p.IPLen, sport: p.Sport, dport: p.Dport, proto: p.Proto, flags: p.Flags}
	if p.Src.Is4() {
		k.family |= 1
	}
	if p.Dst.Is4() {
		k.family |= 2
	}
	if int(k.file) != file {
		k.family |= 4 // never equal to a key of a file that fits
	}
	return k
}

// hash mixes the key's words (multiply and xor-shift, as in wyhash); it
// only spreads keys over the table: equality is checked on the whole key.
func (k *dupKey) hash() uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(k.family) | uint64(k.proto)<<8 | uint64(k.flags)<<16 | uint64(k.sport)<<32 | uint64(k.dport)<<48
	for _, w := range [...]uint64{
		binary.LittleEndian.Uint64(k.src[:8]), binary.LittleEndian.Uint64(k.src[8:]),
		binary.LittleEndian.Uint64(k.dst[:8]), binary.LittleEndian.Uint64(k.dst[8:]),
		uint64(k.seq) | uint64(k.ack)<<32, uint64(k.tsval) | uint64(uint32(k.file))<<32,
		uint64(k.ipID) | uint64(k.ipLen)<<16 | uint64(k.turn)<<32,
	} {
		h = (h ^ w) * m
		h ^= h >> 32
	}
	return h
}

type dupEntry struct {
	key dupKey
	ts  time.Time
}

// Sizes of dedup's table: the ring holds every packet remembered, the
// index four slots per packet, so probes stay short.
const (
	dupRing  = maxDupEntries
	dupSlots = 4 * dupRing
)

// dedup recognises copies of packets seen within dupWindow in the same input.
//
// It is a hash table of its own because it sees every packet: the packets
// remembered sit in a ring in order of arrival, and the index maps a key
// to the sequence number of its latest packet. A packet is remembered
// while its sequence number is at or after head; an index slot pointing
// before head is free for reuse, and the index is rebuilt from the ring
// when such slots make up too much of it.
type dedup struct {
	ring   []dupEntry
	head   uint64            // sequence number of the oldest packet remembered
	tail   uint64            // sequence number the next packet gets
	index  []uint64          // sequence number + 1 per slot; 0: never used
	used   int               // slots ever used since the last rebuild
	latest time.Time         // the latest timestamp seen: the clock for expiry
	copies map[int]int       // copies collapsed, by input
	turns  map[uint64]uint32 // packets sent each way, copies not counted, by dirKey's hash
}

func newDedup() *dedup {
	return &dedup{copies: make(map[int]int), turns: make(map[uint64]uint32)}
}

// copyOf reports whether p is a copy of a packet seen just before, and
// remembers it otherwise.
func (d *dedup) copyOf(p *packet, file int, ts time.Time) bool {
	if !p.IsTCP || p.Flags&(flagSYN|flagRST|flagFIN) == 0 {
		// Only SYNs are counted (transmissions), and only SYNs, RSTs and
		// FINs start or end what slbdiag decides; a copy of anything
		// else (data, ACKs, ICMP, UDP) changes no outcome, and those are
		// most of any capture, so they are not looked up.
		return false
	}
	if d.ring == nil {
		d.ring, d.index = make([]dupEntry, dupRing), make([]uint64, dupSlots)
	}
	k := newDupKey(p, file)
	k.turn = d.turns[k.dir(true).hash()]
	if ts.After(d.latest) {
		d.latest = ts
	}
	d.expire()
	slot, found := d.find(&k)
	if found && absDuration(ts.Sub(d.ring[(d.index[slot]-1)&(dupRing-1)].ts)) <= dupWindow {
		d.copies[file]++
		return true
	}
	if !found && d.index[slot] == 0 {
		d.used++
	}
	d.index[slot] = d.tail + 1
	d.ring[d.tail&(dupRing-1)] = dupEntry{k, ts}
	d.tail++
	if d.used > dupSlots*3/4 {
		d.rebuild()
	}
	if len(d.turns) >= 4*maxDupEntries {
		clear(d.turns) // forgetting turns only lets more copies through as packets
	}
	d.turns[k.dir(false).hash()]++
	return false
}

// find returns the slot holding k's latest packet, or else the slot where
// k goes: the first free one on its probe sequence.
func (d *dedup) find(k *dupKey) (int, bool) {
	free := -1
	for i := int(k.hash() & (dupSlots - 1)); ; i = (i + 1) & (dupSlots - 1) {
		s := d.index[i]
		if s == 0 {
			if free < 0 {
				free = i
			}
			return free, false
		}
		if s-1 < d.head {
			if free < 0 {
				free = i
			}
			continue
		}
		if d.ring[(s-1)&(dupRing-1)].key == *k {
			return i, true
		}
	}
}

// expire forgets packets older than the window, and the oldest ones when
// too many are remembered.
func (d *dedup) expire() {
	for d.head < d.tail {
		if d.latest.Sub(d.ring[d.head&(dupRing-1)].ts) <= dupWindow && d.tail-d.head < maxDupEntries {
			break
		}
		d.head++
	}
}

// rebuild indexes the remembered packets afresh, oldest first, so each
// key ends up pointing at its latest packet.
func (d *dedup) rebuild() {
	clear(d.index)
	d.used = 0
	for s := d.head; s < d.tail; s++ {
		k := &d.ring[s&(dupRing-1)].key
		slot, found := d.find(k)
		if !found {
			d.used++
		}
		d.index[slot] = s + 1
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// dupWarnings says, per input, how many copies were collapsed.
func (t *tracker) dupWarnings() []Warning {
	var ws []Warning
	for file := range t.maxFile() + 1 {
		if n := t.dups.copies[file]; n > 0 {
			ws = append(ws, Warning{Kind: WarnDuplicates, File: file, Count: n, Detail: dupWindow.String()})
		}
	}
	return ws
}

func (t *tracker) maxFile() int {
	m := -1
	for f := range t.dups.copies {
		m = max(m, f)
	}
	return m
}
