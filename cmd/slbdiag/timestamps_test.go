package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// A capture whose clock jumped years: the text report gives both dates
// and warns once, as does the JSON.
func TestYearsApartBinary(t *testing.T) {
	name := filepath.Join(t.TempDir(), "clock.pcap")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	frame := make([]byte, 60)
	for _, ts := range []time.Time{t0, t0.Add(time.Second), t0.AddDate(-7, 0, 0), t0.AddDate(-7, 0, 0).Add(time.Second), t0.Add(2 * time.Second)} {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}, frame); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r := slbdiag(t, nil, "analyze", name)
	if !strings.Contains(unwrapped(r.stdout), "2019-03-02 10:00:00 to 2026-03-02 10:00:02") {
		t.Errorf("text report does not give both dates:\n%s", r.stdout)
	}
	if n := strings.Count(unwrapped(r.stdout), "odd timestamps"); n != 1 || !strings.Contains(unwrapped(r.stdout), "2 frames have odd timestamps (the first: frame 3 at 2019-03-02 10:00:00.000000, after 2026-03-02 10:00:01.000000)") {
		t.Errorf("%d odd-timestamps warnings, want one naming frame 3:\n%s", n, r.stdout)
	}
	j := slbdiag(t, nil, "analyze", "--format", "json", name)
	if n := strings.Count(j.stdout, `"kind": "odd-timestamps"`); n != 1 {
		t.Errorf("%d odd-timestamps warnings in JSON, want one:\n%s", n, j.stdout)
	}
}
