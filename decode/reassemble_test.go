package decode

import (
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// piece is one fragment of a test datagram: bytes [off, end) of the
// payload, end < 0 meaning to the end, more the more-fragments flag, at
// its arrival time in seconds.
type piece struct {
	off, end int
	more     bool
	at       float64
}

var (
	fragSrc4, fragDst4 = net.IP{10, 40, 0, 9}, net.IP{10, 40, 0, 2}
	fragSrc6, fragDst6 = net.ParseIP("2001:db8:40::9"), net.ParseIP("2001:db8:40::2")
)

// synSegment is a SYN with options, 40 bytes, checksummed for v4 or v6.
func synSegment(t *testing.T, v6 bool) []byte {
	t.Helper()
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 443, Seq: 1000, SYN: true, Window: 64240,
		Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
			{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		}}
	var nl gopacket.NetworkLayer = &layers.IPv4{SrcIP: fragSrc4, DstIP: fragDst4, Protocol: layers.IPProtocolTCP}
	if v6 {
		nl = &layers.IPv6{SrcIP: fragSrc6, DstIP: fragDst6, NextHeader: layers.IPProtocolTCP}
	}
	if err := tcp.SetNetworkLayerForChecksum(nl); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, tcp); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fragFrame is one Ethernet frame carrying a piece of seg.
