package capture

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// numbered is a frame of size bytes that carries its number.
func numbered(n, size int) []byte {
	b := make([]byte, size)
	binary.BigEndian.PutUint32(b, uint32(n))
	return b
}

// fill adds count frames, one a millisecond from t0, and returns the
// numbers the window hands out from from on.
func fill(w *Window, t0 time.Time, count, size int, from time.Time) []int {
	for i := range count {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		w.Add(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: size, Length: size + 10}, layers.LinkTypeEthernet, numbered(i, size))
	}
	var got []int
	w.Since(from, func(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) error {
		n := int(binary.BigEndian.Uint32(data))
		if want := t0.Add(time.Duration(n) * time.Millisecond); !ci.Timestamp.Equal(want) || ci.Length != len(data)+10 || lt != layers.LinkTypeEthernet {
			panic("frame changed in the window")
		}
		got = append(got, n)
		return nil
	})
	return got
}

func TestWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		keep        time.Duration
		maxBytes    int
		count, size int
		from        time.Duration // after t0
		first, last int           // numbers handed out, in order, no gap
		lost        bool
	}{
		// Everything fits: exactly the frames from the time asked.
		{"all held", time.Hour, 1 << 20, 1000, 100, 250 * time.Millisecond, 250, 999, false},
		// The age bound lets whole blocks go: the window still reaches
		// keep back, and no frame was lost for lack of room.
		{"aged out", 2 * time.Second, 1 << 30, 10000, 1000, 8 * time.Second, 8000, 9999, false},
		// The byte bound takes the oldest frames while still young: the
		// window says from when on it is complete.
		{"bytes bound", time.Hour, 1 << 20, 10000, 1000, 0, -1, 9999, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWindow(tt.keep, tt.maxBytes)
			got := fill(w, t0, tt.count, tt.size, t0.Add(tt.from))
			if len(got) == 0 {
				t.Fatal("nothing handed out")
			}
			first := tt.first
			if first < 0 { // cut by bytes: the first frame kept follows the last lost
				first = int(w.Lost().Sub(t0)/time.Millisecond) + 1
			}
			if got[0] != first || got[len(got)-1] != tt.last || len(got) != tt.last-first+1 {
				t.Errorf("handed out %d frames, %d to %d; want %d to %d with no gap", len(got), got[0], got[len(got)-1], first, tt.last)
			}
			if lost := !w.Lost().IsZero(); lost != tt.lost {
				t.Errorf("Lost() = %v, want lost: %v", w.Lost(), tt.lost)
			}
			if w.Held() > tt.maxBytes {
				t.Errorf("holds %d bytes, bound %d", w.Held(), tt.maxBytes)
			}
			if tt.keep < time.Hour {
				// Everything held reaches keep back, and at most one
				// block (about 1030 of these frames) further.
				all := fill(w, t0, 0, 0, time.Time{})
				newest := tt.count - 1
				if all[0] > newest-int(tt.keep/time.Millisecond) || all[0] < newest-int(tt.keep/time.Millisecond)-1100 {
					t.Errorf("the oldest frame held is %d, newest %d: want keep (%s) back plus at most a block", all[0], newest, tt.keep)
				}
			}
		})
	}
}

// Memory stays flat: a day of traffic through a small window holds no
// more than its bound, and reuses its blocks.
func TestWindowFlat(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	w := NewWindow(time.Second, 1<<20)
	data := make([]byte, 1500)
	held := 0
	for i := range 200000 {
		w.Add(gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * 500 * time.Microsecond), CaptureLength: 1500, Length: 1500}, layers.LinkTypeEthernet, data)
		if i == 100000 {
			held = w.Held()
		}
	}
	if w.Held() != held || held > 1<<20 {
		t.Errorf("held %d bytes half way, %d at the end; bound %d", held, w.Held(), 1<<20)
	}
	// A frame larger than a block still fits, and is handed out whole.
	big := numbered(7, 300000)
	w.Add(gopacket.CaptureInfo{Timestamp: t0.Add(time.Hour), CaptureLength: len(big), Length: len(big)}, layers.LinkTypeEthernet, big)
	n := 0
	w.Since(t0.Add(time.Hour), func(ci gopacket.CaptureInfo, lt layers.LinkType, d []byte) error {
		if len(d) != len(big) || binary.BigEndian.Uint32(d) != 7 {
			t.Errorf("the large frame came back as %d bytes", len(d))
		}
		n++
		return nil
	})
	if n != 1 || w.Held() > 1<<20+len(big)+recordHeader {
		t.Errorf("%d large frames handed out, %d bytes held", n, w.Held())
	}
}
