//go:build cgo

package capture

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
)

// TestDefaultFilterMatches runs the default capture filter, compiled by
// libpcap, over bundled captures: every SYN slbdiag counts there, on
// 802.1Q and QinQ trunks and IPv6 too, must pass it.
func TestDefaultFilterMatches(t *testing.T) {
	vips := []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32"), netip.MustParsePrefix("2001:db8:10::/64")}
	bpf, err := pcap.NewBPF(layers.LinkTypeEthernet, 65535, DefaultFilter(vips, []uint16{443}))
	if err != nil {
		t.Skipf("libpcap cannot compile filters here: %v", err)
	}
	for _, name := range []string{"ipv6-vlan.pcapng", "seed-strong-host.pcapng", "outcomes.pcap"} {
		f, err := Open(filepath.Join("..", "testdata", "pcaps", name), nil)
		if err != nil {
			t.Fatal(err)
		}
		syns, passed := 0, 0
		for {
			data, ci, err := f.ZeroCopyReadPacketData()
			if err != nil {
				break
			}
			pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
			if tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && tcp.SYN && !tcp.ACK && tcp.DstPort == 443 {
				syns++
				if bpf.Matches(ci, data) {
					passed++
				}
			}
		}
		f.Close()
		if syns == 0 || passed != syns {
			t.Errorf("%s: %d of %d SYNs to port 443 pass the default filter", name, passed, syns)
		}
	}
}
