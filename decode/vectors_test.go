package decode

import (
	"encoding/hex"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

var update = flag.Bool("update", false, "rewrite the want lines of testdata/frames")

// TestVectors decodes the frame of each file in testdata/frames, one per
// tunnel, mirror framing and link type: the output of tcpdump -nn -XX on a
// capture of it, whose hex is the frame. Its "# want:" lines are the
// Layout and Packet the decoder must give (rewritten with -update and
// reviewed as a diff), and every IP header tcpdump itself names must be
// in the Layout, in tcpdump's order.
func TestVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "frames", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	d := New()
	for _, name := range files {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txt"), func(t *testing.T) {
			v := readVector(t, name)
			var p Packet
			ip := d.Decode(v.lt, v.frame, &p)
			got := describe(ip, &p, d.Layout())
			if *update {
				v.write(t, name, got)
				return
			}
			if strings.Join(got, "\n") != strings.Join(v.want, "\n") {
				t.Errorf("decoded\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(v.want, "\n"))
			}
			if !slices.Contains(v.head, stopsEarlier) {
				checkTcpdumpOrder(t, v.tcpdump, d.Layout(), v.frame)
			}
		})
	}
}

// stopsEarlier marks a vector whose inner packet tcpdump reads and the
// decoder must not: nested past its bound, or a header that fails a check
// tcpdump does not make.
const stopsEarlier = "# The decoder stops before tcpdump does."

type vector struct {
	head    []string // the comment lines before the want lines
	want    []string
	tcpdump []string // tcpdump's lines: its summary, then the hex
	lt      layers.LinkType
	frame   []byte
}

var hexLine = regexp.MustCompile(`^\s+0x[0-9a-f]{4}:\s+((?:[0-9a-f]{2,4} )*[0-9a-f]{2,4})`)

func readVector(t testing.TB, name string) vector {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	lt := -1
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# want: "):
			v.want = append(v.want, strings.TrimPrefix(line, "# want: "))
		case strings.HasPrefix(line, "#"):
			v.head = append(v.head, line)
			if i := strings.Index(line, "link type "); i >= 0 {
				fmt.Sscanf(line[i:], "link type %d", &lt)
			}
		default:
			v.tcpdump = append(v.tcpdump, line)
			if m := hexLine.FindStringSubmatch(line); m != nil {
				h, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
				if err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				v.frame = append(v.frame, h...)
			}
		}
	}
	if lt < 0 || len(v.frame) == 0 {
		t.Fatalf("%s: no link type or no frame", name)
	}
	v.lt = layers.LinkType(lt)
	return v
}

func (v vector) write(t *testing.T, name string, want []string) {
	var b strings.Builder
	for _, l := range v.head {
		b.WriteString(l + "\n")
	}
	for _, l := range want {
		b.WriteString("# want: " + l + "\n")
	}
	for _, l := range v.tcpdump {
		b.WriteString(l + "\n")
	}
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// describe is what a vector compares: the packet analysis gets, then
// every header of the layout.
func describe(ip bool, p *Packet, l *Layout) []string {
	pkt := fmt.Sprintf("packet ip=%v", ip)
	if p.Src.IsValid() {
		pkt += fmt.Sprintf(" %s > %s proto %d", p.Src, p.Dst, p.Proto)
	}
	if p.IsTCP {
		pkt += fmt.Sprintf(" tcp %d > %d flags %#x", p.Sport, p.Dport, p.Flags)
	}
	if p.Encap != EncapNone {
		pkt += fmt.Sprintf(" in %q from %s", p.Encap.Name, p.Outer)
	}
	if p.HasMAC {
		pkt += fmt.Sprintf(" mac %x", p.SrcMAC)
	}
	out := []string{pkt}
	for _, ip := range l.IPs() {
		v := "IPv4"
		if ip.V6 {
			v = "IPv6"
		}
		s := fmt.Sprintf("%s at %d, header %d, proto %d, transport at %d, end %d", v, ip.Off, ip.HdrLen, ip.Proto, ip.L4, ip.End)
		if ip.Quoted {
			s += ", quoted"
		}
		out = append(out, s)
	}
	for _, g := range l.GREs() {
		out = append(out, fmt.Sprintf("GRE at %d, end %d, checksum %v", g.Off, g.End, g.Sum))
	}
	for _, a := range l.ARPs() {
		out = append(out, fmt.Sprintf("ARP at %d", a))
	}
	return out
}

var tcpdumpIP = regexp.MustCompile(`\bIP6? (\S+) > (\S+): `)

// checkTcpdumpOrder: the source and destination of every IP header
// tcpdump names are those of the Layout's headers, in order.
func checkTcpdumpOrder(t *testing.T, lines []string, l *Layout, frame []byte) {
	t.Helper()
	var have []string
	for _, ip := range l.IPs() {
		if ip.Quoted || ip.DstOff()+ip.AddrLen() > len(frame) {
			continue
		}
		s, _ := netip.AddrFromSlice(frame[ip.SrcOff() : ip.SrcOff()+ip.AddrLen()])
		d, _ := netip.AddrFromSlice(frame[ip.DstOff() : ip.DstOff()+ip.AddrLen()])
		have = append(have, s.String()+" > "+d.String())
	}
	i := 0
	for _, line := range lines {
		if hexLine.MatchString(line) {
			continue
		}
		for _, m := range tcpdumpIP.FindAllStringSubmatch(line, -1) {
			pair := stripPort(m[1]) + " > " + stripPort(m[2])
			for i < len(have) && have[i] != pair {
				i++
			}
			if i == len(have) {
				t.Errorf("tcpdump names %s, which the layout %q lacks (in this order)", pair, have)
				return
			}
			i++
		}
	}
}

// stripPort drops the ".port" tcpdump appends to a TCP or UDP endpoint.
func stripPort(s string) string {
	if _, err := netip.ParseAddr(s); err == nil {
		return s
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}
