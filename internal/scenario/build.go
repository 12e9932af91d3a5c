package scenario

import (
	"net"
	"net/netip"
	"sort"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// t0 is when every scenario starts: fixed, so that the captures are the
// same byte for byte each time they are generated.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// TCP flags as the scenarios write them.
const (
	fin = 1 << iota
	syn
	rst
	psh
	ack
)

// link is how a frame is framed below IP.
type link struct {
	kind     layers.LinkType
	src, dst net.HardwareAddr // Ethernet; src alone for SLL/SLL2
	vlans    []uint16         // 802.1Q tags, outermost first; two make QinQ
	outgoing bool             // SLL/SLL2: sent by this host rather than received
}

func ether(src, dst net.HardwareAddr, vlans ...uint16) link {
	return link{kind: layers.LinkTypeEthernet, src: src, dst: dst, vlans: vlans}
}

// packet is one IP packet before it is serialized.
type packet struct {
	src, dst netip.AddrPort
	ttl      uint8
	flags    uint8
	seq, ack uint32
	payload  []byte
	hopByHop bool // IPv6: carry a hop-by-hop options extension header

	// icmp, when set, makes this an ICMP (ICMPv6) destination unreachable
	// from src.Addr() that quotes the packet it points at.
	icmp *packet
}

// frame is one packet in a capture file, with its time and framing.
type frame struct {
	at      time.Duration // from t0
	section int           // pcapng section
	link    link
	pkt     packet
	num     int // 1-based frame number, set once the file is sorted
}

// format says how a file is written.
type format int

const (
	pcapMicro     format = iota // little-endian, microseconds (pcapgo)
	pcapNano                    // little-endian, nanoseconds (pcapgo)
	pcapNanoBig                 // big-endian, nanoseconds, as big-endian hosts write it
	pcapng                      // one or more sections (pcapgo)
	gzipped                     // the gzip of another file's bytes
	truncatedPcap               // a microsecond pcap cut inside its last record
	text                        // not a capture at all
)

// file is one capture file being built.
type file struct {
	name    string
	format  format
	comment string // what the file shows; in pcapng it goes in the section header
	frames  []*frame
	section int    // the section new frames go to
	of      *file  // gzipped: the file compressed
	body    string // text: the content
}

func (f *file) add(at time.Duration, l link, p packet) *frame {
	fr := &frame{at: at, section: f.section, link: l, pkt: p}
	f.frames = append(f.frames, fr)
	return fr
}

// number sorts the frames by time (stable, so frames added at the same
// instant keep their order) and numbers them from 1, as Wireshark does.
func (f *file) number() {
	sort.SliceStable(f.frames, func(i, j int) bool {
		if f.frames[i].section != f.frames[j].section {
			return f.frames[i].section < f.frames[j].section
		}
		return f.frames[i].at < f.frames[j].at
	})
	for i, fr := range f.frames {
		fr.num = i + 1
	}
}

// side is one end of a connection as the capture point sees it.
type side struct {
	addr netip.AddrPort
	ttl  uint8 // as the packets arrive at the capture point
}

// conn builds the packets of one TCP connection attempt. c2s and s2c frame
// the packets in each direction.
type conn struct {
	f         *file
	c, s      side
	c2s, s2c  link
	isn, sisn uint32
	firstSyn  *frame
}

func (f *file) conn(c, s side, c2s, s2c link, isn, sisn uint32) *conn {
	return &conn{f: f, c: c, s: s, c2s: c2s, s2c: s2c, isn: isn, sisn: sisn}
}

func (c *conn) toServer(at time.Duration, flags uint8, seq, ack uint32, payload []byte) *frame {
	return c.f.add(at, c.c2s, packet{src: c.c.addr, dst: c.s.addr, ttl: c.c.ttl, flags: flags, seq: seq, ack: ack, payload: payload})
}

// syn sends (or retransmits) the client's SYN.
func (c *conn) syn(at time.Duration) *frame {
	fr := c.toServer(at, syn, c.isn, 0, nil)
	if c.firstSyn == nil {
		c.firstSyn = fr
	}
	return fr
}

// synAck answers from the server's own address.
func (c *conn) synAck(at time.Duration) {
	c.synAckFrom(at, c.s, c.s2c)
}

// synAckFrom answers from another address: what a backend does when it
// replies from its own address to a SYN sent to the VIP.
func (c *conn) synAckFrom(at time.Duration, from side, l link) {
	c.f.add(at, l, packet{src: from.addr, dst: c.c.addr, ttl: from.ttl, flags: syn | ack, seq: c.sisn, ack: c.isn + 1})
}

// ack completes the handshake.
func (c *conn) ack(at time.Duration) {
	c.toServer(at, ack, c.isn+1, c.sisn+1, nil)
}

// request sends a little data after the handshake, so the connection looks
// like what it is.
func (c *conn) request(at time.Duration) {
	c.toServer(at, psh|ack, c.isn+1, c.sisn+1, []byte("\x16\x03\x01\x00\x05hello"))
}

// reset is the server's RST-ACK to the SYN: no listener.
func (c *conn) reset(at time.Duration) {
	c.f.add(at, c.s2c, packet{src: c.s.addr, dst: c.c.addr, ttl: c.s.ttl, flags: rst | ack, seq: 0, ack: c.isn + 1})
}

// unreachable is an ICMP error about the SYN from a router.
func (c *conn) unreachable(at time.Duration, router side, l link) {
	quoted := packet{src: c.c.addr, dst: c.s.addr, ttl: 1, flags: syn, seq: c.isn}
	c.f.add(at, l, packet{src: router.addr, dst: c.c.addr, ttl: router.ttl, icmp: &quoted})
}

// handshake is a complete handshake with a request: SYN, SYN-ACK after
// rtt, ACK and data right after.
func (c *conn) handshake(at, rtt time.Duration) {
	c.syn(at)
	c.synAck(at + rtt)
	c.ack(at + rtt + 100*time.Microsecond)
	c.request(at + rtt + 200*time.Microsecond)
}

// expectation is an Expect whose frame number is known once the file is
// numbered.
type expectation struct {
	c       *conn
	outcome string
	syns    int
}

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
