package capture

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/slbdiag/slbdiag/decode"
)

// FuzzFile feeds arbitrary bytes to the file reader: it must return an error
// or frames, never panic, and never claim more frames than it returned.
func FuzzFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "pcaps", "*"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 1<<16 {
			f.Add(b)
		}
	}
	f.Add(pcapBytes(f, false))
	f.Add(pcapngBytes(f))
	f.Add(etlBytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := NewFile("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		// An uncompressed pcap file is also read by pcapgo alone: every
		// record the file hands out must be pcapgo's, however it was read.
		var ref *pcapgo.Reader
		if cf.Format == FormatPcap && !cf.Gzip {
			ref, _ = pcapgo.NewReader(bytes.NewReader(data))
		}
		n := 0
		for {
			got, ci, err := cf.ZeroCopyReadPacketData()
			if ref != nil && err == nil {
				want, wantCI, wantErr := ref.ReadPacketData()
				if wantErr != nil || !bytes.Equal(got, want) || !reflect.DeepEqual(ci, wantCI) {
					t.Fatalf("record %d: %d bytes, %+v; pcapgo gives %d bytes, %+v, %v", n+1, len(got), ci, len(want), wantCI, wantErr)
				}
			}
			if err == io.EOF {
				return
			}
			var re *ReadError
			if err != nil {
				if !errors.As(err, &re) || re.Frames != n || re.Offset > int64(len(data))*1100 {
					t.Fatalf("error %v after %d frames", err, n)
				}
				return
			}
			n++
		}
	})
}

// FuzzRedact rewrites arbitrary frames of every link type, hiding every
// address any IP header of the frame holds, at any depth, and a server
// name. It must never panic nor change the frame's length or structure,
// and no hidden address or name may remain anywhere in the bytes, except
// where the frame held it outside every header address and every TCP
// payload (an address a UDP payload happens to contain is not a header's).
// It is seeded with every frame of the bundled captures, tunnels and
// mirror sessions included.
func FuzzRedact(f *testing.F) {
	f.Add(uint8(1), []byte{})
	for _, name := range redactSeeds {
		forEachFrame(f, name, func(lt layers.LinkType, data []byte) { f.Add(uint8(lt), bytes.Clone(data)) })
	}
	d := decode.New()
	f.Fuzz(func(t *testing.T, lt uint8, data []byte) {
		checkRedacted(t, d, layers.LinkType(lt), data, false)
	})
}

// redactSeeds are the bundled captures FuzzRedact starts from.
var redactSeeds = []string{"outcomes.pcap", "ipv6-vlan.pcapng", "tls-binding.pcapng", "hostile-sni.pcapng", "sll.pcap", "sll2.pcap",
	"raw-null.pcapng", "vip-arp.pcap", "lab-fragments.pcap", "pktmon.pcapng",
	"lab-vxlan.pcap", "mirror-erspan.pcap", "tunnels.pcapng"}

// TestRedactBundled holds every frame of the bundled captures to the
// strict form of FuzzRedact's property: after redaction, none of the
// hidden addresses or names is anywhere in the frame's bytes.
func TestRedactBundled(t *testing.T) {
	d := decode.New()
	for _, name := range redactSeeds {
		forEachFrame(t, name, func(lt layers.LinkType, data []byte) { checkRedacted(t, d, lt, data, true) })
	}
}

