// Command benchgen writes large, deterministic captures for bench/run.sh:
// a backend host's traffic mix behind a load balancer VIP, or a SYN flood
// or scan from millions of distinct clients (floodgen's shapes), as pcap
// or pcapng.
package main

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/slbdiag/slbdiag/internal/etlwrite"
	"github.com/slbdiag/slbdiag/internal/floodgen"
)

func main() {
	kind := flag.String("kind", "mix", "mix: a backend's traffic to a VIP; flood: a SYN flood from distinct clients")
	format := flag.String("format", "pcap", "pcap, pcapng, etl (pktmon-style, compressed) or etl-netsh")
	packets := flag.Int("packets", 10_000_000, "packets to write (about)")
	out := flag.String("o", "", "output file")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same file")
	shape := flag.String("shape", "clients", "the flood's shape (floodgen): clients (distinct IPv4 clients, one VIP port), clients6 (distinct IPv6 clients, random VIP ports), ports (distinct VIP ports), dests (distinct destination addresses)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -o is required")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
	var w *writer
	switch *format {
	case "etl":
		w = newETLWriter(f, etlwrite.PktMon)
	case "etl-netsh":
		w = newETLWriter(f, etlwrite.Netsh)
	default:
		w = newWriter(f, *format == "pcapng")
	}
	g := &gen{w: w, rnd: rand.New(rand.NewPCG(*seed, 0x5eed))}
	switch *kind {
	case "mix":
		g.mix(*packets)
	case "flood":
		if err := g.flood(*shape, *packets, *seed); err != nil {
			fmt.Fprintln(os.Stderr, "benchgen:", err)
			os.Exit(2)
		}
	default:
		fmt.Fprintln(os.Stderr, "benchgen: unknown -kind", *kind)
		os.Exit(2)
	}
	if err := w.close(); err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "benchgen: %s: %d packets\n", *out, w.n)
}

// writer writes Ethernet frames as pcap (nanosecond) or pcapng records,
// or as .etl packet events.
type writer struct {
	bw  *bufio.Writer
	ng  bool
	n   int
	err error
	hdr [32]byte

	etlStyle etlwrite.Style   // when etl is wanted: the style
	etl      *etlwrite.Writer // started at the first frame, whose time starts the trace
	etlWant  bool
}

// newETLWriter writes the frames as packet events of an .etl, whose
// header waits for the first frame's time.
func newETLWriter(f io.Writer, style etlwrite.Style) *writer {
	return &writer{bw: bufio.NewWriterSize(f, 1<<20), etlStyle: style, etlWant: true}
}

func newWriter(f io.Writer, ng bool) *writer {
	w := &writer{bw: bufio.NewWriterSize(f, 1<<20), ng: ng}
	if ng {
		shb := make([]byte, 28)
		binary.LittleEndian.PutUint32(shb[0:], 0x0A0D0D0A)
		binary.LittleEndian.PutUint32(shb[4:], 28)
		binary.LittleEndian.PutUint32(shb[8:], 0x1A2B3C4D)
		binary.LittleEndian.PutUint16(shb[12:], 1)
		binary.LittleEndian.PutUint64(shb[16:], ^uint64(0))
		binary.LittleEndian.PutUint32(shb[24:], 28)
		// Interface: Ethernet, snaplen 0, if_tsresol 9 (nanoseconds).
		idb := make([]byte, 32)
		binary.LittleEndian.PutUint32(idb[0:], 1)
		binary.LittleEndian.PutUint32(idb[4:], 32)
		binary.LittleEndian.PutUint16(idb[8:], 1)
		binary.LittleEndian.PutUint16(idb[16:], 9) // if_tsresol
		binary.LittleEndian.PutUint16(idb[18:], 1)
		idb[20] = 9
		binary.LittleEndian.PutUint32(idb[28:], 32)
		w.bw.Write(shb)
		w.bw.Write(idb)
		return w
	}
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b23c4d)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], 1)
	w.bw.Write(h)
	return w
}

