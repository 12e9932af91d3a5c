package report

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestEncapTexts: one sentence per input and encapsulation, naming a few
// outer sources and counting the rest, and saying whether the inner
// packets' MACs can be judged.
func TestEncapTexts(t *testing.T) {
	src := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{172, 16, 0, byte(i)}) }
	r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: "a.pcap"}, {Name: "b.pcap"}}}
	for i := 1; i <= 5; i++ {
		r.Encapsulations = append(r.Encapsulations, analyze.Encapsulation{File: 0, Kind: "VXLAN", Outer: src(i), Frames: i, InnerEthernet: i == 2})
	}
	r.Encapsulations = append(r.Encapsulations,
		analyze.Encapsulation{File: 1, Kind: "ERSPAN III", Outer: src(9), Mirror: true, Frames: 1, InnerEthernet: true},
		analyze.Encapsulation{File: 1, Kind: "MPLS", Frames: 7})
	want := []string{
		"In a.pcap, 15 frames came inside VXLAN from 172.16.0.1 (1 frame), 172.16.0.2 (2 frames), 172.16.0.3 (3 frames), 2 more; slbdiag read the packets inside. The packets inside carry their own Ethernet headers: the MACs judged are theirs.",
		"In b.pcap, 1 frame was mirrored via ERSPAN III from 172.16.0.9 (1 frame); slbdiag read the packets inside. The packets inside carry their own Ethernet headers: the MACs judged are theirs.",
		"In b.pcap, 7 frames came inside MPLS; slbdiag read the packets inside. The packets inside carry no Ethernet header: which MAC they were delivered to cannot be judged.",
	}
	if diff := cmp.Diff(want, encapTexts(r, English)); diff != "" {
		t.Errorf("English (-want +got):\n%s", diff)
	}
	wantZh := "b.pcap 中有 7 帧封装在 MPLS 中；slbdiag 分析的是内层的包。内层包没有以太网头：无法判断它们被送到了哪个 MAC 地址。"
	if got := encapTexts(r, Chinese)[2]; got != wantZh {
		t.Errorf("Chinese: %q, want %q", got, wantZh)
	}
}
