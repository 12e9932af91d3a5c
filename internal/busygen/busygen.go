// Package busygen writes a busy backend's capture whose every handshake
// attempt has an outcome known in advance: the ground truth that tests of
// slbdiag's counts and JSONL lines compare with, at any size and rate.
package busygen

import (
	"container/heap"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Config shapes the capture.
type Config struct {
	Rate     int           // new attempts per second
	Duration time.Duration // how long new attempts keep coming
	Clients  int           // distinct client addresses; few clients reuse ports often
	Seed     uint64
}

// Attempt is one attempt as it was meant: the outcome and number of SYN
// transmissions slbdiag must report for it, in order of first SYN.
type Attempt struct {
	Client, Server netip.AddrPort
	ISN            uint32
	Outcome        string
	Syns           int
	FirstFrame     int
	FirstTS        time.Time
}

// Server addresses: the VIP, the host's own address, and the address a
// misconfigured host answers the VIP from.
var (
	VIP  = netip.MustParseAddrPort("192.0.2.10:443")
	Host = netip.MustParseAddrPort("10.0.0.5:443")
)

// Start is the capture's first timestamp.
var Start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// kind is a script of packets, with the outcome it must give.
type kind struct {
	outcome string
	share   int // per thousand
	server  netip.AddrPort
	steps   []step
}

type step struct {
	after      time.Duration // after the attempt's first SYN
	fromServer bool
	flags      uint8
	size       int
	wrongSrc   bool // the server answers from its own address, not the VIP
	icmp       bool // an ICMP port unreachable quoting the SYN, from the router
	ackPlus    int  // extra the reply acknowledges beyond ISN+1 (TCP Fast Open data)
}

const (
	fin = 1 << 0
	syn = 1 << 1
	rst = 1 << 2
	psh = 1 << 3
	ack = 1 << 4
)

// Linux clients retransmit an unanswered SYN 1, 3 and 7 s after the first.
var kinds = []kind{
	{"completed", 600, Host, []step{{0, false, syn, 0, false, false, 0}, {300 * time.Microsecond, true, syn | ack, 0, false, false, 0},
		{400 * time.Microsecond, false, ack, 0, false, false, 0}, {500 * time.Microsecond, false, ack | psh, 300, false, false, 0},
		{3 * time.Millisecond, true, ack | psh, 1200, false, false, 0}, {60 * time.Millisecond, false, ack | fin, 0, false, false, 0},
		{61 * time.Millisecond, true, ack | fin, 0, false, false, 0}, {62 * time.Millisecond, false, ack, 0, false, false, 0}}},
	// The first SYN was lost on the way: the retransmission is answered.
	{"completed", 60, Host, []step{{0, false, syn, 0, false, false, 0}, {time.Second, false, syn, 0, false, false, 0},
		{time.Second + 300*time.Microsecond, true, syn | ack, 0, false, false, 0}, {time.Second + time.Millisecond, false, ack, 0, false, false, 0}}},
	// The pure ACK is not in the capture; the client's data proves the handshake.
	{"completed", 40, Host, []step{{0, false, syn, 0, false, false, 0}, {300 * time.Microsecond, true, syn | ack, 0, false, false, 0},
		{500 * time.Microsecond, false, ack | psh, 200, false, false, 0}}},
	// TCP Fast Open: the SYN carries data, the SYN-ACK acknowledges it.
	{"completed", 20, Host, []step{{0, false, syn, 100, false, false, 0}, {300 * time.Microsecond, true, syn | ack, 0, false, false, 100},
		{400 * time.Microsecond, false, ack, 0, false, false, 100}}},
	{"unanswered", 150, VIP, []step{{0, false, syn, 0, false, false, 0}, {time.Second, false, syn, 0, false, false, 0},
		{3 * time.Second, false, syn, 0, false, false, 0}, {7 * time.Second, false, syn, 0, false, false, 0}}},
	{"refused", 50, VIP, []step{{0, false, syn, 0, false, false, 0}, {200 * time.Microsecond, true, rst | ack, 0, false, false, 0}}},
	{"unreachable", 10, VIP, []step{{0, false, syn, 0, false, false, 0}, {200 * time.Microsecond, true, 0, 0, false, true, 0}}},
	// The SYN-ACK is lost on the way back: the client sends its SYN again.
	{"synack-no-ack", 50, Host, []step{{0, false, syn, 0, false, false, 0}, {300 * time.Microsecond, true, syn | ack, 0, false, false, 0},
		{time.Second, false, syn, 0, false, false, 0}, {time.Second + 300*time.Microsecond, true, syn | ack, 0, false, false, 0}}},
	{"wrong-source", 20, VIP, []step{{0, false, syn, 0, false, false, 0}, {300 * time.Microsecond, true, syn | ack, 0, true, false, 0},
		{400 * time.Microsecond, false, rst, 0, false, false, 0}}},
}

// conn is one attempt being written.
type conn struct {
	k           *kind
	client      netip.AddrPort
	isn, srvISN uint32
	first       time.Time
	step        int
	intent      int // index into the intents
}

type event struct {
	at  time.Time
	seq int
	c   *conn
}

type queue []event

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *queue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// Write writes the capture to w as pcap and returns the attempts it holds,
// in order of first SYN.
func Write(w io.Writer, cfg Config) ([]Attempt, error) {
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return nil, err
	}
	g := &gen{pw: pw, rnd: rand.New(rand.NewPCG(cfg.Seed, 0xb05e)), inUse: map[netip.AddrPort]time.Time{}}
	gap := time.Second / time.Duration(cfg.Rate)
	end := Start.Add(cfg.Duration)
	for at := Start; at.Before(end); at = at.Add(gap/2 + time.Duration(g.rnd.Int64N(int64(gap)))) {
		g.flush(at)
		g.start(at, cfg.Clients)
	}
	g.flush(time.Time{})
	return g.intents, g.err
}

