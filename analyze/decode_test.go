package analyze

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// synFrame is an Ethernet frame holding a SYN with the options Windows
// and Linux send, as a capture without a snaplen records it.
func synFrame(t testing.TB, v6 bool) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0x15, 0x5d, 1, 2, 1}, DstMAC: net.HardwareAddr{0, 0x15, 0x5d, 1, 2, 5}}
	tcp := &layers.TCP{SrcPort: 50001, DstPort: 443, Seq: 439041101, SYN: true, Window: 64240, Options: []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{8}},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
	}}
	var ip gopacket.SerializableLayer
	if v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 57, NextHeader: layers.IPProtocolTCP,
			SrcIP: net.ParseIP("2001:db8:1::23"), DstIP: net.ParseIP("2001:db8:10::10")}
		tcp.SetNetworkLayerForChecksum(ip6)
		ip = ip6
	} else {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip4 := &layers.IPv4{Version: 4, TTL: 113, Id: 0x1234, Protocol: layers.IPProtocolTCP,
			SrcIP: net.IP{198, 51, 100, 23}, DstIP: net.IP{192, 0, 2, 10}}
		tcp.SetNetworkLayerForChecksum(ip4)
		ip = ip4
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// handshakeFields is what the tracker needs of a SYN.
type handshakeFields struct {
	IP, TCP      bool
	Src, Dst     netip.Addr
	Sport, Dport uint16
	Seq, Ack     uint32
	Flags        uint8
	IPLen        uint16
}

// TestDecodeSmallSnaplen cuts a SYN where real capture tools do: a
// handshake must still be seen when the TCP options, or all but the first
// 14 bytes of the TCP header, are missing.
func TestDecodeSmallSnaplen(t *testing.T) {
	v4src, v4dst := netip.MustParseAddr("198.51.100.23"), netip.MustParseAddr("192.0.2.10")
	v6src, v6dst := netip.MustParseAddr("2001:db8:1::23"), netip.MustParseAddr("2001:db8:10::10")
	syn4 := handshakeFields{true, true, v4src, v4dst, 50001, 443, 439041101, 0, flagSYN, 20 + 32}
	syn6 := handshakeFields{true, true, v6src, v6dst, 50001, 443, 439041101, 0, flagSYN, 32}
	noTCP := func(h handshakeFields) handshakeFields {
		return handshakeFields{IP: true, Src: h.Src, Dst: h.Dst, IPLen: h.IPLen}
	}
	tests := []struct {
		name    string
		v6      bool
		snaplen int
		want    handshakeFields
	}{
		{"IPv4 whole", false, 1 << 16, syn4},
		{"IPv4 pktmon 128", false, 128, syn4},
		{"IPv4 tcpdump -s 96", false, 96, syn4},
		{"IPv4 tcpdump -s 68", false, 68, syn4},
		{"IPv4 -s 64: options cut", false, 64, syn4},
		{"IPv4 -s 54: the bare header", false, 54, syn4},
		{"IPv4 -s 48: 14 bytes of TCP", false, 48, syn4},
		{"IPv4 -s 47: flags cut off", false, 47, noTCP(syn4)},
		{"IPv6 tcpdump -s 68: 14 bytes of TCP", true, 68, syn6},
		{"IPv6 -s 96", true, 96, syn6},
		{"IPv6 -s 64: flags cut off", true, 64, noTCP(syn6)},
	}
	d := newDecoder()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame := synFrame(t, tt.v6)
			frame = frame[:min(tt.snaplen, len(frame))]
			var p packet
			ip := d.decode(layers.LinkTypeEthernet, frame, &p)
			got := handshakeFields{ip, p.IsTCP, p.Src, p.Dst, p.Sport, p.Dport, p.Seq, p.Ack, p.Flags, p.IPLen}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzDecode feeds arbitrary frames of every link type to the decoder
// alone: it must not panic, and what it reports must be consistent.
func FuzzDecode(f *testing.F) {
	f.Add(uint8(0), synFrame(f, false))
	f.Add(uint8(0), synFrame(f, true)[:68])
	addBundledFrames(f)
	for _, c := range encapCases(f) {
		f.Add(uint8(slices.Index(fuzzLinkTypes, c.lt)), c.data)
	}
	d := newDecoder()
	f.Fuzz(func(t *testing.T, lt uint8, data []byte) {
		var p packet
		ip := d.decode(fuzzLinkTypes[int(lt)%len(fuzzLinkTypes)], data, &p)
		if !ip && (p.IsTCP || p.IsICMPErr || p.Src.IsValid()) {
			t.Fatalf("no IP, yet decoded %+v", p)
		}
		if ip && !p.IsARP && (!p.Src.IsValid() || !p.Dst.IsValid()) {
			t.Fatalf("IP without addresses: %+v", p)
		}
		if p.IsARP && (!p.ARPIP.Is4() || p.IsTCP || p.Src.IsValid()) {
			t.Fatalf("an ARP claim mixed with IP: %+v", p)
		}
		if p.IsTCP && p.Flags&^(flagFIN|flagSYN|flagRST|flagACK) != 0 {
			t.Fatalf("flags %#x outside the ones tracked", p.Flags)
		}
	})
}

// TestChecksum checks SYN checksums both ways a frame is decoded: the fast
// path (Ethernet) and gopacket's layers (the same packet as raw IP).
func TestChecksum(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		frame := synFrame(t, v6)
		ipStart := 14
		tcpStart := ipStart + 20
		if v6 {
			tcpStart = ipStart + 40
		}
		bad := bytes.Clone(frame)
		bad[tcpStart+16] ^= 0xff // the checksum's first byte
		d := newDecoder()
		for _, tt := range []struct {
			name  string
			lt    layers.LinkType
			data  []byte
			wrong bool
		}{
			{"Ethernet, good", layers.LinkTypeEthernet, frame, false},
			{"Ethernet, bad", layers.LinkTypeEthernet, bad, true},
			{"raw IP, good", layers.LinkTypeRaw, frame[ipStart:], false},
			{"raw IP, bad", layers.LinkTypeRaw, bad[ipStart:], true},
		} {
			var p packet
			d.decode(tt.lt, tt.data, &p)
			if !p.SumChecked || p.SumBad != tt.wrong {
				t.Errorf("v6=%v %s: checked %v, bad %v; want bad %v", v6, tt.name, p.SumChecked, p.SumBad, tt.wrong)
			}
		}
		var p packet
		d.decode(layers.LinkTypeEthernet, frame[:len(frame)-4], &p) // cut short: cannot be checked
		if p.SumChecked {
			t.Errorf("v6=%v: a cut segment was checked", v6)
		}
	}
}
