package analyze

import (
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// vlanTagged inserts an 802.1Q tag after the MAC addresses.
func vlanTagged(frame []byte) []byte {
	out := append([]byte{}, frame[:12]...)
	out = append(out, 0x81, 0x00, 0x00, 0x64)
	return append(out, frame[12:]...)
}

func BenchmarkDecode(b *testing.B) {
	for _, tc := range []struct {
		name string
		v6   bool
	}{{"ipv4", false}, {"ipv6", true}} {
		frame := synFrame(b, tc.v6)
		b.Run(tc.name, func(b *testing.B) {
			d := newDecoder()
			var p packet
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				d.decode(layers.LinkTypeEthernet, frame, &p)
			}
		})
	}
	// A mirror's frame: the outer headers on the slower path, the inner
	// frame on the fast one.
	for _, tc := range encapCases(b) {
		if tc.name != "VXLAN" && tc.name != "ERSPAN II" {
			continue
		}
		b.Run(tc.name, func(b *testing.B) {
			d := newDecoder()
			var p packet
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				d.decode(tc.lt, tc.data, &p)
			}
		})
	}
}

// BenchmarkTracker feeds the tracker a completed handshake and a data
// packet per iteration, each from a new client port: the per-packet path
// after decoding, copy check included.
func BenchmarkTracker(b *testing.B) {
	a := testAnalyzer()
	b.ReportAllocs()
	ts := t0
	i := 0
	for b.Loop() {
		c := netip.AddrPortFrom(client.Addr(), uint16(1024+i%60000))
		isn := uint32(i) * 11
		for _, p := range []packet{synP(c, vip, isn), synAckP(vip, c, isn, 7), ackP(c, vip, isn, 7)} {
			p.IPLen, p.Proto = 52, 6
			feed(a, p, ts)
			ts = ts.Add(time.Microsecond)
		}
		i++
	}
}
