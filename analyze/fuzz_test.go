package analyze

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// frameSource replays frames held in memory, all of one link type.
type frameSource struct {
	lt     layers.LinkType
	frames [][]byte
	ts     time.Time
}

func (s *frameSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if len(s.frames) == 0 {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	f := s.frames[0]
	s.frames = s.frames[1:]
	s.ts = s.ts.Add(100 * time.Millisecond)
	return f, gopacket.CaptureInfo{Timestamp: s.ts, CaptureLength: len(f), Length: len(f)}, nil
}

func (s *frameSource) LinkType() layers.LinkType { return s.lt }

// splitFrames cuts fuzz input into frames: each starts with a length byte.
func splitFrames(data []byte) [][]byte {
	var frames [][]byte
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		if n > len(data) {
			n = len(data)
		}
		frames = append(frames, data[:n])
		data = data[n:]
	}
	return frames
}

var fuzzLinkTypes = []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
	layers.LinkTypeNull, layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 147,
	linkTypeNFLog, linkTypeIPoIB, layers.LinkTypeARCNetLinux, layers.LinkTypeArcNet, layers.LinkTypePPP,
	layers.LinkTypePPPEthernet, layers.LinkTypeC_HDLC, layers.LinkTypeATM_RFC1483, linkTypeNetAnalyzer, linkTypeEnc}

// FuzzRun runs whole analyses over arbitrary frames: decoding and the
// tracker must never panic, and every attempt must get a valid outcome.
func FuzzRun(f *testing.F) {
	f.Add(uint8(0), []byte{})
	addBundledSeeds(f)
	f.Add(uint8(4), []byte("\x28E\x00\x00\x28\x00\x00\x40\x00\x40\x06\x00\x00\xc6\x33\x64\x17\xc0\x00\x02\x0a\xc3\x50\x01\xbb\x00\x00\x03\xe8\x00\x00\x00\x00\x50\x02\xff\xff\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, lt uint8, data []byte) {
		ports, _ := ParsePorts("any")
		src := &frameSource{lt: fuzzLinkTypes[int(lt)%len(fuzzLinkTypes)], frames: splitFrames(data),
			ts: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
		r, all := runAll(Config{Ports: ports}, []Input{{Name: "fuzz", Source: src}})
		if r.Summary.Counts.Total() != len(all) {
			t.Fatalf("counts %d != attempts %d", r.Summary.Counts.Total(), len(all))
		}
		var sum Counts
		for _, d := range r.Destinations {
			sum.add(d.Counts)
		}
		if sum != r.Summary.Counts {
			t.Fatalf("destinations add up to %v, the summary says %v", sum, r.Summary.Counts)
		}
		for _, a := range all {
			if a.Outcome.String() == "unknown" || a.Syns < 1 {
				t.Fatalf("attempt %+v", a)
			}
		}
	})
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ports, _ := ParsePorts("443")
	src := &frameSource{lt: layers.LinkTypeRaw, frames: [][]byte{{0x45}}}
	r, _ := Run(ctx, Config{Ports: ports}, []Input{{Name: "x", Source: src}})
	if len(r.Warnings) != 1 || r.Warnings[0].Kind != WarnInterrupted {
		t.Errorf("warnings %+v, want one %q", r.Warnings, WarnInterrupted)
	}
}

// errSource fails after its frames, as a damaged file does.
type errSource struct{ frameSource }

func (s *errSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if len(s.frames) == 0 {
		return nil, gopacket.CaptureInfo{}, errors.New("x: truncated after frame 1, at byte 99: unexpected EOF")
	}
	return s.frameSource.ZeroCopyReadPacketData()
}

func TestRunKeepsFramesBeforeDamage(t *testing.T) {
	ports, _ := ParsePorts("443")
	src := &errSource{frameSource{lt: layers.LinkTypeRaw, frames: [][]byte{{0x45}}, ts: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	r, _ := Run(context.Background(), Config{Ports: ports}, []Input{{Name: "x", Source: src}})
	if r.Inputs[0].Frames != 1 || len(r.Warnings) != 1 || r.Warnings[0].Kind != WarnDamaged || r.Warnings[0].Count != 1 {
		t.Errorf("inputs %+v warnings %+v", r.Inputs, r.Warnings)
	}
}

// FuzzParsePorts: any --port text parses or fails cleanly, and a port a
// successful list names on its own is in the set.
func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"443", "443,8443", "8000-8100", "any", "1-65535", "", "0", "-", "443-", "9-1", " 80 , 443 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		set, err := ParsePorts(spec)
		if err != nil {
			return
		}
		if set.String() != spec {
			t.Fatalf("String() = %q, want %q", set.String(), spec)
		}
		for _, part := range strings.Split(spec, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(part)); err == nil && !set.Has(uint16(n)) {
				t.Fatalf("%q parsed, but port %d is not in it", spec, n)
			}
		}
	})
}

// FuzzParsePrefixes: any --vip text parses or fails cleanly, and an
// address a successful list names is contained in it.
func FuzzParsePrefixes(f *testing.F) {
	for _, s := range []string{"192.0.2.10", "192.0.2.0/24,2001:db8::/32", "::ffff:192.0.2.10", "", ",", "10.0.0.1/33", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		set, err := ParsePrefixes(spec)
		if err != nil {
			return
		}
		if len(set) == 0 {
			t.Fatalf("%q parsed to an empty set", spec)
		}
		for _, part := range strings.Split(spec, ",") {
			if a, err := netip.ParseAddr(strings.TrimSpace(part)); err == nil && !set.Contains(a) {
				t.Fatalf("%q parsed, but %v is not in it", spec, a)
			}
		}
	})
}
