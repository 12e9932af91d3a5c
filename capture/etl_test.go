package capture

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/slbdiag/slbdiag/internal/etlwrite"
)

var etlStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// etlBytes writes a small pktmon-style trace: a SYN logged by a NIC and
// by tcpip, a second SYN that tcpip drops, and a raw IP packet.
func etlBytes(t testing.TB) []byte {
	t.Helper()
	syn := synFrame(t)
	var out bytes.Buffer
	w, err := etlwrite.New(&out, etlwrite.PktMon, etlwrite.Options{Start: etlStart, Processors: 2})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.ValueMap("DropReason", map[uint32]string{902: "Not locally destined"}))
	must(w.Component(1, 3, "e1i63x64.sys", "Intel(R) 82574L\x1b[31m", 7))
	must(w.Component(2, 4, "tcpip.sys", "TCP/IP", 0))
	must(w.Packet(etlwrite.Packet{Time: etlStart, Component: 1, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeEthernet, Data: syn}))
	must(w.Packet(etlwrite.Packet{Time: etlStart.Add(5 * time.Microsecond), Component: 2, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeIP, Data: syn[14:]}))
	syn2 := bytes.Clone(syn)
	syn2[14+5]++ // another IP ID: another packet
	must(w.Packet(etlwrite.Packet{Time: etlStart.Add(time.Second), Component: 2, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeIP, Data: syn2[14:], Drop: true, DropReason: 902, DropLoc: 0xe0004138}))
	must(w.Close())
	return out.Bytes()
}

// synFrame is an Ethernet frame holding a TCP SYN to 192.0.2.10:443.
func synFrame(t testing.TB) []byte {
	t.Helper()
	b := []byte{
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, // Ethernet
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 198, 51, 100, 7, 192, 0, 2, 10, // IPv4
		0xc3, 0x50, 0x01, 0xbb, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, // TCP SYN
	}
	return b
}

func TestETLFile(t *testing.T) {
	raw := etlBytes(t)
	f, err := NewFile("t.etl", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatETL {
		t.Fatalf("format %q", f.Format)
	}
	var got []string
	for {
		data, ci, err := f.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{ci.Timestamp.Sub(etlStart).String(), ci.AncillaryData[0].(layers.LinkType).String(), string(rune('0' + ci.InterfaceIndex)), string(rune('0' + len(data)/10))}, " "))
	}
	want := []string{"0s Ethernet 7 5", "1s Raw 0 4"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("frames %q, want %q", got, want)
	}
	var drops []string
	f.OSDrops(func(packets, syns int, where string) {
		drops = append(drops, where)
		if packets != 1 || syns != 1 {
			t.Errorf("%d packets, %d SYNs", packets, syns)
		}
	})
	if len(drops) != 1 || drops[0] != "component 2 tcpip.sys: reason 902 (Not locally destined), location 0xe0004138" {
		t.Errorf("drops %q", drops)
	}
	if n := f.Notes(); len(n) != 0 {
		t.Errorf("notes %q", n)
	}
}

// TestETLDamage cuts a trace inside its last buffer: the frames before it
// are read, then a ReadError names the buffer's offset.
func TestETLDamage(t *testing.T) {
	raw := etlBytes(t)
	f, err := NewFile("t.etl", bytes.NewReader(raw[:len(raw)-3]))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err = f.ZeroCopyReadPacketData()
		if err != nil {
			break
		}
		n++
	}
	var re *ReadError
	if !errors.As(err, &re) || re.Frames != n {
		t.Fatalf("error %v after %d frames", err, n)
	}
	off, truncated := re.DamageAt()
	if !truncated || off <= 0 || off >= int64(len(raw)) || !strings.Contains(re.Error(), "truncated after frame") {
		t.Errorf("damage at %d (truncated %v): %v", off, truncated, re)
	}
}

// TestConvertETLEscapes checks that a component's description, which
// comes from the file, loses its control characters on the way to
// Wireshark.
func TestConvertETLEscapes(t *testing.T) {
	f, err := NewFile("t.etl", bytes.NewReader(etlBytes(t)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := ConvertETL(&out, f, "test", Redaction{})
	if err != nil || n != 2 {
		t.Fatalf("%d frames, %v", n, err)
	}
	if bytes.Contains(out.Bytes(), []byte("\x1b")) || !bytes.Contains(out.Bytes(), []byte("Intel(R) 82574L?[31m")) {
		t.Error("the description reached the pcapng with its escape character")
	}
	if !bytes.Contains(out.Bytes(), []byte("dropped at component 2 tcpip.sys: reason 902 (Not locally destined)")) {
		t.Error("no drop comment")
	}
}
