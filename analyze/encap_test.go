package analyze

import (
	"encoding/binary"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

var (
	mirrorSrc  = net.IP{10, 1, 1, 1}
	mirrorDst  = net.IP{10, 9, 9, 9}
	mirrorSrc6 = net.ParseIP("2001:db8:99::1")
	outerMACs  = [2]net.HardwareAddr{{2, 0, 0, 0, 0x99, 1}, {2, 0, 0, 0, 0x99, 2}}
)

func ser(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// ethHdr is an Ethernet header of the outer network.
func ethHdr(etype uint16) []byte {
	return binary.BigEndian.AppendUint16(cat(outerMACs[1], outerMACs[0]), etype)
}

// outerIP is an Ethernet frame of an IPv4 packet from the mirror source.
func outerIP(t testing.TB, proto layers.IPProtocol, payload []byte) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: mirrorSrc, DstIP: mirrorDst}
	return cat(ethHdr(etherIPv4), ser(t, ip, gopacket.Payload(payload)))
}

// outerUDP is an Ethernet frame of a UDP datagram from the mirror source.
func outerUDP(t testing.TB, v6 bool, sport, dport uint16, payload []byte) []byte {
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: mirrorSrc6, DstIP: net.ParseIP("2001:db8:99::2")}
		udp.SetNetworkLayerForChecksum(ip)
		return cat(ethHdr(etherIPv6), ser(t, ip, udp, gopacket.Payload(payload)))
	}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: mirrorSrc, DstIP: mirrorDst}
	udp.SetNetworkLayerForChecksum(ip)
	return cat(ethHdr(etherIPv4), ser(t, ip, udp, gopacket.Payload(payload)))
}

// decoded is what a test compares of a decoded frame.
type decoded struct {
	IP, TCP, MAC, Fragment bool
	Src                    string
	Sport                  uint16
	Flags                  uint8
	Encap, Outer           string
}

func summarise(ip bool, p *packet) decoded {
	d := decoded{IP: ip, TCP: p.IsTCP, MAC: p.HasMAC, Fragment: p.Fragment, Encap: p.Encap.String()}
	if p.Src.IsValid() {
		d.Src = p.Src.String()
	}
	if p.Outer.IsValid() {
		d.Outer = p.Outer.String()
	}
	if p.IsTCP {
		d.Sport, d.Flags = p.Sport, p.Flags
	}
	if p.HasMAC && net.HardwareAddr(p.SrcMAC[:]).String() != "00:15:5d:01:02:01" {
		d.MAC = false // the outer MACs leaked through
	}
	return d
}

// encapCase is a frame of some link type and what decoding it must give.
type encapCase struct {
	name string
	lt   layers.LinkType
	data []byte
	want decoded
}

