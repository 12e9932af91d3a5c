package floodgen

import (
	"bytes"
	"io"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Every frame of every shape is a SYN that gopacket decodes and would
// serialize byte for byte the same (but for Ethernet padding), checksums included; clients are all
// distinct, and so are destinations where the shape says so.
func TestShapes(t *testing.T) {
	const n = 70_000 // past 65,535: the ports shape wraps to another VIP
	for _, shape := range Shapes {
		t.Run(string(shape), func(t *testing.T) {
			f, err := New(shape, n, 1)
			if err != nil {
				t.Fatal(err)
			}
			clients := map[netip.Addr]bool{}
			servers := map[netip.AddrPort]bool{}
			frames := 0
			for {
				b, ci, err := f.ZeroCopyReadPacketData()
				if err == io.EOF {
					break
				}
				if err != nil || ci.CaptureLength != len(b) {
					t.Fatalf("frame %d: %v, %+v", frames+1, err, ci)
				}
				frames++
				client, server := check(t, frames, b)
				clients[client.Addr()] = true
				servers[server] = true
			}
			if frames != n || len(clients) != n {
				t.Errorf("%d frames from %d clients, want %d from %d", frames, len(clients), n, n)
			}
			wantServers := map[Shape]int{Clients: 1, Clients6: 65_535, Ports: n, Dests: n}[shape]
			if shape == Clients6 && len(servers) < 40_000 || shape != Clients6 && len(servers) != wantServers {
				t.Errorf("%d distinct destinations, want %d", len(servers), wantServers)
			}
		})
	}
}

func check(t *testing.T, frame int, b []byte) (client, server netip.AddrPort) {
	t.Helper()
	p := gopacket.NewPacket(b, layers.LayerTypeEthernet, gopacket.Default)
	tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if tcp == nil || !tcp.SYN || tcp.ACK || p.ErrorLayer() != nil {
		t.Fatalf("frame %d is no SYN: %v", frame, p)
	}
	var ip gopacket.SerializableLayer
	var nl gopacket.NetworkLayer
	if v4, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
		ip, nl = v4, v4
	} else {
		v6 := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		ip, nl = v6, v6
	}
	if err := tcp.SetNetworkLayerForChecksum(nl); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
		t.Fatal(err)
	}
	// gopacket pads the frame to Ethernet's 60 bytes.
	if out := buf.Bytes(); len(out) < len(b) || !bytes.Equal(out[:len(b)], b) || len(bytes.Trim(out[len(b):], "\x00")) > 0 {
		t.Fatalf("frame %d: serialized again with checksums computed, it differs:\n% x\n% x", frame, b, buf.Bytes())
	}
	src, _ := netip.AddrFromSlice(nl.NetworkFlow().Src().Raw())
	dst, _ := netip.AddrFromSlice(nl.NetworkFlow().Dst().Raw())
	return netip.AddrPortFrom(src, uint16(tcp.SrcPort)), netip.AddrPortFrom(dst, uint16(tcp.DstPort))
}

func TestUnknownShape(t *testing.T) {
	if _, err := New("syn", 1, 1); err == nil || err.Error() != `floodgen: unknown shape "syn" (want clients, clients6, ports or dests)` {
		t.Errorf("error %v", err)
	}
}
