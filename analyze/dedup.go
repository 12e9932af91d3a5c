package analyze

import (
	"net/netip"
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
// without one above it.
type dupKey struct {
	file         int
	src, dst     netip.Addr
	ipID, ipLen  uint16
	proto        uint8
	sport, dport uint16
	flags        uint8
	seq, ack     uint32
	tsval        uint32
	turn         uint32 // packets seen the other way on this connection before this one
}

// dirKey is one direction of a connection in one input.
type dirKey struct {
	file         int
	src, dst     netip.Addr
	sport, dport uint16
}

type dupEntry struct {
	key dupKey
	ts  time.Time
}

// dedup recognises copies of packets seen within dupWindow in the same input.
type dedup struct {
	seen   map[dupKey]time.Time // last time each key was seen
	recent []dupEntry           // in order of arrival, oldest first
	head   int                  // recent[head:] are live
	latest time.Time            // the latest timestamp seen: the clock for expiry
	copies map[int]int          // copies collapsed, by input
	turns  map[dirKey]uint32    // packets sent each way, copies not counted
}

func newDedup() *dedup {
	return &dedup{seen: make(map[dupKey]time.Time), copies: make(map[int]int), turns: make(map[dirKey]uint32)}
}

// copyOf reports whether p is a copy of a packet seen just before, and
// remembers it otherwise.
func (d *dedup) copyOf(p *packet, file int, ts time.Time) bool {
	back := dirKey{file, p.dst, p.src, p.dport, p.sport}
	k := dupKey{file: file, src: p.src, dst: p.dst, ipID: p.ipID, ipLen: p.ipLen, proto: p.proto,
		sport: p.sport, dport: p.dport, flags: p.flags, seq: p.seq, ack: p.ack, tsval: p.tsval, turn: d.turns[back]}
	if ts.After(d.latest) {
		d.latest = ts
	}
	d.expire()
	if last, ok := d.seen[k]; ok && absDuration(ts.Sub(last)) <= dupWindow {
		d.copies[file]++
		return true
	}
	d.seen[k] = ts
	d.recent = append(d.recent, dupEntry{k, ts})
	if len(d.turns) >= 4*maxDupEntries {
		clear(d.turns) // forgetting turns only lets more copies through as packets
	}
	d.turns[dirKey{file, p.src, p.dst, p.sport, p.dport}]++
	return false
}

// expire forgets packets older than the window, and the oldest ones when
// too many are remembered.
func (d *dedup) expire() {
	for d.head < len(d.recent) {
		e := d.recent[d.head]
		if d.latest.Sub(e.ts) <= dupWindow && len(d.recent)-d.head < maxDupEntries {
			break
		}
		if d.seen[e.key].Equal(e.ts) {
			delete(d.seen, e.key)
		}
		d.head++
	}
	// Reuse the slice once most of it is dead, so memory stays bounded.
	if d.head > len(d.recent)/2 && d.head > 1024 {
		n := copy(d.recent, d.recent[d.head:])
		d.recent = d.recent[:n]
		d.head = 0
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