func (w *writer) frame(tsNanos int64, b []byte) {
	w.n++
	if w.etlWant {
		w.etlFrame(tsNanos, b)
		return
	}
	if w.ng {
		pad := (4 - len(b)%4) % 4
		total := 32 + len(b) + pad
		h := w.hdr[:28]
		binary.LittleEndian.PutUint32(h[0:], 6)
		binary.LittleEndian.PutUint32(h[4:], uint32(total))
		binary.LittleEndian.PutUint32(h[8:], 0)
		binary.LittleEndian.PutUint32(h[12:], uint32(uint64(tsNanos)>>32))
		binary.LittleEndian.PutUint32(h[16:], uint32(tsNanos))
		binary.LittleEndian.PutUint32(h[20:], uint32(len(b)))
		binary.LittleEndian.PutUint32(h[24:], uint32(len(b)))
		w.bw.Write(h)
		w.bw.Write(b)
		var z [8]byte
		binary.LittleEndian.PutUint32(z[pad:], uint32(total))
		_, w.err = w.bw.Write(z[:pad+4])
		return
	}
	h := w.hdr[:16]
	binary.LittleEndian.PutUint32(h[0:], uint32(tsNanos/1e9))
	binary.LittleEndian.PutUint32(h[4:], uint32(tsNanos%1e9))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(b)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(b)))
	w.bw.Write(h)
	_, w.err = w.bw.Write(b)
}

// etlFrame writes a frame as a packet event of one NIC component
// (pktmon) or interface index 7 (netsh).
func (w *writer) etlFrame(tsNanos int64, b []byte) {
	if w.err != nil {
		return
	}
	ts := time.Unix(0, tsNanos)
	if w.etl == nil {
		w.etl, w.err = etlwrite.New(w.bw, w.etlStyle, etlwrite.Options{Start: ts, Processors: 4})
		if w.err == nil && w.etlStyle == etlwrite.PktMon {
			w.err = w.etl.Component(1, 3, "netvsc.sys", "Microsoft Hyper-V Network Adapter", 7)
		}
		if w.err != nil {
			return
		}
	}
	w.err = w.etl.Packet(etlwrite.Packet{Time: ts, Component: 1, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeEthernet, Data: b, IfIndex: 7})
}

func (w *writer) close() error {
	if w.err == nil && w.etl != nil {
		w.err = w.etl.Close()
	}
	if w.err != nil {
		return w.err
	}
	return w.bw.Flush()
}