type gen struct {
	pw      *pcapgo.Writer
	rnd     *rand.Rand
	q       queue
	seq     int
	frames  int
	intents []Attempt
	inUse   map[netip.AddrPort]time.Time // client address and port: busy until
	err     error
	buf     [1600]byte
}

func (g *gen) start(at time.Time, clients int) {
	r := g.rnd.IntN(1000)
	k := &kinds[len(kinds)-1]
	for i := range kinds {
		if r < kinds[i].share {
			k = &kinds[i]
			break
		}
		r -= kinds[i].share
	}
	// A client port is reused only once its last attempt is over, as a
	// client's stack does; then it is a new attempt with a new ISN.
	var client netip.AddrPort
	for {
		n := g.rnd.IntN(clients)
		a := netip.AddrFrom4([4]byte{198, 18 + byte(n>>16&1), byte(n >> 8), byte(n)})
		client = netip.AddrPortFrom(a, uint16(32768+g.rnd.IntN(28000)))
		if until, ok := g.inUse[client]; !ok || at.After(until) {
			break
		}
	}
	g.inUse[client] = at.Add(k.steps[len(k.steps)-1].after + 10*time.Second)
	c := &conn{k: k, client: client, isn: g.rnd.Uint32(), srvISN: g.rnd.Uint32(), first: at, intent: len(g.intents)}
	syns := 0
	for _, s := range k.steps {
		if !s.fromServer && s.flags == syn {
			syns++
		}
	}
	g.intents = append(g.intents, Attempt{Client: client, Server: k.server, ISN: c.isn, Outcome: k.outcome, Syns: syns, FirstTS: at})
	g.push(at, c)
}

func (g *gen) push(at time.Time, c *conn) {
	g.seq++
	heap.Push(&g.q, event{at, g.seq, c})
}

// flush writes every packet due before until (all, when until is zero).
func (g *gen) flush(until time.Time) {
	for len(g.q) > 0 && (until.IsZero() || g.q[0].at.Before(until)) {
		e := heap.Pop(&g.q).(event)
		c := e.c
		g.packet(e.at, c, c.k.steps[c.step])
		c.step++
		if c.step < len(c.k.steps) {
			g.push(c.first.Add(c.k.steps[c.step].after), c)
		}
	}
}

