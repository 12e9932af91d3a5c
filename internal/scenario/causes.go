package scenario

import (
	"fmt"
	"net/netip"
	"time"
)

// tlsBinding is the IIS case where the VIP is reachable but HTTP.sys has
// no certificate for one of the names asked.
func tlsBinding() *builder {
	b := &builder{s: Scenario{
		Name: "tls-binding", VIP: vipAddr,
		Causes: []string{"tls-binding-missing"},
		Description: "Generated: a Windows backend with the VIP on its loopback adapter. Every handshake to 192.0.2.10:443 " +
			"completes; the ClientHellos for shop.example.com are answered by RST at once (no certificate bound for that " +
			"name in HTTP.sys), those for www.example.com get a ServerHello.",
	}}
	f := b.file("tls-binding.pcapng", pcapng, "Generated: ClientHellos answered by RST")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	for i, sni := range []string{"shop.example.com", "www.example.com", "shop.example.com", "shop.example.com", "www.example.com"} {
		at := time.Duration(i) * 700 * ms
		c := f.conn(client(fmt.Sprintf("198.51.100.%d:%d", 3+i, 51000+i), 113), vip(), in, out, 0x3000+uint32(i)*0x100, 0x9000+uint32(i)*0x100)
		c.open(at, 400*time.Microsecond)
		n := len(clientHello(sni))
		c.hello(at+time.Millisecond, sni)
		if sni == "www.example.com" {
			c.serverHello(at+2*time.Millisecond, n)
		} else {
			c.closeAfterHello(at+1300*time.Microsecond, n)
		}
		b.expect(c, "completed", 1)
	}
	return b
}

// vipARP is a backend whose VIP leaks to the LAN: it answers ARP for it.
func vipARP() *builder {
	b := &builder{s: Scenario{
		Name: "vip-arp", VIP: vipAddr,
		Causes: []string{"vip-answers-arp"},
		Description: "Generated: a backend that has the VIP on an interface that answers ARP: it announces 192.0.2.10 " +
			"(gratuitous ARP) and answers the gateway's ARP request for it, so the gateway sends the VIP's traffic " +
			"straight to this backend, past the load balancer. Handshakes to the VIP complete here.",
	}}
	f := b.file("vip-arp.pcap", pcapMicro, "")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	broadcast := mac("ff:ff:ff:ff:ff:ff")
	v := netip.MustParseAddr(vipAddr)
	f.add(0, ether(backendMAC, broadcast), arpReply(backendMAC, v, broadcast, v, true))
	f.add(500*ms, out, arpReply(backendMAC, v, gwMAC, netip.MustParseAddr("10.0.0.1"), false))
	for i := range 3 {
		at := time.Second + time.Duration(i)*300*ms
		c := f.conn(client(fmt.Sprintf("198.51.100.23:%d", 52000+i), 113), vip(), in, out, 0x4000+uint32(i), 0xa000+uint32(i))
		c.handshake(at, 300*time.Microsecond)
		b.expect(c, "completed", 1)
	}
	return b
}

// probesPass is the shape "probes pass, clients fail": a host firewall or
// security group that admits only the load balancer's probe range.
func probesPass() *builder {
	b := &builder{s: Scenario{
		Name: "probes-pass",
		Description: "Generated: a backend behind a load balancer that forwards to the backend's own address (not DSR). " +
			"Azure's health probe (168.63.129.16) completes its handshakes to 10.0.0.5:443; the clients' SYNs to the same " +
			"address are retransmitted and never answered: something admits the probes only.",
		Causes: []string{"client-traffic-filtered"},
	}}
	f := b.file("probes-pass.pcap", pcapMicro, "")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	for i := range 3 {
		at := time.Duration(i) * 5 * s
		p := f.conn(client(fmt.Sprintf("168.63.129.16:%d", 40000+i), 128), windowsBackend("443"), in, out, 0x5000+uint32(i), 0xb000+uint32(i))
		p.handshake(at, 300*time.Microsecond)
		b.expect(p, "completed", 1)
		c := f.conn(client(fmt.Sprintf("198.51.100.%d:%d", 30+i, 53000+i), 113), windowsBackend("443"), in, out, 0x6000+uint32(i), 0)
		c.syn(at + time.Second)
		c.syn(at + 4*s)
		b.expect(c, "unanswered", 2)
	}
	return b
}

