package capture

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"
)

// ngBlock writes one little-endian pcapng block around body.
func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, n)
}

func ngOption(code uint16, v []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// TestInterfaceAddrs reads the addresses an interface block gives its
// interface (if_IPv4addr, if_IPv6addr), as dumpcap writes them; pcapgo
// does not expose them, so pcapng is written by hand here.
func TestInterfaceAddrs(t *testing.T) {
	shb := ngBlock(0x0A0D0D0A, []byte{0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	idb := []byte{1, 0, 0, 0, 0, 0, 4, 0} // Ethernet, reserved, snaplen 1024
	v6 := netip.MustParseAddr("2001:db8:20::5").As16()
	idb = append(idb, ngOption(2, []byte("eth0"))...)
	idb = append(idb, ngOption(4, []byte{10, 0, 0, 5, 255, 255, 255, 0})...)
	idb = append(idb, ngOption(5, append(v6[:], 64))...)
	idb = append(idb, ngOption(0, nil)...)
	frame := make([]byte, 60)
	epb := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	epb = binary.LittleEndian.AppendUint32(epb, uint32(len(frame)))
	epb = binary.LittleEndian.AppendUint32(epb, uint32(len(frame)))
	epb = append(epb, frame...)
	file := append(append(shb, ngBlock(1, idb)...), ngBlock(6, epb)...)

	f, err := NewFile("ifaces.pcapng", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.ZeroCopyReadPacketData(); err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("2001:db8:20::5")}
	if got := f.InterfaceAddrs(); !slices.Equal(got, want) {
		t.Errorf("InterfaceAddrs() = %v, want %v", got, want)
	}
}
