package etl

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/internal/etlwrite"
)

var (
	synthStart  = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clientMAC   = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	hostMAC     = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
	clientIP    = net.IPv4(198, 51, 100, 7).To4()
	vip         = net.IPv4(203, 0, 113, 10).To4()
	synthReason = map[uint32]string{902: "Not locally destined", 1204: "INET: transport endpoint was not found"}
)

// tcpFrame builds an Ethernet frame holding a TCP segment, padded to the
// 60 bytes of a shortest Ethernet frame.
func tcpFrame(t testing.TB, src, dst net.IP, sport, dport uint16, seq, ack uint32, syn, ackf bool, id uint16) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: clientMAC, DstMAC: hostMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 128, Id: id, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, SYN: syn, ACK: ackf, Window: 64240}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// toDot11 wraps an Ethernet frame's payload in an 802.11 data frame from
// the AP, as a Wi-Fi driver logs it, Protected bit set.
func toDot11(eth []byte) []byte {
	h := make([]byte, 24, 24+8+len(eth))
	h[0], h[1] = 0x08, 0x02|0x40 // data, FromDS, Protected
	copy(h[4:10], eth[0:6])      // DA
	copy(h[10:16], hostMAC)      // BSSID
	copy(h[16:22], eth[6:12])    // SA
	h = append(h, 0xaa, 0xaa, 0x03, 0, 0, 0, eth[12], eth[13])
	return append(h, eth[14:]...)
}

// synthPktMon writes a pktmon-style trace: a SYN crossing three components
// (Wi-Fi driver as 802.11, filter and tcpip as Ethernet and IP), sent again
// a second later, its SYN-ACK, a SYN dropped by tcpip, and a packet cut
// short; events spread over two CPUs.
func synthPktMon(t testing.TB) []byte {
	var out bytes.Buffer
	w, err := etlwrite.New(&out, etlwrite.PktMon, etlwrite.Options{Start: synthStart, Processors: 2})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatal(err)
		}
	}
	must(w.ValueMap("DropReason", synthReason))
	must(w.ValueMap("PropertyType", map[uint32]string{0: "IfIndex", 1: "MiniportIfIndex"}))
	must(w.Component(1, 2, "rtwlane.sys", "Realtek Wi-Fi", 13))
	must(w.Component(2, 3, "wfplwfs.sys", "WFP filter", 0))
	must(w.Component(3, 4, "tcpip.sys", "TCP/IP", 0))
	syn := tcpFrame(t, clientIP, vip, 50000, 443, 1000, 0, true, false, 1)
	resent := tcpFrame(t, clientIP, vip, 50000, 443, 1000, 0, true, false, 2)
	synack := tcpFrame(t, vip, clientIP, 443, 50000, 7000, 1001, true, true, 3)
	dropped := tcpFrame(t, clientIP, vip, 50001, 443, 2000, 0, true, false, 4)
	big := append(tcpFrame(t, clientIP, vip, 50000, 443, 1001, 7001, false, true, 5), make([]byte, 400)...)
	at := func(ms int) time.Time { return synthStart.Add(time.Duration(ms) * time.Millisecond) }
	path := func(tm time.Time, f []byte, dir uint16) {
		must(w.Packet(etlwrite.Packet{Time: tm, Component: 1, Edge: 1, Dir: dir, Type: etlwrite.TypeWiFi, Data: toDot11(f)}))
		must(w.Packet(etlwrite.Packet{Time: tm.Add(3 * time.Microsecond), Component: 2, Edge: 1, Dir: dir, Type: etlwrite.TypeWiFi, Data: f}))
		must(w.Packet(etlwrite.Packet{Time: tm.Add(9 * time.Microsecond), Component: 3, Edge: 1, Dir: dir, Type: etlwrite.TypeIP, Data: f[14:]}))
	}
	path(at(10), syn, etlwrite.Rx)
	path(at(1010), resent, etlwrite.Rx)
	path(at(1011), synack, etlwrite.Tx)
	must(w.Packet(etlwrite.Packet{Time: at(1500), Component: 3, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeIP, Data: dropped[14:], Drop: true, DropReason: 902, DropLoc: 0xe0004138}))
	must(w.Packet(etlwrite.Packet{Time: at(2000), Component: 2, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeEthernet, Data: big[:128], Length: len(big)}))
	must(w.Close())
	return out.Bytes()
}

// synthNetsh writes a netsh-style trace: an Ethernet SYN in one fragment,
// its SYN-ACK sent in three, and a raw IP packet; buffers of 4 KiB keep
// it small enough for fuzzing.
func synthNetsh(t testing.TB) []byte {
	var out bytes.Buffer
	w, err := etlwrite.New(&out, etlwrite.Netsh, etlwrite.Options{Start: synthStart, Processors: 2, BufferSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	syn := tcpFrame(t, clientIP, vip, 50000, 443, 1000, 0, true, false, 1)
	synack := tcpFrame(t, vip, clientIP, 443, 50000, 7000, 1001, true, true, 3)
	for _, p := range []etlwrite.Packet{
		{Time: synthStart.Add(time.Millisecond), Data: syn, IfIndex: 7},
		{Time: synthStart.Add(2 * time.Millisecond), Data: synack, IfIndex: 7, Send: true, Fragments: 3},
		{Time: synthStart.Add(3 * time.Millisecond), Data: syn[14:], IfIndex: 9, Type: etlwrite.TypeIP},
	} {
		if err := w.Packet(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