// event is one packet of a scripted exchange, due at ts.
type event struct {
	ts   int64
	seq  int // tie-break: scheduling order
	conn *conn
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if e[i].ts != e[j].ts {
		return e[i].ts < e[j].ts
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

type gen struct {
	w    *writer
	rnd  *rand.Rand
	q    events
	seq  int
	buf  []byte
	hid  uint16
	base int64
}

func (g *gen) at(ts int64, c *conn) {
	g.seq++
	heap.Push(&g.q, event{ts: ts, seq: g.seq, conn: c})
}

// start is 2024-06-01T00:00:00Z: a fixed clock, so files are reproducible.
const start = int64(1717200000) * 1e9

// mix writes about n packets of a backend host's traffic: handshakes to
// the VIP (most completing a TLS-sized exchange, some unanswered with
// retransmissions, refused, or answered from the wrong address), and
// background UDP, ARP, and TCP on other ports; some IPv6 and some VLAN
// tagged.
func (g *gen) mix(n int) {
	const connsPerSecond = 1500
	gap := int64(1e9) / connsPerSecond
	ts := start
	for g.w.n < n {
		g.newConn(ts)
		ts += gap/2 + g.rnd.Int64N(gap)
		for len(g.q) > 0 && g.q[0].ts <= ts {
			g.step()
		}
	}
	for len(g.q) > 0 {
		g.step()
	}
}

func (g *gen) step() {
	e := heap.Pop(&g.q).(event)
	if next, ok := e.conn.emit(g, e.ts); ok {
		g.at(next, e.conn)
	}
}

// flood writes the n SYNs of a floodgen flood of the shape.
func (g *gen) flood(shape string, n int, seed uint64) error {
	f, err := floodgen.New(floodgen.Shape(shape), n, seed)
	if err != nil {
		return err
	}
	for {
		b, ci, err := f.ZeroCopyReadPacketData()
		if err == io.EOF {
			return nil
		}
		g.w.frame(ci.Timestamp.UnixNano(), b)
	}
}

const (
	flagFIN = 1 << 0
	flagSYN = 1 << 1
	flagRST = 1 << 2
	flagPSH = 1 << 3
	flagACK = 1 << 4
)

var (
	vipV4   = [16]byte{10: 0xff, 11: 0xff, 12: 10, 13: 0, 14: 0, 15: 100}
	hostV4  = [16]byte{10: 0xff, 11: 0xff, 12: 10, 13: 0, 14: 0, 15: 10}
	dnsV4   = [16]byte{10: 0xff, 11: 0xff, 12: 10, 13: 0, 14: 0, 15: 2}
	vipV6   = [16]byte{0x20, 0x01, 0x0d, 0xb8, 14: 0x01}
	hostV6  = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 0x10}
	hostMAC = []byte{0x02, 0, 0, 0, 0, 0x10}
	gwMAC   = []byte{0x02, 0, 0, 0, 0, 0x01}
)

// kinds of exchanges in the mix.
const (
	kindTLS = iota
	kindUnanswered
	kindRefused
	kindWrongSource
	kindDNS
	kindSSH
	kindARP
)

// seg is one packet of a script: who sends it, its flags, payload size,
// and how long after the previous packet it comes.
type seg struct {
	fromServer bool
	flags      uint8
	size       int
	after      int64 // nanoseconds
	synRetx    bool  // a retransmission of the client's SYN
	wrongSrc   bool  // the server answers from its own address
}

var scripts = map[int][]seg{
	kindTLS: {
		{flags: flagSYN},
		{fromServer: true, flags: flagSYN | flagACK, after: 300e3},
		{flags: flagACK, after: 20e6},
		{flags: flagACK | flagPSH, size: 517, after: 100e3},
		{fromServer: true, flags: flagACK, size: 1448, after: 2e6},
		{fromServer: true, flags: flagACK, size: 1448, after: 20e3},
		{fromServer: true, flags: flagACK | flagPSH, size: 900, after: 20e3},
		{flags: flagACK, after: 20e6},
		{flags: flagACK | flagPSH, size: 420, after: 1e6},
		{fromServer: true, flags: flagACK, size: 1448, after: 3e6},
		{fromServer: true, flags: flagACK | flagPSH, size: 1200, after: 20e3},
		{flags: flagACK, after: 20e6},
		{flags: flagACK | flagFIN, after: 50e6},
		{fromServer: true, flags: flagACK | flagFIN, after: 200e3},
		{flags: flagACK, after: 20e6},
	},
	kindUnanswered: {
		{flags: flagSYN},
		{flags: flagSYN, after: 1e9, synRetx: true},
		{flags: flagSYN, after: 2e9, synRetx: true},
	},
	kindRefused: {
		{flags: flagSYN},
		{fromServer: true, flags: flagRST | flagACK, after: 200e3},
	},
	kindWrongSource: {
		{flags: flagSYN},
		{fromServer: true, flags: flagSYN | flagACK, after: 300e3, wrongSrc: true},
		{flags: flagRST, after: 20e6},
	},
	kindSSH: {
		{flags: flagSYN},
		{fromServer: true, flags: flagSYN | flagACK, after: 300e3},
		{flags: flagACK, after: 20e6},
		{fromServer: true, flags: flagACK | flagPSH, size: 40, after: 5e6},
		{flags: flagACK | flagPSH, size: 120, after: 20e6},
		{fromServer: true, flags: flagACK | flagPSH, size: 300, after: 5e6},
		{flags: flagACK | flagFIN, after: 100e6},
		{fromServer: true, flags: flagACK | flagFIN, after: 200e3},
	},
}

// conn is one exchange in progress.
type conn struct {
	kind         int
	v6, vlan     bool
	client       [16]byte
	cport, port  uint16
	vip          [16]byte
	isn, srvISN  uint32
	cseq, sseq   uint32 // next sequence numbers
	step         int
	tsval, tsecr uint32
}

func (g *gen) newConn(ts int64) {
	r := g.rnd.IntN(1000)
	c := &conn{cport: 1024 + uint16(g.rnd.IntN(60000)), port: 443, isn: g.rnd.Uint32(), srvISN: g.rnd.Uint32(),
		v6: g.rnd.IntN(10) == 0, vlan: g.rnd.IntN(20) == 0, tsval: g.rnd.Uint32()}
	switch {
	case r < 700:
		c.kind = kindTLS
	case r < 730:
		c.kind = kindUnanswered
	case r < 745:
		c.kind = kindRefused
	case r < 752:
		c.kind = kindWrongSource
	case r < 900:
		c.kind = kindDNS
	case r < 960:
		c.kind, c.port = kindSSH, 22
	default:
		c.kind = kindARP
	}
	if c.v6 {
		c.vip = vipV6
		c.client = [16]byte{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01}
		binary.BigEndian.PutUint64(c.client[8:], g.rnd.Uint64())
	} else {
		c.vip = vipV4
		c.client = [16]byte{10: 0xff, 11: 0xff, 12: 172, 13: 16 + byte(g.rnd.IntN(16)), 14: byte(g.rnd.IntN(256)), 15: 1 + byte(g.rnd.IntN(254))}
	}
	if c.kind == kindSSH {
		c.vip = hostV4
		if c.v6 {
			c.vip = hostV6
		}
	}
	c.cseq, c.sseq = c.isn+1, c.srvISN+1
	g.at(ts, c)
}

// emit writes the conn's current packet and says when its next one is due.
func (c *conn) emit(g *gen, ts int64) (int64, bool) {
	switch c.kind {
	case kindDNS:
		g.dns(c, ts)
		return 0, false
	case kindARP:
		g.w.frame(ts, g.arp())
		return 0, false
	}
	script := scripts[c.kind]
	s := script[c.step]
	c.tsval += uint32(1 + s.after/1e6)
	switch {
	case s.flags&flagSYN != 0 && !s.fromServer:
		g.w.frame(ts, g.tcp(c, s.flags, c.isn, 0, 0))
	case s.flags&flagSYN != 0:
		g.w.frame(ts, g.tcpFrom(c, s.wrongSrc, s.flags, c.srvISN, c.isn+1, 0))
	case s.fromServer && s.flags&flagRST != 0:
		g.w.frame(ts, g.tcpFrom(c, false, s.flags, 0, c.isn+1, 0))
	case s.fromServer:
		g.w.frame(ts, g.tcpFrom(c, false, s.flags, c.sseq, c.cseq, s.size))
		c.sseq += uint32(s.size)
	default:
		g.w.frame(ts, g.tcp(c, s.flags, c.cseq, c.sseq, s.size))
		c.cseq += uint32(s.size)
	}
	if s.flags&flagFIN != 0 {
		if s.fromServer {
			c.sseq++
		} else {
			c.cseq++
		}
	}
	c.step++
	if c.step == len(script) {
		return 0, false
	}
	return ts + script[c.step].after + g.rnd.Int64N(1+script[c.step].after/4), true
}

// tcp builds a client-to-server segment.
func (g *gen) tcp(c *conn, flags uint8, seq, ack uint32, size int) []byte {
	return g.segment(c, false, false, flags, seq, ack, size)
}

func (g *gen) tcpFrom(c *conn, wrongSrc bool, flags uint8, seq, ack uint32, size int) []byte {
	return g.segment(c, true, wrongSrc, flags, seq, ack, size)
}

func (g *gen) segment(c *conn, fromServer, wrongSrc bool, flags uint8, seq, ack uint32, size int) []byte {
	optLen := 12 // NOP NOP timestamps
	if flags&flagSYN != 0 {
		optLen = 20 // MSS, SACK permitted, timestamps, NOP, window scale
	}
	if flags&flagRST != 0 {
		optLen = 0
	}
	tcpLen := 20 + optLen + size
	b := g.ipHeader(c, fromServer, wrongSrc, 6, tcpLen)
	sp, dp := c.cport, c.port
	if fromServer {
		sp, dp = dp, sp
	}
	t := len(b)
	b = append(b, make([]byte, tcpLen)...)
	h := b[t:]
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint32(h[4:], seq)
	binary.BigEndian.PutUint32(h[8:], ack)
	h[12] = byte((20+optLen)/4) << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 64240)
	o := h[20:]
	switch {
	case optLen == 20:
		copy(o, []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10})
		binary.BigEndian.PutUint32(o[8:], c.tsval)
		binary.BigEndian.PutUint32(o[12:], c.tsecr)
		copy(o[16:], []byte{1, 3, 3, 7})
	case optLen == 12:
		copy(o, []byte{1, 1, 8, 10})
		binary.BigEndian.PutUint32(o[4:], c.tsval)
		binary.BigEndian.PutUint32(o[8:], c.tsecr)
	}
	if size > 0 {
		p := h[20+optLen:]
		if !fromServer && c.step == 3 && c.kind == kindTLS {
			clientHello(p, c.v6)
		} else {
			p[0], p[1], p[2] = 23, 3, 3 // TLS application data
			for i := 5; i < len(p); i += 7 {
				p[i] = byte(seq) + byte(i)
			}
		}
	}
	return b
}

