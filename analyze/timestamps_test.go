package analyze

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// stampSource yields one tiny frame per timestamp.
type stampSource struct{ ts []time.Time }

func (s *stampSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if len(s.ts) == 0 {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	ts := s.ts[0]
	s.ts = s.ts[1:]
	return []byte{0x45}, gopacket.CaptureInfo{Timestamp: ts, CaptureLength: 1, Length: 1}, nil
}

func (s *stampSource) LinkType() layers.LinkType { return layers.LinkTypeRaw }

// Timestamps that go back, jump years or lie outside any capture's time
// are counted once per input, with the first of them; ordinary jitter
// (out of order by less than a second) and long but plausible gaps are not.
func TestOddTimestamps(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	sec := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	tests := []struct {
		name   string
		ts     []time.Time
		count  int
		frame  int
		before time.Time
	}{
		{"in order", []time.Time{sec(0), sec(1), sec(2)}, 0, 0, time.Time{}},
		{"jitter", []time.Time{sec(0), sec(1), sec(0.5), sec(2)}, 0, 0, time.Time{}},
		{"a month's gap", []time.Time{sec(0), t0.AddDate(0, 1, 0)}, 0, 0, time.Time{}},
		{"back two seconds", []time.Time{sec(0), sec(5), sec(3), sec(6)}, 1, 3, sec(5)},
		{"years back, then on", []time.Time{sec(0), sec(1), t0.AddDate(-7, 0, 0), t0.AddDate(-7, 0, 1), sec(2)}, 2, 3, sec(1)},
		{"years ahead", []time.Time{sec(0), t0.AddDate(3, 0, 0), t0.AddDate(3, 0, 0)}, 1, 2, sec(0)},
		{"1970", []time.Time{time.Unix(5, 0), time.Unix(6, 0)}, 2, 1, time.Time{}},
		{"2106", []time.Time{time.Date(2106, 2, 7, 6, 28, 0, 0, time.UTC)}, 1, 1, time.Time{}},
	}
	for _, tt := range tests {
		ports, _ := ParsePorts("443")
		var first time.Time
		if tt.frame > 0 {
			first = tt.ts[tt.frame-1]
		}
		r, _ := Run(context.Background(), Config{Ports: ports}, []Input{{Name: "x", Source: &stampSource{ts: tt.ts}}})
		var got []Warning
		for _, w := range r.Warnings {
			if w.Kind == WarnTimestamps {
				got = append(got, w)
			}
		}
		if tt.count == 0 {
			if len(got) != 0 {
				t.Errorf("%s: warned %+v, want no warning", tt.name, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s: %d warnings %+v, want one", tt.name, len(got), got)
			continue
		}
		w := got[0]
		if w.Count != tt.count || w.Frame != tt.frame || !w.At.Equal(first) || !w.Before.Equal(tt.before) || w.File != 0 {
			t.Errorf("%s: warning %+v, want count %d, frame %d at %v after %v", tt.name, w, tt.count, tt.frame, first, tt.before)
		}
	}
}
