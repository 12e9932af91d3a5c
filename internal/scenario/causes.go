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