// encapCases wrap the SYN of synFrame in every encapsulation and link
// type slbdiag unwraps.
func encapCases(t testing.TB) []encapCase {
	eth4 := synFrame(t, false)
	ip4, ip6 := eth4[14:], synFrame(t, true)[14:]
	syn := func(encap, outer string, mac bool) decoded {
		return decoded{IP: true, TCP: true, MAC: mac, Src: "198.51.100.23", Sport: 50001, Flags: flagSYN, Encap: encap, Outer: outer}
	}
	syn6 := func(encap, outer string) decoded {
		d := syn(encap, outer, false)
		d.Src = "2001:db8:1::23"
		return d
	}
	vxlan := func(inner []byte) []byte { return cat([]byte{0x08, 0, 0, 0, 0, 0, 42, 0}, inner) }
	erspan2 := func(inner []byte) []byte {
		return outerIP(t, layers.IPProtocolGRE, cat([]byte{0x10, 0, 0x88, 0xBE, 0, 0, 0, 7}, []byte{0x10, 0x64, 0x00, 0x01, 0, 0, 0, 0}, inner))
	}
	tag := func(tpid uint16, vid uint16) []byte {
		return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, tpid), vid)
	}
	qinqPPPoE := cat(outerMACs[1], outerMACs[0], tag(0x88a8, 200), tag(0x8100, 100),
		[]byte{0x88, 0x64, 0x11, 0x00, 0x12, 0x34}, binary.BigEndian.AppendUint16(nil, uint16(len(ip4)+2)), []byte{0x00, 0x21}, ip4)
	deep := ip4
	for range maxNesting + 2 {
		deep = ser(t, &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolIPv4, SrcIP: mirrorSrc, DstIP: mirrorDst}, gopacket.Payload(deep))
	}
	return []encapCase{
		{"VXLAN", layers.LinkTypeEthernet, outerUDP(t, false, 54321, portVXLAN, vxlan(eth4)), syn("VXLAN", "10.1.1.1", true)},
		{"VXLAN Linux port, IPv6 outside", layers.LinkTypeEthernet, outerUDP(t, true, 54321, portVXLANLinux, vxlan(eth4)), syn("VXLAN", "2001:db8:99::1", true)},
		{"VXLAN without its I flag is not VXLAN", layers.LinkTypeEthernet, outerUDP(t, false, 54321, portVXLAN, cat([]byte{0, 0, 0, 0, 0, 0, 42, 0}, eth4)),
			decoded{IP: true, MAC: false, Src: "10.1.1.1"}},
		{"Geneve with options, Ethernet inside", layers.LinkTypeEthernet, outerUDP(t, false, 54321, portGeneve, cat([]byte{0x02, 0, 0x65, 0x58, 0, 0, 42, 0}, make([]byte, 8), eth4)), syn("Geneve", "10.1.1.1", true)},
		{"Geneve, IP inside", layers.LinkTypeEthernet, outerUDP(t, false, 54321, portGeneve, cat([]byte{0, 0, 0x08, 0x00, 0, 0, 42, 0}, ip4)), syn("Geneve", "10.1.1.1", false)},
		{"GRE with key, IP inside", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0x20, 0, 0x08, 0x00, 0, 0, 0, 9}, ip4)), syn("GRE", "10.1.1.1", false)},
		{"GRE, IPv6 inside", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0, 0, 0x86, 0xDD}, ip6)), syn6("GRE", "10.1.1.1")},
		{"gretap", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0, 0, 0x65, 0x58}, eth4)), syn("GRE", "10.1.1.1", true)},
		{"ERSPAN I", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0, 0, 0x88, 0xBE}, eth4)), syn("ERSPAN I", "10.1.1.1", true)},
		{"ERSPAN II", layers.LinkTypeEthernet, erspan2(eth4), syn("ERSPAN II", "10.1.1.1", true)},
		{"ERSPAN III with subheader", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0x10, 0, 0x22, 0xEB, 0, 0, 0, 7},
			[]byte{0x20, 0x64, 0x00, 0x01, 1, 2, 3, 4, 0, 0, 0, 1}, make([]byte, 8), eth4)), syn("ERSPAN III", "10.1.1.1", true)},
		{"ERSPAN III without", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolGRE, cat([]byte{0x10, 0, 0x22, 0xEB, 0, 0, 0, 7},
			[]byte{0x20, 0x64, 0x00, 0x01, 1, 2, 3, 4, 0, 0, 0, 0}, eth4)), syn("ERSPAN III", "10.1.1.1", true)},
		{"ERSPAN II of VXLAN: the outermost counts", layers.LinkTypeEthernet, erspan2(outerUDP(t, false, 1, portVXLAN, vxlan(eth4))), syn("ERSPAN II", "10.1.1.1", true)},
		{"GRE in UDP", layers.LinkTypeEthernet, outerUDP(t, false, 1, portGREinUDP, cat([]byte{0, 0, 0x08, 0x00}, ip4)), syn("GRE", "10.1.1.1", false)},
		{"IP in IP", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolIPv4, ip4), syn("IP-in-IP", "10.1.1.1", false)},
		{"6in4", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolIPv6, ip6), syn6("IP-in-IP", "10.1.1.1")},
		{"EtherIP", layers.LinkTypeEthernet, outerIP(t, layers.IPProtocolEtherIP, cat([]byte{0x30, 0}, eth4)), syn("EtherIP", "10.1.1.1", true)},
		{"MPLS, two labels", layers.LinkTypeEthernet, cat(ethHdr(etherMPLS), []byte{0, 1, 0, 64, 0, 2, 1, 64}, ip4), syn("MPLS", "", false)},
		{"MPLS pseudowire with control word", layers.LinkTypeEthernet, cat(ethHdr(etherMPLS), []byte{0, 2, 1, 64}, make([]byte, 4), eth4), syn("MPLS", "", true)},
		{"PPPoE over QinQ", layers.LinkTypeEthernet, qinqPPPoE, syn("PPPoE", "", false)},
		{"802.1ah PBB", layers.LinkTypeEthernet, cat(outerMACs[1], outerMACs[0], tag(0x88a8, 300), []byte{0x88, 0xE7, 0, 1, 0, 1}, eth4), syn("802.1ah PBB", "", true)},
		{"LLC/SNAP", layers.LinkTypeEthernet, cat(outerMACs[1], outerMACs[0], binary.BigEndian.AppendUint16(nil, uint16(8+len(ip4))),
			[]byte{0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00}, ip4), syn("LLC/SNAP", "", false)},
		{"GTP-U", layers.LinkTypeEthernet, outerUDP(t, false, portGTPU, portGTPU, cat([]byte{0x30, 0xFF, 0, byte(len(ip4)), 0, 0, 0, 5}, ip4)), syn("GTP-U", "10.1.1.1", false)},
		{"GTP-U with an extension header", layers.LinkTypeEthernet, outerUDP(t, false, portGTPU, portGTPU,
			cat([]byte{0x34, 0xFF, 0, byte(len(ip4) + 8), 0, 0, 0, 5, 0, 0, 0, 0x85, 1, 0x10, 0x01, 0}, ip4)), syn("GTP-U", "10.1.1.1", false)},
		{"Teredo with origin indication", layers.LinkTypeEthernet, outerUDP(t, false, portTeredo, 40000, cat([]byte{0, 0, 1, 2, 3, 4, 5, 6}, ip6)), syn6("Teredo", "10.1.1.1")},
		{"AYIYA", layers.LinkTypeEthernet, outerUDP(t, false, 40000, portAYIYA, cat([]byte{0x41, 0x52, 0x11, 41, 0, 0, 0, 0}, make([]byte, 16+20), ip6)), syn6("AYIYA", "10.1.1.1")},
		{"nested past the bound", layers.LinkTypeEthernet, cat(ethHdr(etherIPv4), deep), decoded{IP: true, Src: "10.1.1.1", Encap: "IP-in-IP", Outer: "10.1.1.1"}},
		{"plain UDP to the VXLAN port", layers.LinkTypeEthernet, outerUDP(t, false, 1, portVXLAN, []byte{1, 2}), decoded{IP: true, Src: "10.1.1.1"}},

		{"NFLOG", linkTypeNFLog, cat([]byte{2, 0, 0, 1}, []byte{8, 0, 1, 0, 0, 0, 0, 0}, binary.LittleEndian.AppendUint16(nil, uint16(4+len(ip4))), []byte{9, 0}, ip4), syn("", "", false)},
		{"NFLOG big-endian", linkTypeNFLog, cat([]byte{2, 0, 0, 1}, []byte{0, 6, 0, 1, 0, 0, 0, 0}, binary.BigEndian.AppendUint16(nil, uint16(4+len(ip4))), []byte{0, 9}, ip4), syn("", "", false)},
		{"IP over InfiniBand", linkTypeIPoIB, cat([]byte{0x08, 0x00, 0, 0}, ip4), syn("", "", false)},
		{"IP over InfiniBand, Wireshark's pseudo-header", linkTypeIPoIB, cat(make([]byte, 40), []byte{0x86, 0xDD, 0, 0}, ip6), syn6("", "")},
		{"IP over InfiniBand, Linux's pseudo-header", linkTypeIPoIB, cat(make([]byte, 20), []byte{0x08, 0x00, 0, 0}, ip4), syn("", "", false)},
		{"ARCNET Linux, RFC 1201", layers.LinkTypeARCNetLinux, cat([]byte{1, 2, 0, 0, arcnetIP1201, 0, 0, 1}, ip4), syn("", "", false)},
		{"ARCNET Linux, exception packet", layers.LinkTypeARCNetLinux, cat([]byte{1, 2, 0, 0, arcnetIP1201, 0xFF, 0, 0, arcnetIP1201, 0, 0, 1}, ip4), syn("", "", false)},
		{"ARCNET BSD, RFC 1051", layers.LinkTypeArcNet, cat([]byte{1, 2, arcnetIP1051}, ip4), syn("", "", false)},
		{"PPP", layers.LinkTypePPP, cat([]byte{0xFF, 0x03, 0x00, 0x21}, ip4), syn("", "", false)},
		{"PPP, IPv6, compressed protocol", layers.LinkTypePPP, cat([]byte{0x57}, ip6), decoded{IP: true, TCP: true, Src: "2001:db8:1::23", Sport: 50001, Flags: flagSYN}},
		{"PPPoE link type", layers.LinkTypePPPEthernet, cat([]byte{0x11, 0, 0, 1, 0, 0, 0x00, 0x21}, ip4), syn("", "", false)},
		{"Cisco HDLC", layers.LinkTypeC_HDLC, cat([]byte{0x0F, 0, 0x08, 0x00}, ip4), syn("", "", false)},
		{"ATM RFC 1483", layers.LinkTypeATM_RFC1483, cat([]byte{0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00}, ip4), syn("", "", false)},
		{"netANALYZER", linkTypeNetAnalyzer, cat([]byte{1, 2, 3, 4}, eth4), syn("", "", true)},
		{"OpenBSD enc", linkTypeEnc, cat(make([]byte, 12), ip4), syn("", "", false)},
	}
}

