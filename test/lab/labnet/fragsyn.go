//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// fragsyn makes one TCP handshake whose SYN is sent in IP fragments (or,
// with -atomic, as an IPv6 atomic fragment), from an address the local
// kernel does not have, so that it neither answers nor resets the
// server's SYN-ACK: frames are written and read on the interface itself.
// It prints "connected" once it has acknowledged the SYN-ACK.
func fragsyn(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fragsyn", flag.ContinueOnError)
	iface := fs.String("i", "", "interface to send on")
	dstMAC := fs.String("dstmac", "", "the next hop's MAC")
	src := fs.String("src", "", "source address (one the local kernel does not have)")
	first := fs.Int("first", 24, "TCP bytes in the first fragment (a multiple of 8)")
	atomic := fs.Bool("atomic", false, "IPv6: one atomic fragment instead of two")
	onlyFirst := fs.Bool("only-first", false, "send the first fragment alone: a datagram never completed")
	timeout := fs.Duration("timeout", 3*time.Second, "give up waiting for the SYN-ACK after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *iface == "" || *src == "" || *first%8 != 0 {
		return errors.New("usage: labnet fragsyn -i IFACE -dstmac MAC -src ADDR [-first N] [-atomic | -only-first] ADDR:PORT")
	}
	dst, err := netip.ParseAddrPort(fs.Arg(0))
	if err != nil {
		return err
	}
	s, err := netip.ParseAddr(*src)
	if err != nil {
		return err
	}
	hw, err := net.ParseMAC(*dstMAC)
	if err != nil {
		return err
	}
	ifi, err := net.InterfaceByName(*iface)
	if err != nil {
		return err
	}
	l := &link{ifi: ifi, dst: hw}
	if err := l.open(*timeout); err != nil {
		return err
	}
	defer syscall.Close(l.fd)
	sport, isn := uint16(32768+rand.IntN(28000)), rand.Uint32()
	c := &conn{link: l, src: netip.AddrPortFrom(s, sport), dst: dst}
	seg, err := c.segment(&layers.TCP{Seq: isn, SYN: true, Window: 64240, Options: synOptions()})
	if err != nil {
		return err
	}
	if err := c.sendFragments(seg, *first, *atomic, *onlyFirst); err != nil {
		return err
	}
	serverISN, err := c.awaitSynAck(isn, time.Now().Add(*timeout))
	if err != nil {
		fmt.Fprintln(stdout, "timeout:", err)
		return nil
	}
	ack, err := c.segment(&layers.TCP{Seq: isn + 1, Ack: serverISN + 1, ACK: true, Window: 64240})
	if err != nil {
		return err
	}
	if err := c.send(ack); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "connected")
	// The server closes at once; a reset ends the connection for it too,
	// without FIN retransmissions filling the capture.
	rst, err := c.segment(&layers.TCP{Seq: isn + 1, Ack: serverISN + 1, RST: true, ACK: true})
	if err != nil {
		return err
	}
	time.Sleep(50 * time.Millisecond)
	return c.send(rst)
}

func synOptions() []layers.TCPOption {
	return []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: binary.BigEndian.AppendUint32(make([]byte, 4), 0)},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
}

// link is a packet socket on one interface.
type link struct {
	ifi *net.Interface
	dst net.HardwareAddr
	fd  int
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (l *link) open(timeout time.Duration) error {
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW, int(htons(syscall.ETH_P_ALL)))
	if err != nil {
		return fmt.Errorf("packet socket: %w", err)
	}
	l.fd = fd
	if err := syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: htons(syscall.ETH_P_ALL), Ifindex: l.ifi.Index}); err != nil {
		return err
	}
	tv := syscall.NsecToTimeval(int64(100 * time.Millisecond))
	return syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
}

func (l *link) write(etherType layers.EthernetType, payload []byte) error {
	buf := gopacket.NewSerializeBuffer()
	eth := &layers.Ethernet{SrcMAC: l.ifi.HardwareAddr, DstMAC: l.dst, EthernetType: etherType}
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, eth, gopacket.Payload(payload)); err != nil {
		return err
	}
	sa := &syscall.SockaddrLinklayer{Ifindex: l.ifi.Index, Halen: 6}
	copy(sa.Addr[:], l.dst)
	return syscall.Sendto(l.fd, buf.Bytes(), 0, sa)
}