func fragFrame(t *testing.T, v6 bool, id uint32, seg []byte, pc piece) []byte {
	t.Helper()
	end := pc.end
	if end < 0 {
		end = len(seg)
	}
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	var ls []gopacket.SerializableLayer
	if v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		fh := make([]byte, 8)
		fh[0] = byte(layers.IPProtocolTCP)
		fo := uint16(pc.off)
		if pc.more {
			fo |= 1
		}
		binary.BigEndian.PutUint16(fh[2:], fo)
		binary.BigEndian.PutUint32(fh[4:], id)
		ls = []gopacket.SerializableLayer{eth,
			&layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolIPv6Fragment, SrcIP: fragSrc6, DstIP: fragDst6},
			gopacket.Payload(append(fh, seg[pc.off:end]...))}
	} else {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip := &layers.IPv4{Version: 4, TTL: 64, Id: uint16(id), Protocol: layers.IPProtocolTCP,
			SrcIP: fragSrc4, DstIP: fragDst4, FragOffset: uint16(pc.off / 8)}
		if pc.more {
			ip.Flags = layers.IPv4MoreFragments
		}
		ls = []gopacket.SerializableLayer{eth, ip, gopacket.Payload(seg[pc.off:end])}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReassembly feeds the pieces of a SYN in order and checks at which
// piece, if any, the SYN is read: only from a whole header, never from a
// first piece left incomplete, and with overlaps treated as Linux does.
func TestReassembly(t *testing.T) {
	tests := []struct {
		name   string
		pieces []piece
		synAt  int // index of the piece at which the SYN is read, -1 for none
	}{
		{"header split after the ports", []piece{{0, 8, true, 0}, {8, -1, false, 0}}, 1},
		{"header in the first piece", []piece{{0, 24, true, 0}, {24, -1, false, 0}}, 1},
		{"last piece first", []piece{{16, -1, false, 0}, {0, 16, true, 0}}, 1},
		{"three pieces out of order", []piece{{0, 8, true, 0}, {24, -1, false, 0}, {8, 24, true, 0}}, 2},
		{"first piece never completed", []piece{{0, 24, true, 0}}, -1},
		{"last piece never came", []piece{{0, 8, true, 0}, {8, 16, true, 0}}, -1},
		{"duplicate piece ignored", []piece{{0, 16, true, 0}, {0, 8, true, 0}, {16, -1, false, 0}}, 2},
		{"overlap discards the datagram", []piece{{0, 16, true, 0}, {8, 24, true, 0}, {24, -1, false, 0}}, -1},
		{"overlap discards what came before", []piece{{0, 16, true, 0}, {8, 24, true, 0}, {16, -1, false, 0}}, -1},
		{"overlap, then a fresh datagram", []piece{{0, 16, true, 0}, {8, 24, true, 0}, {0, 16, true, 0}, {16, -1, false, 0}}, 3},
		{"second last piece disagrees", []piece{{16, -1, false, 0}, {16, 32, false, 0}, {0, 16, true, 0}}, -1},
		{"piece past the end", []piece{{0, 8, true, 0}, {8, 24, false, 0}, {24, -1, true, 0}}, -1},
		{"expired after 30 s", []piece{{0, 8, true, 0}, {8, -1, false, 31}}, -1},
		{"within 30 s", []piece{{0, 8, true, 0}, {8, -1, false, 29}}, 1},
	}
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, v6 := range []bool{false, true} {
		seg := synSegment(t, v6)
		for _, tt := range tests {
			name := tt.name + map[bool]string{false: "/v4", true: "/v6"}[v6]
			t.Run(name, func(t *testing.T) {
				d := New()
				for i, pc := range tt.pieces {
					var p Packet
					d.SetTime(base.Add(time.Duration(pc.at * float64(time.Second))))
					if !d.Decode(layers.LinkTypeEthernet, fragFrame(t, v6, 7, seg, pc), &p) {
						t.Fatalf("piece %d: not IP", i)
					}
					if !p.Fragment && !p.IsTCP {
						t.Errorf("piece %d: not marked as a fragment", i)
					}
					syn := p.IsTCP && p.Flags == FlagSYN && p.Seq == 1000 && p.Sport == 40000 && p.Dport == 443
					if want := i == tt.synAt; syn != want || p.IsTCP != want {
						t.Errorf("piece %d: SYN read %v (TCP %v), want %v", i, syn, p.IsTCP, want)
					}
					if syn && (!p.SumChecked || p.SumBad || p.Fragment || len(p.Payload) != 0) {
						t.Errorf("piece %d: whole SYN %+v", i, p)
					}
				}
			})
		}
	}
}

// TestReassemblyBounded holds many incomplete datagrams and checks that
// what is held stays under the kernel's high threshold.
func TestReassemblyBounded(t *testing.T) {
	seg := make([]byte, 1480)
	d := New()
	for id := range uint32(20000) {
		var p Packet
		d.Decode(layers.LinkTypeEthernet, fragFrame(t, false, id, seg, piece{0, 1480, true, 0}), &p)
		if d.frags.used > fragHighThresh+1480+fragOverhead {
			t.Fatalf("after %d datagrams %d bytes held", id+1, d.frags.used)
		}
	}
	if n := len(d.frags.queues); n == 0 || n > fragHighThresh/1480 {
		t.Errorf("%d datagrams held", n)
	}
	if len(d.frags.order) > 2*len(d.frags.queues)+64 {
		t.Errorf("eviction order holds %d for %d datagrams", len(d.frags.order), len(d.frags.queues))
	}
	// Every datagram began and none completed: all are lost, and those
	// pushed out for memory are said apart. Nothing goes uncounted.
	lost, evicted := d.FragmentsLost()
	if lost != 20000 || evicted != 20000-len(d.frags.queues) {
		t.Errorf("FragmentsLost() = %d, %d; want 20000, %d", lost, evicted, 20000-len(d.frags.queues))
	}
}

// FuzzReassembly feeds pieces described by the input (3 bytes each: an
// offset in 8-byte units, a length, and the more-fragments flag with a
// datagram's id) to the reassembler: it must not panic, what it holds is
// accounted exactly, and a datagram it completes has every byte once.
func FuzzReassembly(f *testing.F) {
	f.Add([]byte{0, 16, 1, 2, 24, 0})
	f.Add([]byte{0, 16, 1, 1, 16, 1, 2, 24, 0, 0, 8, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		var r reassembler
		for len(in) >= 3 {
			off, n, flags := int(in[0])*8, int(in[1]), in[2]
			in = in[3:]
			k := fragKey{id: uint32(flags >> 1)}
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(off + i)
			}
			whole, _, ok := r.add(k, off, flags&1 != 0, protoTCP, b)
			if ok {
				for i, c := range whole {
					if c != byte(i) {
						t.Fatalf("byte %d of a whole datagram is %d", i, c)
					}
				}
			}
			held := 0
			for _, q := range r.queues {
				held += q.cost
			}
			if held != r.used || r.used < 0 || r.used > fragHighThresh+maxDatagram+fragOverhead {
				t.Fatalf("held %d, accounted %d", held, r.used)
			}
		}
	})
}
