package capture

import (
	"bytes"
	"net"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// TestRedactTunnels: a packet inside a tunnel or a mirror session,
// redacted, must be byte for byte the one gopacket builds with the
// stand-ins at every depth, every checksum computed from scratch: the
// inner TCP's, the outer UDP's of VXLAN, GRE's own, an ICMP error's
// around the packet it quotes.
func TestRedactTunnels(t *testing.T) {
	outerSrc, outerDst := net.IP{172, 16, 0, 1}, net.IP{172, 16, 0, 2}
	hello := "\x16\x03\x01 ClientHello for shop.example.com, please"
	// inner is a TCP segment from client to the VIP, with its own
	// Ethernet header when eth is set.
	inner := func(t *testing.T, client string, withEth bool) []byte {
		ls := []gopacket.SerializableLayer{
			&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: ip(parse(client)), DstIP: ip(vip4)},
			&layers.TCP{SrcPort: 50000, DstPort: 443, Seq: 1000, ACK: true, PSH: true, Window: 512},
			gopacket.Payload(hello)}
		if client == standV4.String() {
			ls[2] = gopacket.Payload(bytes.Replace([]byte(hello), []byte("shop.example.com"), []byte("name-1xx.invalid"), 1))
		}
		if withEth {
			ls = append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4)}, ls...)
		}
		return build(t, ls...)
	}
	udpTunnel := func(t *testing.T, dport layers.UDPPort, noSum bool, l gopacket.SerializableLayer, payload []byte) []byte {
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: outerSrc, DstIP: outerDst}
		b := build(t, eth(layers.EthernetTypeIPv4), ip4, &layers.UDP{SrcPort: 49152, DstPort: dport}, l, gopacket.Payload(payload))
		if noSum {
			b[14+20+6], b[14+20+7] = 0, 0
		}
		return b
	}
	vxlan := func(client string, noSum bool) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return udpTunnel(t, 4789, noSum, &layers.VXLAN{ValidIDFlag: true, VNI: 42}, inner(t, client, true))
		}
	}
	gre := func(client string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4),
				&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolGRE, SrcIP: outerSrc, DstIP: outerDst},
				&layers.GRE{ChecksumPresent: true, Protocol: layers.EthernetTypeIPv4}, gopacket.Payload(inner(t, client, false)))
		}
	}
	greICMP := func(client string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			quoted := inner(t, client, false)[:28]
			icmp := build(t, &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.IP{10, 0, 0, 1}, DstIP: ip(parse(client))},
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 1)}, gopacket.Payload(quoted))
			return build(t, eth(layers.EthernetTypeIPv4),
				&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolGRE, SrcIP: outerSrc, DstIP: outerDst},
				&layers.GRE{ChecksumPresent: true, Protocol: layers.EthernetTypeIPv4}, gopacket.Payload(icmp))
		}
	}
	erspan := func(client string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4),
				&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolGRE, SrcIP: outerSrc, DstIP: outerDst},
				&layers.GRE{SeqPresent: true, Seq: 7, Protocol: layers.EthernetTypeERSPAN},
				&layers.ERSPANII{Version: 1, VLANIdentifier: 100, SessionID: 1}, gopacket.Payload(inner(t, client, true)))
		}
	}
	ipv6Outer := func(client string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: ip(realV6), DstIP: ip(vip6)}
			return build(t, eth(layers.EthernetTypeIPv6), ip6, &layers.UDP{SrcPort: 49152, DstPort: 4789},
				&layers.VXLAN{ValidIDFlag: true, VNI: 42}, gopacket.Payload(inner(t, client, true)))
		}
	}
	ipv6OuterWant := func(t *testing.T) []byte {
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: ip(standV6), DstIP: ip(vip6)}
		return build(t, eth(layers.EthernetTypeIPv6), ip6, &layers.UDP{SrcPort: 49152, DstPort: 4789},
			&layers.VXLAN{ValidIDFlag: true, VNI: 42}, gopacket.Payload(inner(t, standV4.String(), true)))
	}
	r, s := realV4.String(), standV4.String()
	for _, tt := range []struct {
		name       string
		real, want func(t *testing.T) []byte
	}{
		{"VXLAN with a ClientHello, outer UDP checksum", vxlan(r, false), vxlan(s, false)},
		{"VXLAN without an outer UDP checksum: zero stays zero", vxlan(r, true), vxlan(s, true)},
		{"GRE with its checksum", gre(r), gre(s)},
		{"an ICMP error inside GRE quoting the client's segment", greICMP(r), greICMP(s)},
		{"ERSPAN II", erspan(r), erspan(s)},
		{"VXLAN over IPv6, both depths hidden", ipv6Outer(r), ipv6OuterWant},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.real(t), tt.want(t)
			testRedaction.redact(decode.New(), layers.LinkTypeEthernet, got)
			if !bytes.Equal(got, want) {
				t.Errorf("redacted\n% x\nwant\n% x", got, want)
			}
		})
	}
}

func parse(s string) netip.Addr { return netip.MustParseAddr(s) }