var (
	gatewayMAC = []byte{2, 0, 0, 0, 0, 1}
	hostMAC    = []byte{2, 0, 0, 0, 0, 5}
	router     = netip.MustParseAddr("10.0.0.1")
)

func (g *gen) packet(at time.Time, c *conn, s step) {
	if g.err != nil {
		return
	}
	src, dst := c.client, c.k.server
	seq, ackn := c.isn, uint32(0)
	switch {
	case s.fromServer:
		src, dst = dst, src
		seq, ackn = c.srvISN, c.isn+1+uint32(s.ackPlus)
		if s.wrongSrc {
			src = netip.AddrPortFrom(Host.Addr(), src.Port())
		}
		if s.flags&syn == 0 {
			seq++
		}
	case s.flags&syn == 0:
		seq, ackn = c.isn+1+uint32(s.ackPlus), c.srvISN+1
	}
	var tcp []byte
	if s.icmp {
		tcp = g.icmp(c)
	} else {
		tcp = tcpSegment(src, dst, seq, ackn, s.flags, s.size)
	}
	proto, ipSrc, ipDst := byte(6), src.Addr(), dst.Addr()
	if s.icmp {
		proto, ipSrc, ipDst = 1, router, c.client.Addr()
	}
	// Ethernet: destination MAC first. The capture is the backend's: what
	// comes in is addressed to its MAC from the gateway's, and back.
	frame := g.buf[:0]
	if s.fromServer {
		frame = append(append(frame, gatewayMAC...), hostMAC...)
	} else {
		frame = append(append(frame, hostMAC...), gatewayMAC...)
	}
	frame = append(frame, 0x08, 0x00)
	frame = append(frame, ipv4Header(ipSrc, ipDst, proto, len(tcp), s.fromServer)...)
	frame = append(frame, tcp...)
	if !s.fromServer && s.flags == syn {
		// Frames are numbered from 1, as Wireshark counts.
		if c.step == 0 {
			g.intents[c.intent].FirstFrame = g.frames + 1
		}
	}
	g.frames++
	g.err = g.pw.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(frame), Length: len(frame)}, frame)
}

// icmp is an ICMP port unreachable quoting the attempt's SYN.
func (g *gen) icmp(c *conn) []byte {
	quoted := append(ipv4Header(c.client.Addr(), c.k.server.Addr(), 6, 20, false), tcpSegment(c.client, c.k.server, c.isn, 0, syn, 0)[:8]...)
	b := append([]byte{3, 3, 0, 0, 0, 0, 0, 0}, quoted...)
	binary.BigEndian.PutUint16(b[2:], checksum(b, 0))
	return b
}

func ipv4Header(src, dst netip.Addr, proto byte, payload int, server bool) []byte {
	ttl := byte(113)
	if server {
		ttl = 128
	}
	h := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, ttl, proto, 0, 0}
	binary.BigEndian.PutUint16(h[2:], uint16(20+payload))
	s, d := src.As4(), dst.As4()
	h = append(append(h, s[:]...), d[:]...)
	binary.BigEndian.PutUint16(h[10:], checksum(h, 0))
	return h
}

func tcpSegment(src, dst netip.AddrPort, seq, ackn uint32, flags uint8, size int) []byte {
	b := make([]byte, 20+size)
	binary.BigEndian.PutUint16(b[0:], src.Port())
	binary.BigEndian.PutUint16(b[2:], dst.Port())
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], ackn)
	b[12] = 5 << 4
	b[13] = flags
	binary.BigEndian.PutUint16(b[14:], 64240)
	s, d := src.Addr().As4(), dst.Addr().As4()
	pseudo := uint32(0)
	for i := 0; i < 4; i += 2 {
		pseudo += uint32(s[i])<<8 | uint32(s[i+1])
		pseudo += uint32(d[i])<<8 | uint32(d[i+1])
	}
	pseudo += 6 + uint32(len(b))
	binary.BigEndian.PutUint16(b[16:], checksum(b, pseudo))
	return b
}

func checksum(b []byte, sum uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