// noVIPTraffic is a backend the load balancer sends nothing to.
func noVIPTraffic() *builder {
	b := &builder{s: Scenario{
		Name: "no-vip-traffic", VIP: vipAddr,
		Description: "Generated: a capture on a backend of the VIP 192.0.2.10 that shows health probes to the backend's " +
			"own address 10.0.0.5:443 completing and not one SYN to the VIP: the load balancer does not send the VIP's " +
			"traffic to this backend.",
		Causes: []string{"no-traffic-to-vip"},
	}}
	f := b.file("no-vip-traffic.pcap", pcapMicro, "")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	for i := range 3 {
		p := f.conn(client(fmt.Sprintf("100.100.110.5:%d", 41000+i), 63), windowsBackend("443"), in, out, 0x7000+uint32(i), 0xc000+uint32(i))
		p.handshake(time.Duration(i)*5*s, 300*time.Microsecond)
		b.expect(p, "completed", 1)
	}
	return b
}

// ownAddressDropped must not be blamed on the host model: the SYNs go to
// the host's own address, which answers other traffic.
func ownAddressDropped() *builder {
	b := &builder{s: Scenario{
		Name: "own-address-dropped", VIP: vipAddr,
		Description: "Generated, a negative case: clients' SYNs to the backend's own address 10.0.0.5:443 are retransmitted " +
			"and never answered, while the backend answers on another port. The host model decides by destination " +
			"address and 10.0.0.5 is the host's own, so slbdiag must not offer a host-model cause.",
		Causes: []string{},
	}}
	f := b.file("own-address-dropped.pcap", pcapMicro, "")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	ssh := f.conn(client("198.51.100.9:55000", 113), windowsBackend("22"), in, out, 0x8000, 0xd000)
	ssh.handshake(0, 300*time.Microsecond)
	for i := range 2 {
		c := f.conn(client(fmt.Sprintf("198.51.100.%d:%d", 40+i, 54000+i), 113), windowsBackend("443"), in, out, 0x9000+uint32(i), 0)
		c.syn(time.Duration(i)*s + 500*ms)
		c.syn(time.Duration(i)*s + 3500*ms)
		b.expect(c, "unanswered", 2)
	}
	return b
}

// twoSides is one set of connections captured at both ends: on the client
// and on the backend, whose clock runs 2.5 s ahead.
func twoSides() *builder {
	b := &builder{s: Scenario{
		Name: "two-sides", VIP: vipAddr,
		Description: "Generated: the same connections captured on the client (two-sides-client.pcap, SYNs with TTL 64) " +
			"and on the backend (two-sides-backend.pcapng, SYNs with TTL 57 after the routers, clock 2.5 s ahead). " +
			"One handshake completes; one client's SYNs never reach the backend (lost between the two capture " +
			"points); one backend's SYN-ACKs never reach the client (lost on the way back). slbdiag must match " +
			"them by 4-tuple and ISN, count each transmission once, estimate the clock offset and name both hops.",
		Causes: []string{"return-path-lost", "partial-loss"},
	}}
	fc := b.file("two-sides-client.pcap", pcapMicro, "")
	fb := b.file("two-sides-backend.pcapng", pcapng, "Generated: the backend's side of two-sides-client.pcap")
	clientMAC, routerMAC := mac("02:00:00:00:00:17"), mac("02:00:00:00:00:18")
	cOut, cIn := ether(clientMAC, routerMAC), ether(routerMAC, clientMAC)
	bIn, bOut := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	const skew, transit = 2500 * ms, 20 * ms
	srv := side{ap(vipAddr + ":443"), 64}
	pair := func(port string, isn, sisn uint32) (*conn, *conn) {
		c := fc.conn(client("198.51.100.23:"+port, 64), side{srv.addr, 57}, cOut, cIn, isn, sisn)
		s := fb.conn(client("198.51.100.23:"+port, 57), srv, bIn, bOut, isn, sisn)
		return c, s
	}
	at := func(t time.Duration) time.Duration { return t + skew + transit } // client time → backend clock

	c, s := pair("50300", 0x11000, 0x21000)
	c.syn(0)
	s.syn(at(0))
	s.synAck(at(0) + time.Millisecond)
	c.synAck(2*transit + time.Millisecond)
	c.ack(2*transit + 2*time.Millisecond)
	s.ack(at(2*transit + 2*time.Millisecond))
	b.expect(c, "completed", 1)

	c, _ = pair("50301", 0x12000, 0)
	for _, t := range []time.Duration{500 * ms, 1500 * ms, 3500 * ms} {
		c.syn(t) // dropped on the way: the backend never sees them
	}
	b.expect(c, "unanswered", 3)

	c, s = pair("50302", 0x13000, 0x23000)
	for _, t := range []time.Duration{800 * ms, 1800 * ms, 3800 * ms} {
		c.syn(t)
		s.syn(at(t))
		s.synAck(at(t) + time.Millisecond) // lost on the way back
	}
	b.expect(c, "synack-no-ack", 3)
	return b
}