// TestDecodeEncapsulated: the SYN must come out of every encapsulation,
// the inner MACs with it when the inner packet has an Ethernet header and
// none when it has not, and the outermost encapsulation with the source
// address of its outer packet.
func TestDecodeEncapsulated(t *testing.T) {
	d := newDecoder()
	for _, tt := range encapCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			if !decode.Supported(tt.lt) {
				t.Fatalf("link type %v not supported", tt.lt)
			}
			var p packet
			ip := d.decode(tt.lt, tt.data, &p)
			if diff := cmp.Diff(tt.want, summarise(ip, &p)); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeFragments: a piece of a fragmented TCP datagram gives no TCP
// header, not even the first, which holds one, until its datagram is
// whole (decode's TestReassembly puts them together); later pieces' bytes
// are not a header; an IPv6 atomic fragment is a whole packet; the first
// piece of a tunnel's datagram gives the start of the packet inside.
func TestDecodeFragments(t *testing.T) {
	ip4 := synFrame(t, false)[14:]
	ip6 := synFrame(t, true)[14:]
	seg4, seg6 := ip4[20:], ip6[40:]
	frag4 := func(flags layers.IPv4Flag, off uint16, b []byte) []byte {
		ip := &layers.IPv4{Version: 4, TTL: 64, Id: 7, Flags: flags, FragOffset: off, Protocol: layers.IPProtocolTCP,
			SrcIP: net.IP{198, 51, 100, 23}, DstIP: net.IP{192, 0, 2, 10}}
		return ser(t, ip, gopacket.Payload(b))
	}
	frag6 := func(off uint16, more bool, b []byte) []byte {
		hdr := append([]byte{}, ip6[:40]...)
		hdr[6] = protoFragment
		fo := off << 3
		if more {
			fo |= 1
		}
		fh := binary.BigEndian.AppendUint16([]byte{protoTCP, 0}, fo)
		fh = append(fh, 0, 0, 0, 9)
		out := cat(hdr, fh, b)
		binary.BigEndian.PutUint16(out[4:6], uint16(len(out)-40))
		return out
	}
	// A tunnel's packet cut by its outer header's fragmentation: GRE and
	// the inner packet's first 44 bytes in the first piece.
	greFirst := func() []byte {
		pl := cat([]byte{0, 0, 0x08, 0x00}, ip4)[:48]
		ip := &layers.IPv4{Version: 4, TTL: 64, Id: 8, Flags: layers.IPv4MoreFragments, Protocol: layers.IPProtocolGRE,
			SrcIP: mirrorSrc, DstIP: mirrorDst}
		return ser(t, ip, gopacket.Payload(pl))
	}
	// A later piece whose bytes look like a TCP SYN header.
	lookalike := seg4
	piece := decoded{IP: true, Fragment: true, Src: "198.51.100.23"}
	piece6 := piece
	piece6.Src = "2001:db8:1::23"
	atomic := decoded{IP: true, TCP: true, Src: "2001:db8:1::23", Sport: 50001, Flags: flagSYN}
	tests := []struct {
		name string
		data []byte
		want decoded
	}{
		{"IPv4 first piece", frag4(layers.IPv4MoreFragments, 0, seg4), piece},
		{"IPv4 first piece, header only", frag4(layers.IPv4MoreFragments, 0, seg4[:24]), piece},
		{"IPv4 later piece", frag4(0, 3, lookalike), piece},
		{"IPv6 first piece", frag6(0, true, seg6), piece6},
		{"IPv6 atomic fragment", frag6(0, false, seg6), atomic},
		{"IPv6 later piece", frag6(3, false, seg6), piece6},
		{"GRE's first piece", greFirst(), decoded{IP: true, TCP: true, Fragment: true, Src: "198.51.100.23", Sport: 50001, Flags: flagSYN, Encap: "GRE", Outer: "10.1.1.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecoder()
			var p packet
			ip := d.decode(layers.LinkTypeRaw, tt.data, &p)
			if diff := cmp.Diff(tt.want, summarise(ip, &p)); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEncapsCounts: frames are counted per input, kind and outer source,
// in order of first appearance, and the number of sources is bounded.
func TestEncapsCounts(t *testing.T) {
	var e encaps
	a, b := netip.MustParseAddr("10.1.1.1"), netip.MustParseAddr("10.1.1.2")
	for _, p := range []packet{{Packet: decode.Packet{Encap: decode.EncapERSPAN2, Outer: a}}, {}, {Packet: decode.Packet{Encap: decode.EncapVXLAN, Outer: b}}, {Packet: decode.Packet{Encap: decode.EncapERSPAN2, Outer: a, HasMAC: true}}} {
		e.note(0, &p)
	}
	p := packet{Packet: decode.Packet{Encap: decode.EncapMPLS}}
	e.note(1, &p)
	want := []Encapsulation{
		{File: 0, Kind: "ERSPAN II", Outer: a, Mirror: true, Frames: 2, InnerEthernet: true},
		{File: 0, Kind: "VXLAN", Outer: b, Frames: 1},
		{File: 1, Kind: "MPLS", Frames: 1},
	}
	if diff := cmp.Diff(want, e.list(), cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	var many encaps
	for i := range maxEncapSources + 10 {
		p := packet{Packet: decode.Packet{Encap: decode.EncapVXLAN, Outer: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})}}
		many.note(0, &p)
	}
	l := many.list()
	if len(l) != maxEncapSources+1 || l[len(l)-1].Outer.IsValid() || l[len(l)-1].Frames != 10 {
		t.Errorf("past the bound: %d entries, last %+v", len(l), l[len(l)-1])
	}
}

// TestLinkTypeNames: every link type slbdiag decodes has a name in the
// report, and one it does not decode is not supported.
func TestLinkTypeNames(t *testing.T) {
	for lt := range layers.LinkType(300) {
		if decode.Supported(lt) && decode.LinkTypeName(lt) == "UnknownLinkType" {
			t.Errorf("link type %d is decoded but has no name", lt)
		}
	}
	if decode.Supported(147) { // LINKTYPE_USER0: private, nothing to read
		t.Error("LINKTYPE_USER0 supported")
	}
}
