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

// Redaction is checked against gopacket: a packet built with the real
// addresses and redacted must be byte for byte the packet gopacket builds
// with the stand-ins, checksums computed from scratch.
var (
	realV4, standV4 = netip.MustParseAddr("203.0.113.77"), netip.MustParseAddr("198.18.0.1")
	realV6, standV6 = netip.MustParseAddr("2001:db8:77::1"), netip.MustParseAddr("100::1")
	vip4, vip6      = netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("2001:db8::10")
	testRedaction   = Redaction{
		Addrs: map[netip.Addr]netip.Addr{realV4: standV4, realV6: standV6},
		Names: map[string]string{"shop.example.com": "name-1xx.invalid"},
	}
)

func ip(a netip.Addr) net.IP { return net.IP(a.AsSlice()) }

func build(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	for _, l := range ls {
		if nl, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			for _, n := range ls {
				if n, ok := n.(gopacket.NetworkLayer); ok {
					nl.SetNetworkLayerForChecksum(n)
					break
				}
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes())
}

var (
	mac1 = net.HardwareAddr{0, 1, 2, 3, 4, 5}
	mac2 = net.HardwareAddr{0, 1, 2, 3, 4, 6}
)

func eth(typ layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: typ}
}

func tcp4(src, dst netip.Addr, payload string) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4),
		&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: ip(src), DstIP: ip(dst)},
		&layers.TCP{SrcPort: 50000, DstPort: 443, Seq: 1000, ACK: true, PSH: true, Window: 512},
		gopacket.Payload(payload)}
}

func tcp6(src, dst netip.Addr, payload string) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6),
		&layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: ip(src), DstIP: ip(dst)},
		&layers.TCP{SrcPort: 50000, DstPort: 443, Seq: 1000, SYN: true, Window: 512},
		gopacket.Payload(payload)}
}

// quote is the start of a packet as an ICMP error quotes it.
func quote(t *testing.T, ls []gopacket.SerializableLayer, n int) gopacket.Payload {
	return gopacket.Payload(build(t, ls[1:]...)[:n])
}

func TestRedactPackets(t *testing.T) {
	router4, router6 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8:ff::1")
	tests := []struct {
		name       string
		real, want func(t *testing.T) []byte
	}{{
		name: "IPv4 TCP, SNI at an odd offset",
		real: func(t *testing.T) []byte { return build(t, tcp4(realV4, vip4, "x\x00shop.example.com")...) },
		want: func(t *testing.T) []byte { return build(t, tcp4(standV4, vip4, "x\x00name-1xx.invalid")...) },
	}, {
		name: "IPv4 TCP, the client as destination, the name in capitals",
		real: func(t *testing.T) []byte { return build(t, tcp4(vip4, realV4, "SHOP.Example.com")...) },
		want: func(t *testing.T) []byte { return build(t, tcp4(vip4, standV4, "name-1xx.invalid")...) },
	}, {
		name: "IPv6 TCP",
		real: func(t *testing.T) []byte { return build(t, tcp6(realV6, vip6, "")...) },
		want: func(t *testing.T) []byte { return build(t, tcp6(standV6, vip6, "")...) },
	}, {
		name: "ICMP error quoting a SYN",
		real: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4),
				&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: ip(router4), DstIP: ip(realV4)},
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 1)}, quote(t, tcp4(realV4, vip4, ""), 28))
		},
		want: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4),
				&layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: ip(router4), DstIP: ip(standV4)},
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 1)}, quote(t, tcp4(standV4, vip4, ""), 28))
		},
	}, {
		name: "ICMPv6 error quoting a whole SYN",
		real: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv6),
				&layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip(router6), DstIP: ip(realV6)},
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 3)}, gopacket.Payload{0, 0, 0, 0}, quote(t, tcp6(realV6, vip6, ""), 60))
		},
		want: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv6),
				&layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip(router6), DstIP: ip(standV6)},
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 3)}, gopacket.Payload{0, 0, 0, 0}, quote(t, tcp6(standV6, vip6, ""), 60))
		},
	}, {
		name: "neighbour solicitation for the client",
		real: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv6),
				&layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip(vip6), DstIP: ip(realV6)},
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(135, 0)}, &layers.ICMPv6NeighborSolicitation{TargetAddress: ip(realV6)})
		},
		want: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv6),
				&layers.IPv6{Version: 6, HopLimit: 255, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip(vip6), DstIP: ip(standV6)},
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(135, 0)}, &layers.ICMPv6NeighborSolicitation{TargetAddress: ip(standV6)})
		},
	}, {
		name: "ARP request from the client",
		real: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
				HwAddressSize: 6, ProtAddressSize: 4, Operation: 1, SourceHwAddress: mac1, SourceProtAddress: ip(realV4), DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: ip(vip4)})
		},
		want: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
				HwAddressSize: 6, ProtAddressSize: 4, Operation: 1, SourceHwAddress: mac1, SourceProtAddress: ip(standV4), DstHwAddress: make(net.HardwareAddr, 6), DstProtAddress: ip(vip4)})
		},
	}, {
		name: "UDP over IPv4",
		real: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4), &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip(realV4), DstIP: ip(vip4)},
				&layers.UDP{SrcPort: 5353, DstPort: 53}, gopacket.Payload("abc"))
		},
		want: func(t *testing.T) []byte {
			return build(t, eth(layers.EthernetTypeIPv4), &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip(standV4), DstIP: ip(vip4)},
				&layers.UDP{SrcPort: 5353, DstPort: 53}, gopacket.Payload("abc"))
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.real(t), tt.want(t)
			testRedaction.redact(decode.New(), layers.LinkTypeEthernet, got)
			if !bytes.Equal(got, want) {
				t.Errorf("redacted\n% x\nwant\n% x", got, want)
			}
		})
	}
}

// TestRedactKeepsBadChecksums: a checksum that offload left wrong stays
// wrong by the same amount, so the analysis of the evidence still sees
// offload.
func TestRedactKeepsBadChecksums(t *testing.T) {
	real, want := build(t, tcp4(realV4, vip4, "")...), build(t, tcp4(standV4, vip4, "")...)
	const ck = 14 + 20 + 16
	for _, b := range [][]byte{real, want} {
		c := fold(uint32(be16(b, ck)) + 0x1234) // off by the same, in one's complement
		b[ck], b[ck+1] = byte(c>>8), byte(c)
	}
	testRedaction.redact(decode.New(), layers.LinkTypeEthernet, real)
	if !bytes.Equal(real, want) {
		t.Errorf("redacted\n% x\nwant\n% x", real, want)
	}
}

// TestRedactCutFrames redacts frames cut at every length without reading
// past their end.
func TestRedactCutFrames(t *testing.T) {
	full := build(t, eth(layers.EthernetTypeIPv6),
		&layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolICMPv6, SrcIP: ip(vip6), DstIP: ip(realV6)},
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(1, 3)}, gopacket.Payload{0, 0, 0, 0}, quote(t, tcp6(realV6, vip6, "shop.example.com"), 76))
	for n := range len(full) {
		testRedaction.redact(decode.New(), layers.LinkTypeEthernet, bytes.Clone(full[:n]))
	}
}
