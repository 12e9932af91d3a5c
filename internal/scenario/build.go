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
	tunnel   *tunnel          // the mirror session or tunnel the frame reaches the capture in
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

	// arp, when set, makes this an ARP packet on Ethernet instead of IP.
	arp *layers.ARP
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
	c.open(at, rtt)
	c.request(at + rtt + 200*time.Microsecond)
}

// open is the three-way handshake alone: SYN, SYN-ACK after rtt, ACK.
func (c *conn) open(at, rtt time.Duration) {
	c.syn(at)
	c.synAck(at + rtt)
	c.ack(at + rtt + 100*time.Microsecond)
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

// arpReply is mac answering ARP for ip (or, gratuitous, announcing it to
// everyone): how a host claims an address on the LAN.
func arpReply(mac net.HardwareAddr, ip netip.Addr, to net.HardwareAddr, toIP netip.Addr, gratuitous bool) packet {
	a := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPReply, SourceHwAddress: mac, SourceProtAddress: ip.AsSlice(), DstHwAddress: to, DstProtAddress: toIP.AsSlice()}
	if gratuitous {
		a.Operation, a.DstHwAddress, a.DstProtAddress = layers.ARPRequest, make([]byte, 6), ip.AsSlice()
	}
	return packet{arp: a}
}

// clientHello is a minimal TLS 1.2 ClientHello record asking for sni,
// built by hand so that it is the same bytes with every Go version.
func clientHello(sni string) []byte {
	ext := []byte{0, 0} // server_name
	name := append([]byte{0, byte(len(sni))}, sni...)
	list := append([]byte{0}, name...) // host_name
	list = append([]byte{byte(len(list) >> 8), byte(len(list))}, list...)
	ext = append(ext, byte(len(list)>>8), byte(len(list)))
	ext = append(ext, list...)
	body := []byte{3, 3}                     // client_version TLS 1.2
	body = append(body, make([]byte, 32)...) // random
	body = append(body, 0)                   // no session id
	body = append(body, 0, 4, 0xc0, 0x2f, 0x13, 0x01)
	body = append(body, 1, 0) // null compression
	body = append(body, byte(len(ext)>>8), byte(len(ext)))
	body = append(body, ext...)
	hs := append([]byte{1, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	return append([]byte{22, 3, 1, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

// hello sends the client's ClientHello after the handshake.
func (c *conn) hello(at time.Duration, sni string) {
	c.toServer(at, psh|ack, c.isn+1, c.sisn+1, clientHello(sni))
}

// closeAfterHello is the server resetting the connection right after the
// client's hello of n bytes, as HTTP.sys does without a certificate.
func (c *conn) closeAfterHello(at time.Duration, n int) {
	c.f.add(at, c.s2c, packet{src: c.s.addr, dst: c.c.addr, ttl: c.s.ttl, flags: rst | ack, seq: c.sisn + 1, ack: c.isn + 1 + uint32(n)})
}

// serverHello is the server answering the hello with data.
func (c *conn) serverHello(at time.Duration, n int) {
	c.f.add(at, c.s2c, packet{src: c.s.addr, dst: c.c.addr, ttl: c.s.ttl, flags: psh | ack, seq: c.sisn + 1, ack: c.isn + 1 + uint32(n),
		payload: []byte{22, 3, 3, 0, 4, 2, 0, 0, 0}})
}
