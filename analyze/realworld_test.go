package analyze

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// timedFrame is a frame with its own timestamp and link type.
type timedFrame struct {
	at     time.Duration
	lt     layers.LinkType
	data   []byte
	length int // the frame's length on the wire when data was cut short; 0 if not
}

// timedSource replays frames with the timestamps and link types given,
// in the order given: as a damaged or odd file holds them.
type timedSource struct{ frames []timedFrame }

func (s *timedSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if len(s.frames) == 0 {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	f := s.frames[0]
	s.frames = s.frames[1:]
	length := max(f.length, len(f.data))
	return f.data, gopacket.CaptureInfo{Timestamp: t0.Add(f.at), CaptureLength: len(f.data), Length: length,
		AncillaryData: []any{f.lt}}, nil
}

func (s *timedSource) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// tcpFrame is an Ethernet frame of one TCP packet with valid checksums.
func tcpFrame(t *testing.T, p packet) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: p.Src.AsSlice(), DstIP: p.Dst.AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(p.Sport), DstPort: layers.TCPPort(p.Dport), Seq: p.Seq, Ack: p.Ack, Window: 64240,
		SYN: p.Flags&flagSYN != 0, ACK: p.Flags&flagACK != 0, RST: p.Flags&flagRST != 0, FIN: p.Flags&flagFIN != 0}
	if tcp.SYN {
		tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}, {OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			{OptionType: layers.TCPOptionKindNop, OptionLength: 1}}
	}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRealWorldShapes runs one completed handshake and one unanswered SYN
// through captures shaped as real tools and damage leave them: each must
// give the outcomes of the clean capture.
func TestRealWorldShapes(t *testing.T) {
	const isn, sisn, isn2 = 1000, 9000, 2000
	eth := layers.LinkTypeEthernet
	clean := func() []timedFrame {
		return []timedFrame{
			{0, eth, tcpFrame(t, synP(client, real, isn)), 0},
			{time.Millisecond, eth, tcpFrame(t, synAckP(real, client, isn, sisn)), 0},
			{2 * time.Millisecond, eth, tcpFrame(t, ackP(client, real, isn, sisn)), 0},
			{10 * time.Millisecond, eth, tcpFrame(t, synP(client, vip, isn2)), 0},
			{3 * time.Second, eth, tcpFrame(t, synP(client, vip, isn2)), 0},
		}
	}
	tests := []struct {
		name  string
		shape func([]timedFrame) []timedFrame
		warn  WarningKind
	}{
		{"clean", func(f []timedFrame) []timedFrame { return f }, ""},
		{"checksum offload: every packet the host sends has a bad TCP checksum", func(f []timedFrame) []timedFrame {
			f[1].data[14+20+16] ^= 0xff // the SYN-ACK's TCP checksum
			f[1].data[14+10] ^= 0xff    // and its IP header checksum
			return f
		}, ""},
		{"snaplen 54: TCP options cut off", func(f []timedFrame) []timedFrame {
			for i := range f {
				f[i].length = len(f[i].data)
				f[i].data = f[i].data[:min(54, len(f[i].data))]
			}
			return f
		}, WarnSnaplen},
		{"timestamps going backwards", func(f []timedFrame) []timedFrame {
			f[1].at, f[2].at = -time.Second, -2*time.Second
			return f
		}, ""},
		{"frames of an unknown link type among them", func(f []timedFrame) []timedFrame {
			return append(f[:3:3], append([]timedFrame{{5 * time.Millisecond, 147, []byte{1, 2, 3}, 0}}, f[3:]...)...)
		}, WarnLinkType},
		{"zero-length frames among them", func(f []timedFrame) []timedFrame {
			return append(f[:1:1], append([]timedFrame{{0, eth, nil, 0}}, f[1:]...)...)
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ports, _ := ParsePorts("443")
			src := &timedSource{frames: tt.shape(clean())}
			r, all := runAll(Config{Ports: ports}, []Input{{Name: "x", Source: src}})
			var got []string
			for _, a := range all {
				got = append(got, fmt.Sprintf("%v→%v %s ×%d", a.Client, a.Server, a.Outcome, a.Syns))
			}
			want := []string{"198.51.100.23:50000→10.0.0.5:443 completed ×1", "198.51.100.23:50000→192.0.2.10:443 unanswered ×2"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
			for _, a := range all {
				if a.RTT < 0 {
					t.Errorf("negative RTT %v for %v", a.RTT, a.Client)
				}
			}
			var kinds []WarningKind
			for _, w := range r.Warnings {
				kinds = append(kinds, w.Kind)
			}
			if tt.warn != "" && !slices.Contains(kinds, tt.warn) {
				t.Errorf("warnings %v lack %q", kinds, tt.warn)
			}
		})
	}
}

// ifaceSource is a capture whose pcapng interface blocks name addresses.
type ifaceSource struct {
	*timedSource
	addrs []netip.Addr
}

func (s ifaceSource) InterfaceAddrs() []netip.Addr { return s.addrs }

// TestInterfaceAddrsAreHostAddresses: an address the capture's interface
// block gives the host is the host's, even if it never sends; SYNs to it
// unanswered must not be taken for a VIP dropped by the host model.
func TestInterfaceAddrsAreHostAddresses(t *testing.T) {
	const isn = 1000
	frames := func() []timedFrame {
		return []timedFrame{
			{0, layers.LinkTypeEthernet, tcpFrame(t, synP(client, real, isn)), 0},
			{3 * time.Second, layers.LinkTypeEthernet, tcpFrame(t, synP(client, real, isn)), 0},
		}
	}
	ports, _ := ParsePorts("443")
	for _, tt := range []struct {
		name  string
		src   Source
		role  Role
		cause int
	}{
		{"no interface addresses: a silent destination looks like a VIP", &timedSource{frames: frames()}, RoleLikelyVIP, 1},
		{"the interface block names it: the host's own address", ifaceSource{&timedSource{frames: frames()}, []netip.Addr{real.Addr()}}, RoleHost, 0},
	} {
		r, _ := Run(context.Background(), Config{Ports: ports}, []Input{{Name: "x", Source: tt.src}})
		if len(r.Destinations) != 1 || r.Destinations[0].Role != tt.role || len(r.Findings) != tt.cause {
			t.Errorf("%s: destinations %+v, %d findings", tt.name, r.Destinations, len(r.Findings))
		}
	}
}

// dropSource is a live capture whose library dropped packets.
type dropSource struct {
	*timedSource
	dropped, received int
}

func (s dropSource) Drops() (int, int) { return s.dropped, s.received }

// TestDropWarning: what the capture library dropped (kernel or Npcap, and
// the interface, together) becomes a warning; no drops, no warning.
func TestDropWarning(t *testing.T) {
	ports, _ := ParsePorts("443")
	for _, tt := range []struct {
		dropped, received int
		want              []Warning
	}{
		{0, 10, nil},
		{4, 10, []Warning{{Kind: WarnDrops, File: 0, Count: 4, Received: 10}}},
	} {
		src := dropSource{&timedSource{frames: []timedFrame{{0, layers.LinkTypeEthernet, tcpFrame(t, synP(client, real, 1)), 0}}}, tt.dropped, tt.received}
		r, _ := Run(context.Background(), Config{Ports: ports}, []Input{{Name: "live", Source: src}})
		var got []Warning
		for _, w := range r.Warnings {
			if w.Kind == WarnDrops {
				got = append(got, w)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%d dropped: warnings (-want +got):\n%s", tt.dropped, diff)
		}
	}
}
