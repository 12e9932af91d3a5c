package decode

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// FuzzFastDecode: whenever the fast path takes an Ethernet frame, it fills
// the packet and the layout exactly as gopacket's layers do.
func FuzzFastDecode(f *testing.F) {
	addSeeds(f)
	d := New()
	f.Fuzz(func(t *testing.T, _ uint8, data []byte) {
		var fast, slow Packet
		d.frame, d.ip, d.layout.nIP, d.layout.nGRE, d.layout.nARP = data, -1, 0, 0, 0
		ip, ok := d.fastEthernet(data, &fast)
		if !ok {
			return
		}
		fastIPs := slices.Clone(d.Layout().IPs())
		d.frame, d.ip, d.layout.nIP, d.layout.nGRE, d.layout.nARP = data, -1, 0, 0, 0
		slowIP := d.decodeLayers(layers.LayerTypeEthernet, data, &slow, 0)
		if ip != slowIP || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast path: %v %+v\ngopacket:  %v %+v", ip, fast, slowIP, slow)
		}
		if slowIPs := d.Layout().IPs(); !slices.Equal(fastIPs, slowIPs) {
			t.Fatalf("fast path's layout %+v, gopacket's %+v", fastIPs, slowIPs)
		}
	})
}

// FuzzDecodeLayout: whatever a frame of any link type holds, every offset
// of its layout lies inside it, in order.
func FuzzDecodeLayout(f *testing.F) {
	addSeeds(f)
	d := New()
	var lts []layers.LinkType
	for lt := range links {
		if Supported(layers.LinkType(lt)) {
			lts = append(lts, layers.LinkType(lt))
		}
	}
	f.Fuzz(func(t *testing.T, lt uint8, data []byte) {
		var p Packet
		d.Decode(lts[int(lt)%len(lts)], data, &p)
		l := d.Layout()
		for _, ip := range l.IPs() {
			if ip.Off < 0 || ip.Off+ip.HdrLen > ip.End || ip.End > len(data) || (ip.L4 >= 0 && (ip.L4 < ip.Off+ip.HdrLen || ip.L4 > ip.End)) {
				t.Fatalf("IP header %+v out of the %d-byte frame", ip, len(data))
			}
		}
		for _, g := range l.GREs() {
			if g.Off < 0 || g.Off > g.End || g.End > len(data) {
				t.Fatalf("GRE header %+v out of the %d-byte frame", g, len(data))
			}
		}
		for _, a := range l.ARPs() {
			if a < 0 || a > len(data) {
				t.Fatalf("ARP at %d out of the %d-byte frame", a, len(data))
			}
		}
	})
}

// addSeeds adds every vector and every frame of the bundled captures.
func addSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "frames", "*.txt"))
	for _, name := range files {
		v := readVector(f, name)
		f.Add(uint8(v.lt), v.frame)
	}
	caps, _ := filepath.Glob(filepath.Join("..", "testdata", "pcaps", "*.pcap*"))
	for _, name := range caps {
		forEachFrame(f, name, func(lt layers.LinkType, data []byte) { f.Add(uint8(lt), bytes.Clone(data)) })
	}
}

// forEachFrame reads a pcap or pcapng file with pcapgo.
func forEachFrame(tb testing.TB, name string, fn func(layers.LinkType, []byte)) {
	file, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	r := bufio.NewReader(file)
	magic, _ := r.Peek(4)
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
		LinkType() layers.LinkType
	}
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(r, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return
		}
		src = ng
	} else {
		pr, err := pcapgo.NewReader(r)
		if err != nil {
			return // gzip'd, or not a capture
		}
		src = pr
	}
	for {
		data, _, err := src.ReadPacketData()
		if err != nil {
			return
		}
		fn(src.LinkType(), data)
	}
}
