// Package scenario generates the bundled sample captures in testdata/pcaps
// and states, for each, what slbdiag must find in it: every handshake
// attempt, its outcome, its SYN count and the frame of its first SYN.
//
// The captures are built packet by packet with gopacket and written with
// pcapgo (and by hand where pcapgo cannot: big-endian pcap, SLL headers),
// with fixed timestamps, so that they come out the same byte for byte.
// Run 'go test ./internal/scenario -update' after changing a scenario.
package scenario

import (
	"net/netip"
	"sort"
	"time"
)

// Expect is one handshake attempt a scenario intends.
type Expect struct {
	File           string // base name of the capture the first SYN is in
	Client, Server netip.AddrPort
	ISN            uint32
	Outcome        string // as DESIGN.md names it
	Syns           int
	FirstFrame     int // 1-based, within File
}

// Scenario is a set of capture files replayed together.
type Scenario struct {
	Name        string
	Files       []string // base names in testdata/pcaps, in command-line order
	Description string   // where the capture comes from and what it shows
	VIP         string   // the --vip to replay it with; empty to let slbdiag infer
	Expect      []Expect // in the order slbdiag reports attempts: first SYN time
	// Causes are the findings slbdiag must offer, in report order; nil
	// means none is checked (the recorded captures say theirs in
	// recorded.go), an empty non-nil list means there must be none.
	Causes []string
}

// builder collects a scenario's files and intentions.
type builder struct {
	s       Scenario
	files   []*file
	expects []expectation
}

func (b *builder) file(name string, f format, comment string) *file {
	fl := &file{name: name, format: f, comment: comment}
	b.files = append(b.files, fl)
	b.s.Files = append(b.s.Files, name)
	return fl
}

// expect states what must become of c's attempt.
func (b *builder) expect(c *conn, outcome string, syns int) {
	b.expects = append(b.expects, expectation{c, outcome, syns})
}

// done numbers the frames and resolves the expectations.
func (b *builder) done() Scenario {
	for _, f := range b.files {
		f.number()
		if f.of != nil {
			f.of.number()
		}
	}
	sort.SliceStable(b.expects, func(i, j int) bool {
		return b.expects[i].c.firstSyn.at < b.expects[j].c.firstSyn.at
	})
	for _, e := range b.expects {
		b.s.Expect = append(b.s.Expect, Expect{
			File: e.c.f.name, Client: e.c.c.addr, Server: e.c.s.addr, ISN: e.c.isn,
			Outcome: e.outcome, Syns: e.syns, FirstFrame: e.c.firstSyn.num,
		})
	}
	return b.s
}

type built struct {
	s     Scenario
	files []*file
}

// scenarios builds every scenario.
func scenarios() []built {
	var out []built
	for _, fn := range []func() *builder{
		seedStrongHost, outcomes, tlsBinding, vipARP, probesPass, noVIPTraffic, ownAddressDropped, twoSides, ipv6VLAN, sll, sll2, rawNull, merge, gzipOutcomes, truncated, notACapture, pktmon, hostileSNI,
		mirrorERSPAN, tunnels,
	} {
		b := fn()
		out = append(out, built{b.done(), b.files})
	}
	return append(out, recorded()...)
}

// All returns every bundled scenario: the generated ones, then those
// recorded from real kernels.
func All() []Scenario {
	var out []Scenario
	for _, b := range scenarios() {
		out = append(out, b.s)
	}
	return out
}

// Generate returns the contents of every bundled capture by base name,
// and README.md, which says where each comes from.
func Generate() (map[string][]byte, error) {
	out := make(map[string][]byte)
	bs := scenarios()
	for _, b := range bs {
		for _, f := range b.files {
			data, err := encode(f)
			if err != nil {
				return nil, err
			}
			out[f.name] = data
		}
	}
	out["README.md"] = readme(bs)
	return out, nil
}