func forEachFrame(tb testing.TB, name string, fn func(layers.LinkType, []byte)) {
	tb.Helper()
	cf, err := Open(filepath.Join("..", "testdata", "pcaps", name), nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer cf.Close()
	for {
		data, _, err := cf.ZeroCopyReadPacketData()
		if err != nil {
			return
		}
		fn(cf.LinkType(), data)
	}
}

const hiddenName, nameStandIn = "shop.example.com", "name-1xx.invalid"

// checkRedacted redacts a copy of data, hiding every address of its
// layout, and checks what remains; strict allows no hidden address or
// name anywhere.
func checkRedacted(t *testing.T, d *decode.Decoder, lt layers.LinkType, data []byte, strict bool) {
	t.Helper()
	var p decode.Packet
	d.Decode(lt, data, &p)
	before := slices.Clone(d.Layout().IPs())
	r := Redaction{Addrs: map[netip.Addr]netip.Addr{}, Names: map[string]string{hiddenName: nameStandIn}}
	fields := map[int]bool{} // offsets of header addresses
	var rewritten [][2]int   // what redaction may write: addresses and checksums
	for _, ip := range before {
		for _, at := range []int{ip.SrcOff(), ip.DstOff()} {
			if at+ip.AddrLen() > len(data) {
				continue
			}
			a, _ := netip.AddrFromSlice(data[at : at+ip.AddrLen()])
			fields[at] = true
			rewritten = append(rewritten, [2]int{at, at + ip.AddrLen()})
			if _, ok := r.Addrs[a]; !ok {
				r.Addrs[a] = standInFor(len(r.Addrs), a.Is6())
			}
		}
	}
	for _, s := range r.Addrs {
		if _, hidden := r.Addrs[s]; hidden || bytes.Contains(data, s.AsSlice()) {
			return // a stand-in the frame already holds proves nothing
		}
	}
	payloads := tcpPayloads(data, before)
	for _, c := range (&editor{b: data}).checksums(d.Layout()) {
		rewritten = append(rewritten, [2]int{c.ck, c.ck + 2})
	}
	frame := bytes.Clone(data)
	r.redact(d, lt, frame)
	if len(frame) != len(data) {
		t.Fatal("the frame changed length")
	}
	d.Decode(lt, frame, &p)
	if after := d.Layout().IPs(); !slices.Equal(before, after) {
		t.Fatalf("the frame's headers moved: %+v, then %+v", before, after)
	}
	for a := range r.Addrs {
		for _, at := range indexAll(frame, a.AsSlice()) {
			if !fields[at] && overlaps(rewritten, at, at+len(a.AsSlice())) {
				continue // stand-ins and checksums spelling a hidden address by chance
			}
			if strict || fields[at] || !bytes.Equal(data[at:at+len(a.AsSlice())], a.AsSlice()) {
				t.Fatalf("the hidden address %s remains at offset %d of\n% x\nredacted from\n% x", a, at, frame, data)
			}
		}
	}
	for _, at := range indexAll(asciiLower(frame), []byte(hiddenName)) {
		if strict || within(payloads, at, at+len(hiddenName)) || !bytes.EqualFold(data[at:at+len(hiddenName)], []byte(hiddenName)) {
			t.Fatalf("the hidden name remains at offset %d of\n% x", at, frame)
		}
	}
}

// standInFor is the i-th stand-in, from ranges no bundled capture uses.
func standInFor(i int, v6 bool) netip.Addr {
	if v6 {
		return netip.AddrFrom16([16]byte{0x01, 0x00, 15: byte(i + 1)})
	}
	return netip.AddrFrom4([4]byte{198, 18, 250, byte(i + 1)})
}

// tcpPayloads are where the TCP payloads of a layout lie, quoted segments
// left out.
func tcpPayloads(b []byte, ips []decode.IP) [][2]int {
	var out [][2]int
	for _, ip := range ips {
		if ip.Quoted || ip.Proto != 6 || ip.L4 < 0 || ip.L4+13 > ip.End {
			continue
		}
		out = append(out, [2]int{ip.L4 + int(b[ip.L4+12]>>4)*4, ip.End})
	}
	return out
}

func overlaps(ranges [][2]int, from, to int) bool {
	for _, r := range ranges {
		if from < r[1] && r[0] < to {
			return true
		}
	}
	return false
}

func within(ranges [][2]int, from, to int) bool {
	for _, r := range ranges {
		if from >= r[0] && to <= r[1] {
			return true
		}
	}
	return false
}

func indexAll(b, sub []byte) []int {
	var out []int
	for i := 0; len(sub) > 0 && i+len(sub) <= len(b); i++ {
		if bytes.Equal(b[i:i+len(sub)], sub) {
			out = append(out, i)
		}
	}
	return out
}

// asciiLower lower-cases ASCII letters only, keeping every offset.
func asciiLower(b []byte) []byte {
	out := bytes.Clone(b)
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return out
}
