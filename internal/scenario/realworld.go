package scenario

import (
	"time"

	"github.com/gopacket/gopacket/layers"
)

// Captures shaped like those real tools write, rather than like a single
// clean tap.

// pktmonCopies is how many times the pktmon scenario records each packet:
// at the NIC with its Ethernet header, and at two components above it
// (a filter driver, TCP/IP) as raw IP.
const pktmonCopies = 3

// CopiesPerTransmission is how many frames of a scenario's captures hold
// each packet sent: 1 for a single tap, more where the capture tool
// records a packet once per stack component. Tools that count frames
// (tshark) see every SYN that many times; slbdiag collapses the copies.
func CopiesPerTransmission(scenario string) int {
	switch scenario {
	case "pktmon":
		return pktmonCopies
	case "mirror-erspan":
		return 2 // two mirror points
	}
	return 1
}

// pktmon is 'pktmon start --capture' on the Windows backend of the seed
// story, converted with 'pktmon pcapng': every packet is logged at each
// component it crosses, microseconds apart.
func pktmon() *builder {
	b := &builder{s: Scenario{
		Name:   "pktmon",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: the seed story as Windows pktmon records it on the backend: every packet logged three " +
			"times, at the NIC (Ethernet) and at two components above it (raw IPv4), 8 and 17 µs apart, as " +
			"'pktmon pcapng' converts them. SYNs to the VIP 192.0.2.10:443 are dropped and retransmitted at 3 s and " +
			"9 s; health probes to 10.0.0.5:443 complete. slbdiag must collapse the copies (one SYN logged three " +
			"times is one transmission) and say how many it collapsed; tshark counts every copy.",
	}}
	f := b.file("pktmon.pcapng", pcapng, "Generated: pktmon, each packet logged at three components")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	probe := func(at time.Duration, src string, isn uint32) {
		c := f.conn(client(src, 63), windowsBackend("443"), in, out, isn, isn+0x100000)
		c.handshake(at, 300*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	probe(0, "100.100.110.5:40001", 0x61000000)
	c := f.conn(client("198.51.100.23:50001", 113), vip(), in, out, 0x3a2b3c4d, 0)
	c.syn(100 * ms)
	c.syn(3100 * ms)
	c.syn(9100 * ms)
	b.expect(c, "unanswered", 3)
	probe(5*s, "100.100.110.6:40002", 0x62000000)
	c = f.conn(client("203.0.113.7:61000", 50), vip(), in, out, 0x4badcafe, 0)
	c.syn(5200 * ms)
	c.syn(8200 * ms)
	b.expect(c, "unanswered", 2)
	probe(10*s, "100.100.110.5:40003", 0x63000000)

	upper := link{kind: layers.LinkTypeRaw}
	for _, fr := range append([]*frame(nil), f.frames...) {
		f.add(fr.at+8*time.Microsecond, upper, fr.pkt)
		f.add(fr.at+17*time.Microsecond, upper, fr.pkt)
	}
	return b
}
