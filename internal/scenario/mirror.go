package scenario

import (
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// The collector mirror sessions send to, and its MACs.
var (
	collector    = netip.MustParseAddr("10.9.9.9")
	collectorMAC = mac("02:00:00:09:09:09")
	switchMAC    = mac("02:00:00:01:01:01")
)

func via(l link, t *tunnel) link {
	l.tunnel = t
	return l
}

// mirrorERSPAN is the seed story seen at a mirror collector.
func mirrorERSPAN() *builder {
	b := &builder{s: Scenario{
		Name:   "mirror-erspan",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: the seed story as a mirror collector (10.9.9.9) receives it, inside GRE from two " +
			"mirror points: switch 10.1.1.1 mirrors the frames to the Windows backend as ERSPAN type II, and switch " +
			"10.1.1.2, the backend's own, mirrors its port both ways as ERSPAN type III with the platform subheader, so " +
			"every frame to the backend arrives twice, 20 µs apart. Inside, health probes to 10.0.0.5:443 complete and " +
			"clients' SYNs to the VIP 192.0.2.10:443 reach the backend's MAC and are dropped. slbdiag must unwrap both, " +
			"judge the inner frames (their MACs, not the collector's), count each inner packet once, and name the " +
			"mirror sessions and the switches they came from; tshark counts every copy.",
	}}
	f := b.file("mirror-erspan.pcap", pcapMicro, "")
	sw1 := &tunnel{kind: erspan2, src: netip.MustParseAddr("10.1.1.1"), dst: collector, macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeEthernet}
	sw2 := &tunnel{kind: erspan3, src: netip.MustParseAddr("10.1.1.2"), dst: collector, macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeEthernet}
	in, out := via(ether(gwMAC, backendMAC), sw1), via(ether(backendMAC, gwMAC), sw2)
	probe := func(at time.Duration, src string, isn uint32) {
		c := f.conn(client(src, 63), windowsBackend("443"), in, out, isn, isn+0x100000)
		c.handshake(at, 300*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	probe(0, "100.100.110.5:40001", 0x71000000)
	c := f.conn(client("198.51.100.23:50001", 113), vip(), in, out, 0x5a2b3c4d, 0)
	c.syn(100 * ms)
	c.syn(3100 * ms)
	c.syn(9100 * ms)
	b.expect(c, "unanswered", 3)
	probe(5*s, "100.100.110.6:40002", 0x72000000)
	c = f.conn(client("203.0.113.7:61000", 50), vip(), in, out, 0x6badcafe, 0)
	c.syn(5200 * ms)
	c.syn(8200 * ms)
	b.expect(c, "unanswered", 2)
	probe(10*s, "100.100.110.5:40003", 0x73000000)
	for _, fr := range append([]*frame(nil), f.frames...) {
		if fr.link.tunnel == sw1 {
			f.add(fr.at+20*time.Microsecond, via(fr.link, sw2), fr.pkt)
		}
	}
	return b
}

// tunnels are handshakes inside IP tunnels and carrier framings, and on
// link types that carry IP without Ethernet.
func tunnels() *builder {
	b := &builder{s: Scenario{
		Name:   "tunnels",
		Causes: []string{},
		Description: "Generated: one pcapng with five interfaces. On Ethernet: a handshake through a gateway load " +
			"balancer (Geneve from 10.3.3.3, IP inside), one inside GRE from 10.4.4.4, one over MPLS and one over PPPoE " +
			"on a QinQ trunk, all completing, and SYNs inside GRE to the VIP 192.0.2.10:443 answered by RST. Then a " +
			"handshake as 'tcpdump -i nflog:1' records it (link type NFLOG), then one each on IP over InfiniBand, ARCNET " +
			"(Linux) and PPP. None carries " +
			"the MACs of the hosts: slbdiag must say the MAC-based evidence cannot be judged.",
	}}
	f := b.file("tunnels.pcapng", pcapng, "Generated: handshakes inside tunnels and on link types without Ethernet")
	rawIn := func(t *tunnel) link { return via(ether(switchMAC, collectorMAC), t) }
	gwlb := &tunnel{kind: geneveIP, src: netip.MustParseAddr("10.3.3.3"), dst: netip.MustParseAddr("10.3.3.4"), macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeRaw}
	gre := &tunnel{kind: greIP, src: netip.MustParseAddr("10.4.4.4"), dst: netip.MustParseAddr("10.4.4.5"), macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeRaw}
	lbl := &tunnel{kind: mpls, macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeRaw}
	ppp := &tunnel{kind: pppoeQinQ, macs: [2]net.HardwareAddr{switchMAC, collectorMAC}, inner: layers.LinkTypeRaw}
	n := 0
	done := func(at time.Duration, l link) {
		n++
		c := f.conn(client("198.51.100.30:"+strconv.Itoa(51000+n), 57), windowsBackend("443"), l, l, uint32(0x10000*n), uint32(0x20000*n))
		c.handshake(at, 400*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	done(0, rawIn(gwlb))
	done(1*s, rawIn(gre))
	refused := f.conn(client("198.51.100.31:52000", 57), vip(), rawIn(gre), rawIn(gre), 0x30000, 0)
	refused.syn(1500 * ms)
	refused.reset(1500*ms + 300*time.Microsecond)
	b.expect(refused, "refused", 1)
	done(2*s, rawIn(lbl))
	done(3*s, rawIn(ppp))
	done(4*s, link{kind: linkNFLog})
	done(5*s, link{kind: linkIPoIB})
	done(6*s, link{kind: layers.LinkTypeARCNetLinux})
	done(7*s, link{kind: layers.LinkTypePPP})
	return b
}