// hostileSNI is the TLS binding case as an attacker on the Internet shapes
// it: server names that are shell commands and terminal escapes, and one
// crafted SYN to a client's address, meant to make that client look like
// a server so that --redact leaves it alone.
func hostileSNI() *builder {
	b := &builder{s: Scenario{
		Name: "hostile-sni", VIP: vipAddr,
		// Replayed without --vip, the crafted SYN makes the client's
		// address look like a second VIP whose SYNs go unanswered, and
		// adds a strong-host-receive finding for it.
		Causes: []string{"tls-binding-missing", "tls-binding-missing"},
		Description: "Generated: the tls-binding case with hostile clients. Every handshake to 192.0.2.10:443 completes and " +
			"the server resets each ClientHello at once; the names asked are `a.com;calc;#&calc&rem`, one with an " +
			"ESC ] 0 ; … BEL window-title sequence, one with a $(…) and quotes, and shop.example.com from an IPv6 client " +
			"to [2001:db8::10]:443. One client (198.51.100.41) also sends a single SYN to another client's address " +
			"(198.51.100.40:443), never answered. Slbdiag must put none of these names into a command, escape them " +
			"everywhere, and redact both clients' addresses.",
	}}
	f := b.file("hostile-sni.pcapng", pcapng, "Generated: hostile server names and a crafted SYN to a client")
	in, out := ether(gwMAC, backendMAC), ether(backendMAC, gwMAC)
	vip6 := side{ap("[2001:db8::10]:443"), 128}
	for i, x := range []struct {
		client string
		server side
		sni    string
	}{
		{"198.51.100.40:52000", vip(), "a.com;calc;#&calc&rem"},
		{"198.51.100.41:52001", vip(), "evil\x1b]0;pwned\x07.example.com"},
		{"198.51.100.42:52002", vip(), "x.com\" & calc & \"$(calc)'`"},
		{"[2001:db8:1::40]:52003", vip6, "shop.example.com"},
	} {
		at := time.Duration(i) * 700 * ms
		c := f.conn(client(x.client, 113), x.server, in, out, 0x5000+uint32(i)*0x100, 0xa000+uint32(i)*0x100)
		c.open(at, 400*time.Microsecond)
		n := len(clientHello(x.sni))
		c.hello(at+time.Millisecond, x.sni)
		c.closeAfterHello(at+1300*time.Microsecond, n)
		b.expect(c, "completed", 1)
	}
	c := f.conn(client("198.51.100.41:52010", 113), client("198.51.100.40:443", 113), in, out, 0x6000, 0)
	c.syn(3 * s)
	b.expect(c, "unanswered", 1)
	c = f.conn(client("198.51.100.43:52011", 113), vip(), in, out, 0x6100, 0x6200)
	c.open(6*s, 400*time.Microsecond)
	b.expect(c, "completed", 1)
	return b
}