const (
	ms = time.Millisecond
	s  = time.Second
)

// The hosts of the seed story: a Windows Server backend behind a load
// balancer in direct server return, its gateway, the VIP and clients.
var (
	gwMAC      = mac("00:15:5d:01:02:01")
	backendMAC = mac("00:15:5d:01:02:05")
	backend2   = mac("00:15:5d:01:02:06")
	linuxMAC   = mac("52:54:00:12:34:08")
	// upstreamMAC is the router in front of the gateway: the SYNs to an
	// address nobody has and the ICMP errors about them cross that link.
	upstreamMAC = mac("00:15:5d:01:02:02")
	vipAddr     = "192.0.2.10"
)

func client(addr string, ttl uint8) side { return side{ap(addr), ttl} }

// Windows answers with TTL 128, Linux with 64; the capture is on the
// backend, so its own packets have not been routed yet.
func windowsBackend(port string) side { return side{ap("10.0.0.5:" + port), 128} }
func linuxBackend(port string) side   { return side{ap("10.0.0.8:" + port), 64} }
func vip() side                       { return side{ap(vipAddr + ":443"), 128} }

// seedStrongHost is the case slbdiag was born from.
func seedStrongHost() *builder {
	b := &builder{s: Scenario{
		Name:   "seed-strong-host",
		Causes: []string{"strong-host-receive"},
		Description: "The case slbdiag was born from, as a capture on the Windows backend's NIC would show it: " +
			"the load balancer forwards clients' SYNs to the VIP 192.0.2.10:443 to the backend's MAC (direct server return); " +
			"the backend, which does not have the VIP on any interface (strong host model), drops them, and the clients " +
			"retransmit at 3 s and 9 s. Health probes to the backend's own address 10.0.0.5:443 complete. " +
			"Replayed without --vip: slbdiag must infer the VIP.",
	}}
	f := b.file("seed-strong-host.pcapng", pcapng, "Generated: SYNs to the VIP dropped by a strong-host Windows backend")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	probe := func(at time.Duration, src string) {
		c := f.conn(client(src, 63), windowsBackend("443"), in, out, uint32(0x51000000+at/ms), 0x7f000000+uint32(at/ms))
		c.handshake(at, 300*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	dropped := func(at time.Duration, src string, ttl uint8, isn uint32) {
		c := f.conn(client(src, ttl), vip(), in, out, isn, 0)
		c.syn(at)
		c.syn(at + 3*s)
		c.syn(at + 9*s)
		b.expect(c, "unanswered", 3)
	}
	probe(0, "100.100.110.5:40001")
	dropped(100*ms, "198.51.100.23:50001", 113, 0x1a2b3c4d)
	dropped(400*ms, "203.0.113.7:61000", 50, 0x0badcafe)
	probe(5*s, "100.100.110.6:40002")
	dropped(5500*ms, "198.51.100.23:50002", 113, 0x2c3d4e5f)
	probe(10*s, "100.100.110.5:40003")
	probe(15*s, "100.100.110.6:40004")
	return b
}

// outcomesFile is one attempt of each outcome, seen at a mirror port
// between the load balancer and two backends.
func outcomesFile(b *builder, name string, f format) {
	fl := b.file(name, f, "")
	cl := func(port string) side { return client("198.51.100.23:"+port, 52) }
	lb := gwMAC
	to := func(m []byte) link { return ether(lb, m) }
	from := func(m []byte) link { return ether(m, lb) }
	b5 := side{ap("10.0.0.5:443"), 64}
	b6 := side{ap("10.0.0.6:443"), 64}
	router := side{ap("10.0.0.1:0"), 64}

	c := fl.conn(cl("51000"), b5, to(backendMAC), from(backendMAC), 1000, 9000)
	c.handshake(0, 400*time.Microsecond)
	b.expect(c, "completed", 1)

	c = fl.conn(cl("51001"), vip(), to(backendMAC), from(backendMAC), 2000, 0)
	c.syn(500 * ms)
	c.syn(1500 * ms)
	b.expect(c, "unanswered", 2)

	c = fl.conn(cl("51002"), b6, to(backend2), from(backend2), 3000, 0)
	c.syn(1000 * ms)
	c.reset(1000*ms + 300*time.Microsecond)
	b.expect(c, "refused", 1)

	c = fl.conn(cl("51003"), side{ap("10.0.0.7:443"), 64}, ether(upstreamMAC, gwMAC), ether(gwMAC, upstreamMAC), 4000, 0)
	c.syn(1200 * ms)
	c.unreachable(1200*ms+3*ms, router, ether(gwMAC, upstreamMAC))
	b.expect(c, "unreachable", 1)

	c = fl.conn(cl("51004"), b5, to(backendMAC), from(backendMAC), 5000, 9500)
	c.syn(2000 * ms)
	c.synAck(2000*ms + 300*time.Microsecond)
	c.synAck(3000*ms + 300*time.Microsecond) // the server retransmits its SYN-ACK
	b.expect(c, "synack-no-ack", 1)

	// The backend accepted a SYN to the VIP but answers from its own
	// address; the client resets the stranger's SYN-ACK.
	c = fl.conn(cl("51005"), vip(), to(backendMAC), from(backendMAC), 6000, 9600)
	c.syn(2500 * ms)
	c.synAckFrom(2500*ms+400*time.Microsecond, b5, from(backendMAC))
	fl.add(2500*ms+50*ms, to(backendMAC), packet{src: c.c.addr, dst: b5.addr, ttl: 52, flags: rst, seq: 9601})
	b.expect(c, "wrong-source", 1)

	// The same 4-tuple twice: the client gives up and later reuses its
	// port with a new ISN, which is a new attempt.
	c = fl.conn(cl("51006"), b5, to(backendMAC), from(backendMAC), 7000, 0)
	c.syn(3000 * ms)
	c.syn(4000 * ms)
	b.expect(c, "unanswered", 2)
	c = fl.conn(cl("51006"), b5, to(backendMAC), from(backendMAC), 7777, 9700)
	c.handshake(6000*ms, 400*time.Microsecond)
	b.expect(c, "completed", 1)

	// A connection the capture joined after its handshake: counted as
	// mid-stream, not an attempt.
	mid := fl.conn(client("198.51.100.40:52000", 52), b5, to(backendMAC), from(backendMAC), 8000, 9800)
	mid.request(3500 * ms)
	fl.add(3500*ms+200*time.Microsecond, from(backendMAC), packet{src: b5.addr, dst: mid.c.addr, ttl: 64, flags: ack, seq: 9801, ack: 8011})

	// A SYN to a port slbdiag does not watch, and its RST: ignored.
	c = fl.conn(cl("51007"), side{ap("10.0.0.5:80"), 64}, to(backendMAC), from(backendMAC), 8500, 0)
	c.syn(4500 * ms)
	c.reset(4500*ms + 200*time.Microsecond)

	// One SYN 300 ms before the capture ends: too soon to judge.
	c = fl.conn(cl("51008"), vip(), to(backendMAC), from(backendMAC), 9000, 0)
	c.syn(6500 * ms)
	b.expect(c, "pending", 1)
	fl.add(6800*ms, to(backendMAC), packet{src: mid.c.addr, dst: b5.addr, ttl: 52, flags: fin | ack, seq: 8011, ack: 9801})
}

func outcomes() *builder {
	b := &builder{s: Scenario{
		Name: "outcomes", VIP: vipAddr,
		Causes: []string{"weak-host-send", "return-path-lost", "partial-loss"},
		Description: "Generated: one handshake of each outcome (completed, unanswered, pending, refused, unreachable, " +
			"synack-no-ack, wrong-source), a new ISN on a reused 4-tuple, a connection joined mid-stream and a SYN to " +
			"an unwatched port, at a mirror port between a load balancer and its backends. Little-endian, microsecond pcap.",
	}}
	outcomesFile(b, "outcomes.pcap", pcapMicro)
	return b
}

func gzipOutcomes() *builder {
	b := &builder{s: Scenario{
		Name: "gzip-outcomes", VIP: vipAddr,
		Causes:      []string{"weak-host-send", "return-path-lost", "partial-loss"},
		Description: "outcomes.pcap compressed with gzip under a name that does not say so: slbdiag must recognise it by content.",
	}}
	outcomesFile(b, "gzip-outcomes.cap", pcapMicro)
	inner := b.files[0]
	b.files[0] = &file{name: inner.name, format: gzipped, of: inner}
	return b
}

// ipv6VLAN is a trunk-port capture: 802.1Q and QinQ tags, IPv6 with an
// extension header, and ICMPv6.
func ipv6VLAN() *builder {
	b := &builder{s: Scenario{
		Name: "ipv6-vlan", VIP: "2001:db8:10::/64",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: a trunk-port capture. IPv6 on VLAN 100: SYNs to the VIP [2001:db8:10::10]:443 " +
			"(with a hop-by-hop extension header) unanswered, the backend's own address completing, an ICMPv6 " +
			"address-unreachable; IPv4 in QinQ (outer VLAN 200, inner 100) completing. One pcapng section.",
	}}
	f := b.file("ipv6-vlan.pcapng", pcapng, "Generated: IPv6, 802.1Q and QinQ")
	in, out := ether(gwMAC, backendMAC, 100), ether(backendMAC, gwMAC, 100)
	cl := func(port string) side { return client("[2001:db8:1::23]:"+port, 57) }
	own := side{ap("[2001:db8:20::5]:443"), 128}

	c := f.conn(cl("50001"), own, in, out, 100, 200)
	c.handshake(0, 500*time.Microsecond)
	b.expect(c, "completed", 1)

	c = f.conn(cl("50002"), side{ap("[2001:db8:10::10]:443"), 128}, in, out, 300, 0)
	for _, at := range []time.Duration{200 * ms, 1200 * ms, 3200 * ms} {
		fr := c.syn(at)
		fr.pkt.hopByHop = true
	}
	b.expect(c, "unanswered", 3)

	up, down := ether(upstreamMAC, gwMAC, 100), ether(gwMAC, upstreamMAC, 100)
	c = f.conn(cl("50003"), side{ap("[2001:db8:20::7]:443"), 64}, up, down, 400, 0)
	c.syn(1500 * ms)
	c.unreachable(1500*ms+2*ms, side{ap("[2001:db8:20::1]:0"), 64}, down)
	b.expect(c, "unreachable", 1)

	q := f.conn(client("198.51.100.23:50010", 52), windowsBackend("443"), ether(gwMAC, backendMAC, 200, 100), ether(backendMAC, gwMAC, 200, 100), 500, 600)
	q.handshake(2000*ms, 400*time.Microsecond)
	b.expect(q, "completed", 1)
	return b
}

// sll is 'tcpdump -i any' on a Linux backend, written by a big-endian host.
func sll() *builder {
	b := &builder{s: Scenario{
		Name:   "sll",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: 'tcpdump -i any' on a Linux backend (Linux cooked SLL), as a big-endian host " +
			"writes a nanosecond pcap. SYNs to the VIP 192.0.2.10:443 unanswered (Linux retransmits at 1 s and 3 s), " +
			"a health probe to the backend's own address 10.0.0.8:443 completing, and one SYN too late to judge.",
	}}
	f := b.file("sll.pcap", pcapNanoBig, "")
	in := link{kind: 113, src: gwMAC}
	out := link{kind: 113, src: linuxMAC, outgoing: true}

	c := f.conn(client("100.100.110.5:40001", 63), linuxBackend("443"), in, out, 11, 21)
	c.handshake(0, 150*time.Microsecond)
	b.expect(c, "completed", 1)

	c = f.conn(client("198.51.100.23:50020", 52), vip(), in, out, 31, 0)
	c.syn(100 * ms)
	c.syn(1100 * ms)
	c.syn(3100 * ms)
	b.expect(c, "unanswered", 3)

	c = f.conn(client("198.51.100.23:50021", 52), vip(), in, out, 41, 0)
	c.syn(3500 * ms)
	b.expect(c, "pending", 1)
	p := f.conn(client("100.100.110.6:40002", 63), linuxBackend("443"), in, out, 51, 61)
	p.handshake(3600*ms, 150*time.Microsecond)
	b.expect(p, "completed", 1)
	return b
}

// sll2 is 'tcpdump -i any' on a newer Linux (libpcap ≥ 1.10).
func sll2() *builder {
	b := &builder{s: Scenario{
		Name:   "sll2",
		Causes: []string{"return-path-lost"},
		Description: "Generated: 'tcpdump -i any' on a Linux backend with libpcap 1.10 or later (LINUX_SLL2), " +
			"little-endian nanosecond pcap: one handshake completing, one whose SYN-ACK the client never acknowledges.",
	}}
	f := b.file("sll2.pcap", pcapNano, "")
	in := link{kind: 276, src: gwMAC}
	out := link{kind: 276, src: linuxMAC, outgoing: true}

	c := f.conn(client("198.51.100.23:50030", 52), linuxBackend("443"), in, out, 71, 81)
	c.handshake(0, 200*time.Microsecond)
	b.expect(c, "completed", 1)

	c = f.conn(client("198.51.100.23:50031", 52), linuxBackend("443"), in, out, 91, 101)
	c.syn(500 * ms)
	c.synAck(500*ms + 200*time.Microsecond)
	c.synAck(1500*ms + 200*time.Microsecond)
	c.synAck(3500*ms + 200*time.Microsecond)
	b.expect(c, "synack-no-ack", 1)
	return b
}

// rawNull holds link types that carry no Ethernet header, in a pcapng
// with two sections.
func rawNull() *builder {
	b := &builder{s: Scenario{
		Name:   "raw-null",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: a pcapng with two sections. The first has two interfaces: raw IPv4 (a tunnel or " +
			"pktmon-style capture) with a completed handshake, and BSD loopback (NULL) with a refused connection to " +
			"[::1]:443. The second section is Ethernet, with SYNs to 192.0.2.10:443 unanswered.",
	}}
	f := b.file("raw-null.pcapng", pcapng, "Generated: raw IP, BSD loopback and Ethernet")
	raw := link{kind: 101}
	null := link{kind: 0}

	c := f.conn(client("198.51.100.23:50040", 52), windowsBackend("443"), raw, raw, 111, 121)
	c.handshake(0, 300*time.Microsecond)
	b.expect(c, "completed", 1)

	c = f.conn(side{ap("[::1]:50041"), 64}, side{ap("[::1]:443"), 64}, null, null, 131, 0)
	c.syn(100 * ms)
	c.reset(100*ms + 50*time.Microsecond)
	b.expect(c, "refused", 1)

	f.section = 1
	c = f.conn(client("198.51.100.23:50042", 52), vip(), ether(gwMAC, backendMAC), ether(backendMAC, gwMAC), 141, 0)
	c.syn(1000 * ms)
	c.syn(4000 * ms)
	b.expect(c, "unanswered", 2)
	return b
}

// merge is two backends of one VIP, each captured on its own NIC, replayed
// together.
func merge() *builder {
	b := &builder{s: Scenario{
		Name: "merge", VIP: vipAddr,
		Causes: []string{"strong-host-receive"},
		Description: "Generated: two backends behind the VIP 192.0.2.10 in direct server return, each captured on its " +
			"own NIC and replayed together, interleaved by time with frame numbers per file. merge-a.pcap is a " +
			"Linux backend with the VIP on its loopback: it answers from the VIP. merge-b.pcapng is a Windows " +
			"backend without it: SYNs to the VIP go unanswered while health probes to 10.0.0.5:443 complete.",
	}}
	fa := b.file("merge-a.pcap", pcapMicro, "")
	fb := b.file("merge-b.pcapng", pcapng, "Generated: backend B of a merged pair")
	inA, outA := ether(gwMAC, linuxMAC), ether(linuxMAC, gwMAC)
	inB, outB := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	vipLinux := side{ap(vipAddr + ":443"), 64}

	answered := func(at time.Duration, src string, isn uint32) {
		c := fa.conn(client(src, 52), vipLinux, inA, outA, isn, isn+0x10000)
		c.handshake(at, 250*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	answered(0, "198.51.100.23:50100", 1100)
	c := fb.conn(client("198.51.100.24:50101", 52), vip(), inB, outB, 1200, 0)
	c.syn(200 * ms)
	c.syn(3200 * ms)
	c.syn(9200 * ms)
	b.expect(c, "unanswered", 3)
	answered(500*ms, "198.51.100.25:50102", 1300)
	p := fb.conn(client("100.100.110.5:40001", 63), windowsBackend("443"), inB, outB, 1400, 1500)
	p.handshake(1000*ms, 300*time.Microsecond)
	b.expect(p, "completed", 1)
	answered(1500*ms, "198.51.100.26:50103", 1600)
	c = fb.conn(client("198.51.100.27:50104", 52), vip(), inB, outB, 1700, 0)
	c.syn(2000 * ms)
	c.syn(5000 * ms)
	c.syn(11000 * ms)
	b.expect(c, "unanswered", 3)
	return b
}

// truncated is a capture whose copy stopped in the middle of a record.
func truncated() *builder {
	b := &builder{s: Scenario{
		Name:   "truncated",
		Causes: []string{"strong-host-receive"},
		Description: "Generated: a microsecond pcap cut in the middle of its last record, as an interrupted copy " +
			"leaves it. slbdiag must report the attempts before the damage and warn where it stopped.",
	}}
	f := b.file("truncated.pcap", truncatedPcap, "")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	c := f.conn(client("100.100.110.5:40001", 63), windowsBackend("443"), in, out, 211, 221)
	c.handshake(0, 300*time.Microsecond)
	b.expect(c, "completed", 1)
	c = f.conn(client("198.51.100.23:50200", 113), vip(), in, out, 231, 0)
	c.syn(100 * ms)
	c.syn(3100 * ms)
	b.expect(c, "unanswered", 2)
	// The SYN the copy cut in half: not an attempt anyone can see.
	c = f.conn(client("198.51.100.23:50201", 113), vip(), in, out, 241, 0)
	c.syn(3500 * ms)
	return b
}

// notACapture is a file a customer attaches instead of the capture.
func notACapture() *builder {
	b := &builder{s: Scenario{
		Name:        "not-a-capture",
		Description: "A text file where a capture was expected (the text output of 'pktmon format'): slbdiag must exit 2 with a clear message.",
	}}
	f := b.file("not-a-capture.txt", text, "")
	f.body = "[00]0000.0000::2026-03-02 10:00:00.100000000 [Microsoft-Windows-PktMon] PktGroupId 1, PktNumber 1, " +
		"Appearance 1, Direction Rx , Type Ethernet , Component 7, Edge 1, Filter 1, OriginalSize 66, LoggedSize 66\n" +
		"\t00-15-5D-01-02-01 > 00-15-5D-01-02-05, ethertype IPv4 (0x0800), length 66: 198.51.100.23.50001 > 192.0.2.10.443: " +
		"Flags [S], seq 439041101, win 64240, options [mss 1460,nop,nop,sackOK], length 0\n"
	return b
}
