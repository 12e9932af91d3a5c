// Package floodgen makes the SYN floods and scans that slbdiag's memory
// bounds are measured on: n SYNs, each from a distinct client, in one of
// the shapes a flood or a scan takes, as a source of Ethernet frames.
package floodgen

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Shape is how the SYNs of a flood differ.
type Shape string

// The shapes: every SYN from a distinct client, and besides
const (
	Clients  Shape = "clients"  // to one VIP port, from IPv4 clients
	Clients6 Shape = "clients6" // to random ports of the VIP, from IPv6 clients
	Ports    Shape = "ports"    // to distinct ports of the VIP (wrapping past 65,535 to more VIPs)
	Dests    Shape = "dests"    // to distinct destination addresses, port 443
)

// Shapes lists every shape.
var Shapes = []Shape{Clients, Clients6, Ports, Dests}

// The VIPs SYNs go to, and the first SYN's timestamp.
var (
	VIP4  = netip.MustParseAddr("10.0.0.100")
	VIP6  = netip.MustParseAddr("2001:db8::100")
	Start = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
)

// Flood yields its SYNs one frame at a time; it satisfies slbdiag's
// frame source (analyze.Source) and pcapgo's reader interface.
type Flood struct {
	shape Shape
	n, i  int
	rnd   *rand.Rand
	ts    time.Time
	buf   []byte
}

// New returns a flood of n SYNs of the shape; the same seed yields the
// same frames.
func New(shape Shape, n int, seed uint64) (*Flood, error) {
	switch shape {
	case Clients, Clients6, Ports, Dests:
	default:
		return nil, fmt.Errorf("floodgen: unknown shape %q (want clients, clients6, ports or dests)", shape)
	}
	return &Flood{shape: shape, n: n, rnd: rand.New(rand.NewPCG(seed, 0x5eed)), ts: Start, buf: make([]byte, 0, 128)}, nil
}

// LinkType is Ethernet.
func (f *Flood) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// ZeroCopyReadPacketData returns the next SYN, valid until the next call,
// or io.EOF after the last.
func (f *Flood) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if f.i >= f.n {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	client, server := f.endpoints(f.i)
	f.i++
	b := f.syn(client, server, f.rnd.Uint32())
	ci := gopacket.CaptureInfo{Timestamp: f.ts, CaptureLength: len(b), Length: len(b)}
	f.ts = f.ts.Add(time.Duration(2000 + f.rnd.Int64N(2000))) // ~330k SYNs a second
	return b, ci, nil
}

// ReadPacketData is ZeroCopyReadPacketData with a copy of the frame.
func (f *Flood) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	b, ci, err := f.ZeroCopyReadPacketData()
	return append([]byte(nil), b...), ci, err
}

// endpoints are SYN i's client and server: clients from 11.0.0.0/8 (or
// 2001:db8:2::/64) upward, one address each.
func (f *Flood) endpoints(i int) (client, server netip.AddrPort) {
	v4 := netip.AddrFrom4([4]byte{11 + byte(i>>24), byte(i >> 16), byte(i >> 8), byte(i)})
	cport := uint16(1024 + f.rnd.IntN(60000))
	switch f.shape {
	case Clients6:
		a := [16]byte{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02}
		binary.BigEndian.PutUint64(a[8:], f.rnd.Uint64())
		return netip.AddrPortFrom(netip.AddrFrom16(a), cport), netip.AddrPortFrom(VIP6, uint16(1+f.rnd.IntN(65535)))
	case Ports:
		vip := VIP4.As4()
		vip[2] += byte(i / 65535)
		return netip.AddrPortFrom(v4, cport), netip.AddrPortFrom(netip.AddrFrom4(vip), uint16(1+i%65535))
	case Dests:
		dst := netip.AddrFrom4([4]byte{100 + byte(i>>24), byte(i >> 16), byte(i >> 8), byte(i)})
		return netip.AddrPortFrom(v4, cport), netip.AddrPortFrom(dst, 443)
	}
	return netip.AddrPortFrom(v4, cport), netip.AddrPortFrom(VIP4, 443)
}

var (
	hostMAC = []byte{0x02, 0, 0, 0, 0, 0x10}
	gwMAC   = []byte{0x02, 0, 0, 0, 0, 0x01}
)

// syn builds an Ethernet frame holding a SYN with an MSS option, its
// checksums right.
func (f *Flood) syn(client, server netip.AddrPort, isn uint32) []byte {
	b := append(f.buf[:0], hostMAC...)
	b = append(b, gwMAC...)
	const tcpLen = 24
	var pseudo uint32
	if client.Addr().Is4() {
		b = append(b, 0x08, 0x00)
		ip := len(b)
		b = append(b, 0x45, 0, 0, 20+tcpLen, byte(f.i>>8), byte(f.i), 0x40, 0, 52, 6, 0, 0)
		b = append(b, client.Addr().AsSlice()...)
		b = append(b, server.Addr().AsSlice()...)
		binary.BigEndian.PutUint16(b[ip+10:], ^fold(sum(b[ip:ip+20])))
		pseudo = sum(b[ip+12:ip+20]) + 6 + tcpLen
	} else {
		b = append(b, 0x86, 0xdd, 0x60, 0, 0, 0, 0, tcpLen, 6, 52)
		ip := len(b)
		b = append(b, client.Addr().AsSlice()...)
		b = append(b, server.Addr().AsSlice()...)
		pseudo = sum(b[ip:ip+32]) + 6 + tcpLen
	}
	t := len(b)
	b = binary.BigEndian.AppendUint16(b, client.Port())
	b = binary.BigEndian.AppendUint16(b, server.Port())
	b = binary.BigEndian.AppendUint32(b, isn)
	b = append(b, 0, 0, 0, 0, tcpLen/4<<4, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, 2, 4, 0x05, 0xb4)
	binary.BigEndian.PutUint16(b[t+16:], ^fold(pseudo+sum(b[t:])))
	f.buf = b
	return b
}

// sum adds b as big-endian 16-bit words (b has an even length).
func sum(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	return s
}

func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}
