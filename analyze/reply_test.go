package analyze

import (
	"context"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// wire is a capture held in memory: Ethernet frames serialized by
// gopacket, 100 ms apart (more than copies of one packet are), read through Run as a file would be.
type wire struct {
	frames [][]byte
	next   int
}

func (w *wire) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

func (w *wire) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if w.next == len(w.frames) {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	b := w.frames[w.next]
	w.next++
	ts := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC).Add(time.Duration(w.next) * 100 * time.Millisecond)
	return b, gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(b), Length: len(b)}, nil
}

// seg is one TCP segment of a wire test.
type seg struct {
	src, dst   netip.AddrPort
	syn, ack   bool
	seq, acked uint32
}

func (w *wire) add(t *testing.T, s seg) {
	t.Helper()
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: s.src.Addr().AsSlice(), DstIP: s.dst.Addr().AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(s.src.Port()), DstPort: layers.TCPPort(s.dst.Port()),
		SYN: s.syn, ACK: s.ack, Seq: s.seq, Ack: s.acked, Window: 64240}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
		t.Fatal(err)
	}
	w.frames = append(w.frames, buf.Bytes())
}

// replyOutcome is what a reply test compares of an attempt.
type replyOutcome struct {
	Server   netip.AddrPort
	Outcome  string
	Syns     int
	Reply    int
	ReplySrc netip.Addr
}

// A SYN-ACK answers the attempt sent to its source, when one with the
// same client port and ISN was (a capture holding a connection before
// and after a load balancer's NAT); only when none was is it a reply
// from the wrong source, to the newest attempt not yet answered.
func TestRepliesMatchTheirDestination(t *testing.T) {
	const isn, sisn = 1000, 9000
	c := netip.MustParseAddrPort("198.51.100.7:40000")
	vip := netip.MustParseAddrPort("192.0.2.10:443")
	be := netip.MustParseAddrPort("10.2.0.2:443")
	host := netip.MustParseAddrPort("10.2.0.9:443")
	syn := func(to netip.AddrPort) seg { return seg{src: c, dst: to, syn: true, seq: isn} }
	synAck := func(from netip.AddrPort) seg {
		return seg{src: from, dst: c, syn: true, ack: true, seq: sisn, acked: isn + 1}
	}
	ack := func(to netip.AddrPort) seg { return seg{src: c, dst: to, ack: true, seq: isn + 1, acked: sisn + 1} }
	tests := []struct {
		name string
		segs []seg
		want []replyOutcome
	}{
		{"both sides of a NAT", []seg{syn(vip), syn(be), synAck(be), synAck(vip), ack(vip), ack(be)},
			[]replyOutcome{{vip, "completed", 1, 4, vip.Addr()}, {be, "completed", 1, 3, be.Addr()}}},
		{"the VIP's reply first", []seg{syn(vip), syn(be), synAck(vip), synAck(be), ack(vip), ack(be)},
			[]replyOutcome{{vip, "completed", 1, 3, vip.Addr()}, {be, "completed", 1, 4, be.Addr()}}},
		{"the backend's side first", []seg{syn(be), syn(vip), synAck(be), synAck(vip), ack(be), ack(vip)},
			[]replyOutcome{{be, "completed", 1, 3, be.Addr()}, {vip, "completed", 1, 4, vip.Addr()}}},
		{"a retransmission to the VIP after the NAT'd SYN", []seg{syn(vip), syn(be), syn(vip), synAck(be), synAck(vip), ack(vip), ack(be)},
			[]replyOutcome{{vip, "completed", 2, 5, vip.Addr()}, {be, "completed", 1, 4, be.Addr()}}},
		{"wrong source, one attempt", []seg{syn(vip), synAck(host)},
			[]replyOutcome{{vip, "wrong-source", 1, 2, host.Addr()}}},
		{"wrong source beside an answered NAT'd attempt", []seg{syn(vip), syn(be), synAck(be), synAck(host), ack(be)},
			[]replyOutcome{{vip, "wrong-source", 1, 4, host.Addr()}, {be, "completed", 1, 3, be.Addr()}}},
		{"the destination's reply after a wrong-source one", []seg{syn(vip), synAck(host), synAck(vip), ack(vip)},
			[]replyOutcome{{vip, "completed", 1, 3, vip.Addr()}}},
	}
	ports, _ := ParsePorts("443")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &wire{}
			for _, s := range tt.segs {
				w.add(t, s)
			}
			var got []replyOutcome
			cfg := Config{Ports: ports, OnAttempt: func(a *Attempt) error {
				got = append(got, replyOutcome{a.Server, a.Outcome.String(), a.Syns, a.Reply.Frame, a.ReplySrc})
				return nil
			}}
			if _, err := Run(context.Background(), cfg, []Input{{Name: "wire", Source: w}}); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y }),
				cmp.Comparer(func(x, y netip.AddrPort) bool { return x == y })); d != "" {
				t.Errorf("attempts (-want +got):\n%s", d)
			}
		})
	}
}