// clientHello fills p with a TLS 1.2 ClientHello asking for a server name.
func clientHello(p []byte, v6 bool) {
	name := "www.example.com"
	if v6 {
		name = "v6.example.com"
	}
	p[0], p[1], p[2] = 22, 3, 1
	binary.BigEndian.PutUint16(p[3:], uint16(len(p)-5))
	p[5] = 1
	h := p[9:]
	h[0], h[1] = 3, 3 // version; 32 bytes of random follow
	x := h[34:]
	x[0] = 0 // session id
	binary.BigEndian.PutUint16(x[1:], 2)
	x[3], x[4] = 0x13, 0x01 // one cipher suite
	x[5], x[6] = 1, 0       // compression: null
	ext := x[9:]
	binary.BigEndian.PutUint16(x[7:], uint16(len(ext)))
	binary.BigEndian.PutUint16(ext[0:], 0) // server_name
	binary.BigEndian.PutUint16(ext[2:], uint16(5+len(name)))
	binary.BigEndian.PutUint16(ext[4:], uint16(3+len(name)))
	ext[6] = 0
	binary.BigEndian.PutUint16(ext[7:], uint16(len(name)))
	copy(ext[9:], name)
	// The rest is padding (extension 21) as browsers send.
	rest := ext[9+len(name):]
	if len(rest) >= 4 {
		binary.BigEndian.PutUint16(rest[0:], 21)
		binary.BigEndian.PutUint16(rest[2:], uint16(len(rest)-4))
	}
}

