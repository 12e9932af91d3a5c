package etl

import (
	"net/netip"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tcpSegment is what the tests read of a frame's TCP header.
type tcpSegment struct {
	src, dst     netip.Addr
	sport, dport uint16
	seq, ack     uint32
	flags        uint8
}

func segmentOf(f *Frame) (tcpSegment, bool) {
	c, data, _ := f.Ethernet()
	l3, ok := networkLayer(c, data)
	if !ok {
		return tcpSegment{}, false
	}
	k := keyOf(&Packet{Content: ContentRawIP, Data: l3})
	if k.proto != 6 || k.notIP || len(l3) < 20 {
		return tcpSegment{}, false
	}
	if k.sport == 0 && k.dport == 0 {
		return tcpSegment{}, false
	}
	addr := func(b [16]byte) netip.Addr {
		if k.v6 {
			return netip.AddrFrom16(b)
		}
		return netip.AddrFrom16(b).Unmap()
	}
	return tcpSegment{addr(k.src), addr(k.dst), k.sport, k.dport, k.seq, k.ack, k.flags}, true
}

// TestSharedSegments compares every distinct SYN and SYN-ACK, and every
// handshake, with what the independent decoder found.
func TestSharedSegments(t *testing.T) {
	for _, name := range sharedTraces(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			e := readExpect(t, name)
			frames := readShared(t, name).Frames()
			syns, synacks := map[tcpSegment]*expectSegment{}, map[tcpSegment]*expectSegment{}
			tx := map[tcpSegment]int{}
			rst := map[[4]any]bool{}
			for i := range frames {
				s, ok := segmentOf(&frames[i])
				if !ok {
					continue
				}
				m := syns
				switch {
				case s.flags&0x04 != 0:
					rst[[4]any{s.dst, s.dport, s.src, s.sport}] = true
					continue
				case s.flags&0x12 == 0x12:
					m = synacks
				case s.flags&0x12 != 0x02:
					continue
				}
				k := s
				k.ack, k.flags = 0, 0
				if m[k] == nil {
					m[k] = &expectSegment{Src: s.src.String(), Dst: s.dst.String(), Sport: s.sport, Dport: s.dport, Seq: s.seq, FirstUS: frames[i].Time.UnixMicro()}
				}
				m[k].Copies += len(frames[i].Copies)
				tx[k]++
			}
			if diff := cmp.Diff(e.SYNs, sorted(syns), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SYNs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(e.SYNACKs, sorted(synacks), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SYN-ACKs (-want +got):\n%s", diff)
			}
			var hs []expectHandshake
			for k, s := range syns {
				h := expectHandshake{Client: s.Src, Server: s.Dst, Cport: s.Sport, Sport: s.Dport, ISN: s.Seq, SynCopies: s.Copies, Transmissions: tx[k]}
				for a := range synacks {
					if a.src == k.dst && a.dst == k.src && a.sport == k.dport && a.dport == k.sport {
						h.SynAck = true
					}
				}
				h.RST = rst[[4]any{k.src, k.sport, k.dst, k.dport}] || rst[[4]any{k.dst, k.dport, k.src, k.sport}]
				hs = append(hs, h)
			}
			sort.Slice(hs, func(i, j int) bool { return hs[i].Cport < hs[j].Cport })
			want := append([]expectHandshake(nil), e.Handshakes...)
			sort.Slice(want, func(i, j int) bool { return want[i].Cport < want[j].Cport })
			if diff := cmp.Diff(want, hs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("handshakes (-want +got):\n%s", diff)
			}
		})
	}
}

func sorted(m map[tcpSegment]*expectSegment) []expectSegment {
	var out []expectSegment
	for _, s := range m {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FirstUS != out[j].FirstUS {
			return out[i].FirstUS < out[j].FirstUS
		}
		return out[i].Sport < out[j].Sport
	})
	return out
}
