package analyze

import (
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestMalformedTCP: a TCP header with a data offset under 5, or SYN with
// RST, is no attempt; a warning counts them and names the first frame.
func TestMalformedTCP(t *testing.T) {
	frame := func(sport uint16, flags uint8, doff uint8) []byte {
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP{198, 51, 100, 23}, DstIP: net.IP{192, 0, 2, 10}}
		tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: 443, Seq: 1000, Window: 64240,
			SYN: flags&flagSYN != 0, RST: flags&flagRST != 0, ACK: flags&flagACK != 0}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if doff != 5 {
			b[14+20+12] = doff << 4
		}
		return b
	}
	tests := []struct {
		name     string
		frames   [][]byte
		attempts int
		warn     *Warning
	}{
		{"a SYN", [][]byte{frame(50000, flagSYN, 5)}, 1, nil},
		{"SYN with RST", [][]byte{frame(50000, flagSYN, 5), frame(50001, flagSYN|flagRST, 5)}, 1,
			&Warning{Kind: WarnMalformed, Count: 1, Detail: "2"}},
		{"data offset 4", [][]byte{frame(50001, flagSYN, 4), frame(50000, flagSYN, 5)}, 1,
			&Warning{Kind: WarnMalformed, Count: 1, Detail: "1"}},
		{"data offset 0, and SYN with RST and ACK", [][]byte{frame(50001, flagSYN, 0), frame(50002, flagSYN|flagRST|flagACK, 5)}, 0,
			&Warning{Kind: WarnMalformed, Count: 2, Detail: "1"}},
	}
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, d := testAnalyzer(), newDecoder()
			for i, b := range tt.frames {
				var p packet
				if !d.decode(layers.LinkTypeEthernet, b, &p) {
					t.Fatalf("frame %d: not IP", i+1)
				}
				feed(a, p, base.Add(time.Duration(i)*time.Millisecond))
			}
			r := a.finish(nil)
			if n := r.Summary.Counts.Total(); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			var got *Warning
			for i := range r.Warnings {
				if r.Warnings[i].Kind == WarnMalformed {
					got = &r.Warnings[i]
				}
			}
			if diff := cmp.Diff(tt.warn, got); diff != "" {
				t.Errorf("warning (-want +got):\n%s", diff)
			}
		})
	}
}
