package capture

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
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
		n := 0
		for {
			_, _, err := cf.ZeroCopyReadPacketData()
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

// FuzzRedact rewrites arbitrary frames of every link type: it must never
// panic nor read or write past the frame, whatever its headers claim.
func FuzzRedact(f *testing.F) {
	f.Add(uint8(1), []byte{})
	for _, name := range []string{"outcomes.pcap", "ipv6-vlan.pcapng", "tls-binding.pcapng", "sll2.pcap", "raw-null.pcapng"} {
		cf, err := Open(filepath.Join("..", "testdata", "pcaps", name), nil)
		if err != nil {
			f.Fatal(err)
		}
		for {
			data, _, err := cf.ZeroCopyReadPacketData()
			if err != nil {
				break
			}
			f.Add(uint8(cf.LinkType()), bytes.Clone(data))
		}
		cf.Close()
	}
	f.Fuzz(func(t *testing.T, lt uint8, data []byte) {
		frame := bytes.Clone(data)
		r := Redaction{Addrs: map[netip.Addr]netip.Addr{}, Names: map[string]string{"shop.example.com": "name-1xx.invalid"}}
		// Hide whatever addresses the frame holds, as the evidence would.
		if src, dst, ok := tcpFlow(layers.LinkType(lt), frame); ok {
			r.Addrs[src.Addr()] = netip.MustParseAddr("198.18.0.1")
			r.Addrs[dst.Addr()] = netip.MustParseAddr("100::1")
		}
		r.redact(layers.LinkType(lt), frame)
		if len(frame) != len(data) {
			t.Fatal("the frame changed length")
		}
	})
}