// ipHeader starts a frame: Ethernet (maybe VLAN tagged) and the IP header
// for a payload of n bytes of protocol proto.
func (g *gen) ipHeader(c *conn, fromServer, wrongSrc bool, proto uint8, n int) []byte {
	b := g.buf[:0]
	src, dst := c.client, c.vip
	smac, dmac := gwMAC, hostMAC
	if fromServer {
		src, dst = dst, src
		smac, dmac = dmac, smac
		if wrongSrc {
			src = hostV4
			if c.v6 {
				src = hostV6
			}
		}
	}
	b = append(b, dmac...)
	b = append(b, smac...)
	if c.vlan {
		b = append(b, 0x81, 0x00, 0x00, 100)
	}
	g.hid++
	if c.v6 {
		b = append(b, 0x86, 0xdd, 0x60, 0, 0, 0, byte(n>>8), byte(n), proto, 64)
		b = append(b, src[:]...)
		b = append(b, dst[:]...)
		g.buf = b
		return b
	}
	ttl := byte(64)
	if !fromServer {
		ttl = 52
	}
	b = append(b, 0x08, 0x00)
	ip := len(b)
	b = append(b, 0x45, 0, byte((20+n)>>8), byte(20+n), byte(g.hid>>8), byte(g.hid), 0x40, 0, ttl, proto, 0, 0)
	b = append(b, src[12:]...)
	b = append(b, dst[12:]...)
	var sum uint32
	for i := ip; i < ip+20; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	binary.BigEndian.PutUint16(b[ip+10:], ^uint16(sum))
	g.buf = b
	return b
}

// dns writes a query from the host and its answer.
func (g *gen) dns(c *conn, ts int64) {
	d := &conn{client: hostV4, vip: dnsV4, vlan: c.vlan}
	for i, size := range []int{40, 120} {
		b := g.ipHeader(d, i == 1, false, 17, 8+size)
		u := len(b)
		b = append(b, make([]byte, 8+size)...)
		sp, dp := c.cport, uint16(53)
		if i == 1 {
			sp, dp = dp, sp
		}
		binary.BigEndian.PutUint16(b[u:], sp)
		binary.BigEndian.PutUint16(b[u+2:], dp)
		binary.BigEndian.PutUint16(b[u+4:], uint16(8+size))
		g.w.frame(ts+int64(i)*800e3, b)
	}
}

// arp writes a broadcast who-has from the gateway.
func (g *gen) arp() []byte {
	b := append(g.buf[:0], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b = append(b, gwMAC...)
	b = append(b, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1)
	b = append(b, gwMAC...)
	b = append(b, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, byte(20+g.rnd.IntN(200)))
	g.buf = b
	return b
}
