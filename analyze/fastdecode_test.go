package analyze

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// FuzzFastDecode: whenever the fast path takes an Ethernet frame, it fills
// the packet exactly as gopacket's layers do.
func FuzzFastDecode(f *testing.F) {
	f.Add(uint8(0), synFrame(f, false))
	f.Add(uint8(0), synFrame(f, true))
	f.Add(uint8(0), vlanTagged(synFrame(f, false)))
	f.Add(uint8(0), vlanTagged(synFrame(f, true)))
	addBundledFrames(f)
	d := newDecoder()
	f.Fuzz(func(t *testing.T, _ uint8, data []byte) {
		var fast, slow packet
		ip, ok := fastEthernet(data, &fast)
		if !ok {
			return
		}
		slowIP := d.decodeLayers(layers.LayerTypeEthernet, data, &slow, 0)
		fast.settlePayload()
		slow.settlePayload()
		if ip != slowIP || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast path: %v %+v\ngopacket:  %v %+v", ip, fast, slowIP, slow)
		}
	})
}

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
		b.Run(tc.name+"-gopacket", func(b *testing.B) {
			d := newDecoder()
			var p packet
			b.ReportAllocs()
			for b.Loop() {
				d.decodeLayers(layers.LayerTypeEthernet, frame, &p, 0)
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
	ports, _ := ParsePorts("443")
	tr := newTracker(&ports)
	b.ReportAllocs()
	ts := t0
	i := 0
	for b.Loop() {
		c := netip.AddrPortFrom(client.Addr(), uint16(1024+i%60000))
		isn := uint32(i) * 11
		for _, p := range []packet{synP(c, vip, isn), synAckP(vip, c, isn, 7), ackP(c, vip, isn, 7)} {
			p.ipLen, p.proto = 52, 6
			tr.add(&p, FrameRef{Frame: i + 1}, ts)
			ts = ts.Add(time.Microsecond)
		}
		i++
	}
}
