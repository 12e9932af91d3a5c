package etlwrite_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/etl"
	"github.com/slbdiag/slbdiag/internal/etlwrite"
)

// FuzzRoundTrip writes arbitrary payloads in both styles and reads them
// back: the compressor and the reader's decompressor must agree on every
// byte, whatever the payloads repeat.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("abcabcabcabcabcabcabcabcabcabc"), uint8(3))
	f.Add(bytes.Repeat([]byte{0}, 3000), uint8(1))
	f.Add(bytes.Repeat([]byte("0123456789abcdef"), 500), uint8(7))
	f.Fuzz(func(t *testing.T, payload []byte, n uint8) {
		if len(payload) > 60000 {
			return
		}
		for _, style := range []etlwrite.Style{etlwrite.PktMon, etlwrite.Netsh} {
			roundTrip(t, style, payload, int(n%8)+1)
		}
	})
}

func roundTrip(t *testing.T, style etlwrite.Style, payload []byte, count int) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out bytes.Buffer
	w, err := etlwrite.New(&out, style, etlwrite.Options{Start: start, Processors: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range count {
		p := etlwrite.Packet{Time: start.Add(time.Duration(i) * time.Second), Component: uint16(i), Type: etlwrite.TypeIP, Data: payload, Fragments: i + 1}
		if err := w.Packet(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tr, err := etl.Read(&out)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Damage != nil || len(tr.Skipped) > 0 || len(tr.Packets) != count {
		t.Fatalf("style %d: damage %v, skipped %v, %d packets of %d", style, tr.Damage, tr.Skipped, len(tr.Packets), count)
	}
	for i, p := range tr.Packets {
		if !bytes.Equal(p.Data, payload) || !p.Time.Equal(start.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("style %d: packet %d differs: %d bytes at %v", style, i, len(p.Data), p.Time)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	var noisy []byte
	for i := 0; i < 70000; i++ {
		noisy = append(noisy, byte(i*i>>3), byte(i%251))
	}
	for _, payload := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte{7}, 65000), noisy[:65000], append(bytes.Repeat([]byte("ab"), 20000), noisy[:20000]...)} {
		for _, style := range []etlwrite.Style{etlwrite.PktMon, etlwrite.Netsh} {
			roundTrip(t, style, payload, 3)
		}
	}
}