// conn is the handshake's two ends.
type conn struct {
	*link
	src, dst netip.AddrPort
	id       uint32
}

func (c *conn) v6() bool { return c.src.Addr().Is6() }

func (c *conn) ipLayer(proto layers.IPProtocol) gopacket.NetworkLayer {
	if c.v6() {
		return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: c.src.Addr().AsSlice(), DstIP: c.dst.Addr().AsSlice()}
	}
	c.id++
	return &layers.IPv4{Version: 4, TTL: 64, Id: uint16(c.id), Protocol: proto, SrcIP: c.src.Addr().AsSlice(), DstIP: c.dst.Addr().AsSlice()}
}

// segment is a TCP segment between the two ends, checksum included.
func (c *conn) segment(t *layers.TCP) ([]byte, error) {
	t.SrcPort, t.DstPort = layers.TCPPort(c.src.Port()), layers.TCPPort(c.dst.Port())
	if err := t.SetNetworkLayerForChecksum(c.ipLayer(layers.IPProtocolTCP)); err != nil {
		return nil, err
	}
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, t)
	return buf.Bytes(), err
}

// packet is an IP packet carrying payload as protocol proto.
func (c *conn) packet(ip gopacket.NetworkLayer, payload []byte) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		ip.(gopacket.SerializableLayer), gopacket.Payload(payload))
	return buf.Bytes(), err
}

func (c *conn) etherType() layers.EthernetType {
	if c.v6() {
		return layers.EthernetTypeIPv6
	}
	return layers.EthernetTypeIPv4
}

// send sends a whole segment in one packet.
func (c *conn) send(seg []byte) error {
	pkt, err := c.packet(c.ipLayer(layers.IPProtocolTCP), seg)
	if err != nil {
		return err
	}
	return c.write(c.etherType(), pkt)
}

// sendFragments sends seg in two fragments, the first holding n bytes of
// it, or, for IPv6 with atomic, whole behind a fragment header; with
// onlyFirst, the first fragment alone.
func (c *conn) sendFragments(seg []byte, n int, atomic, onlyFirst bool) error {
	type piece struct {
		off  int
		more bool
		b    []byte
	}
	pieces := []piece{{0, true, seg[:n]}, {n, false, seg[n:]}}
	if atomic {
		pieces = []piece{{0, false, seg}}
	}
	if onlyFirst {
		pieces = pieces[:1]
	}
	id := rand.Uint32()
	for _, p := range pieces {
		var pkt []byte
		var err error
		if c.v6() {
			fo := uint16(p.off/8) << 3
			if p.more {
				fo |= 1
			}
			fh := binary.BigEndian.AppendUint16([]byte{byte(layers.IPProtocolTCP), 0}, fo)
			fh = binary.BigEndian.AppendUint32(fh, id)
			pkt, err = c.packet(c.ipLayer(layers.IPProtocolIPv6Fragment), append(fh, p.b...))
		} else {
			ip := c.ipLayer(layers.IPProtocolTCP).(*layers.IPv4)
			ip.Id, ip.FragOffset = uint16(id), uint16(p.off/8)
			if p.more {
				ip.Flags = layers.IPv4MoreFragments
			}
			pkt, err = c.packet(ip, p.b)
		}
		if err != nil {
			return err
		}
		if err := c.write(c.etherType(), pkt); err != nil {
			return err
		}
	}
	return nil
}

// awaitSynAck reads frames until the server's SYN-ACK to isn, and returns
// the server's ISN.
func (c *conn) awaitSynAck(isn uint32, deadline time.Time) (uint32, error) {
	buf := make([]byte, 65536)
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var ip6 layers.IPv6
	var tcp layers.TCP
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &tcp)
	parser.IgnoreUnsupported = true
	decoded := []gopacket.LayerType{}
	for time.Now().Before(deadline) {
		n, _, err := syscall.Recvfrom(c.fd, buf, 0)
		if err != nil {
			continue // the read timeout: look at the deadline again
		}
		if parser.DecodeLayers(buf[:n], &decoded) != nil || len(decoded) < 3 || decoded[2] != layers.LayerTypeTCP {
			continue
		}
		if tcp.SYN && tcp.ACK && tcp.Ack == isn+1 && uint16(tcp.DstPort) == c.src.Port() {
			return tcp.Seq, nil
		}
	}
	return 0, errors.New("no SYN-ACK")
}
