package analyze

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/decode"
)

// BenchmarkRunFile replays the capture named by $SLBDIAG_BENCH_FILE (for
// profiling on a large capture, such as bench/run.sh writes), read ahead
// as the command line does. It skips without one.
func BenchmarkRunFile(b *testing.B) {
	path := os.Getenv("SLBDIAG_BENCH_FILE")
	if path == "" {
		b.Skip("set SLBDIAG_BENCH_FILE to a capture")
	}
	ports, _ := ParsePorts("443")
	b.ReportAllocs()
	for b.Loop() {
		f, err := capture.Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := os.Stat(path)
		b.SetBytes(st.Size())
		Run(context.Background(), Config{Ports: ports, ReadAhead: true}, []Input{{Name: path, Format: f.Format, Source: f}})
		f.Close()
	}
}

// BenchmarkScan times whole analyses (tracking, totals, diagnosis) of
// the shapes that used to be quadratic: SYNs to n distinct destinations,
// to one VIP through n distinct destination MACs, and ARP claims for one
// address from n MACs. Time per op should grow linearly with n.
func BenchmarkScan(b *testing.B) {
	ports, _ := ParsePorts("443")
	shapes := []struct {
		name string
		pkt  func(i int) packet
	}{
		{"destinations", func(i int) packet {
			return synP(netip.AddrPortFrom(client.Addr(), uint16(1024+i%60000)), netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 443), uint32(i))
		}},
		{"macs", func(i int) packet {
			p := synP(netip.AddrPortFrom(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)}), 40000), vip, uint32(i))
			p.HasMAC, p.DstMAC = true, [6]byte{2, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}
			return p
		}},
		{"arp-claims", func(i int) packet {
			return packet{Packet: decode.Packet{IsARP: true, ARPIP: vip.Addr(), ARPMAC: [6]byte{2, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}}}
		}},
	}
	for _, sh := range shapes {
		for _, n := range []int{10_000, 20_000, 40_000, 80_000} {
			b.Run(fmt.Sprintf("%s/%d", sh.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a := newAnalyzer(Config{Ports: ports}, 1)
					for i := range n {
						p := sh.pkt(i)
						ts := t0.Add(time.Duration(i) * time.Microsecond)
						feed(a, p, ts)
					}
					a.finish(nil)
				}
			})
		}
	}
}
