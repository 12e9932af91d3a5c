package etl

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

// bufferOffsets lists where each buffer of a trace starts.
func bufferOffsets(b []byte) []int {
	var offs []int
	for off := 0; off+bufferHeaderLen <= len(b); off += int(binary.LittleEndian.Uint32(b[off:])) {
		offs = append(offs, off)
		if binary.LittleEndian.Uint32(b[off:]) == 0 {
			break
		}
	}
	return offs
}

// TestTruncated cuts traces at every length: the frames are those of the
// buffers read whole, the damage is named at the buffer where the file
// ends, and nothing panics.
func TestTruncated(t *testing.T) {
	for name, full := range map[string][]byte{"pktmon": synthPktMon(t), "netsh": synthNetsh(t)} {
		t.Run(name, func(t *testing.T) {
			offs := bufferOffsets(full)
			whole, err := Read(bytes.NewReader(full))
			if err != nil {
				t.Fatal(err)
			}
			if len(offs) < 3 {
				t.Fatalf("only %d buffers", len(offs))
			}
			// Every length near a buffer's start, a sample of the rest.
			for n := 0; n < len(full); n = nextCut(n, offs) {
				tr, err := Read(bytes.NewReader(full[:n]))
				if n < offs[1] {
					if !errors.Is(err, ErrNotETL) {
						t.Fatalf("cut at %d, inside the header buffer: error %v", n, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("cut at %d: %v", n, err)
				}
				last := 0
				for _, o := range offs {
					if o <= n {
						last = o
					}
				}
				if n == last {
					if tr.Damage != nil {
						t.Fatalf("cut at %d, between buffers: damage %v", n, tr.Damage)
					}
					continue
				}
				if tr.Damage == nil || tr.Damage.Offset != int64(last) || !errors.Is(tr.Damage, io.ErrUnexpectedEOF) {
					t.Fatalf("cut at %d: damage %v, want truncation at buffer %d", n, tr.Damage, last)
				}
				if len(tr.Packets) >= len(whole.Packets) {
					t.Fatalf("cut at %d: %d packets of %d", n, len(tr.Packets), len(whole.Packets))
				}
			}
		})
	}
}

func nextCut(n int, offs []int) int {
	for _, o := range offs {
		if n >= o && n < o+2*bufferHeaderLen {
			return n + 1
		}
	}
	return n + 61
}

// patch returns a copy of b with f applied.
func patch(b []byte, f func(b []byte)) []byte {
	c := append([]byte(nil), b...)
	f(c)
	return c
}

// TestDamagedBuffers checks the damage that leaves the rest of a file
// readable: the buffer is skipped with a line saying why.
func TestDamagedBuffers(t *testing.T) {
	pm := synthPktMon(t)
	offs := bufferOffsets(pm)
	ns := synthNetsh(t)
	nsOffs := bufferOffsets(ns)
	tests := []struct {
		name    string
		in      []byte
		skipped string // in the first Skipped error
		unknown string // a key of Unknown
	}{
		{"unknown compression", patch(pm, func(b []byte) { binary.LittleEndian.PutUint32(b[0x2c:], 2) }), "unsupported compression 2", ""},
		{"data that does not decompress", patch(pm, func(b []byte) {
			for i := offs[1] + bufferHeaderLen; i < offs[2]; i++ {
				b[i] = 0xff
			}
		}), "xpress: corrupt compressed data", ""},
		{"end of data past the buffer", patch(ns, func(b []byte) { binary.LittleEndian.PutUint32(b[nsOffs[1]+0x30:], 0x20000) }), "end of data 131072 is outside the buffer", ""},
		{"record size past the buffer", patch(ns, func(b []byte) { binary.LittleEndian.PutUint16(b[nsOffs[1]+bufferHeaderLen:], 0xfff0) }), "size 65520 does not fit", ""},
		{"unknown header type", patch(ns, func(b []byte) { b[nsOffs[1]+bufferHeaderLen+2] = 0x0f }), "", "header type 0x0f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := Read(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if tr.Damage != nil {
				t.Fatalf("damage %v: the rest of the file should be read", tr.Damage)
			}
			if tt.skipped != "" && (len(tr.Skipped) == 0 || !strings.Contains(tr.Skipped[0].Error(), tt.skipped)) {
				t.Errorf("skipped %v, want %q", tr.Skipped, tt.skipped)
			}
			if tt.unknown != "" && tr.Unknown[tt.unknown] != 1 {
				t.Errorf("unknown %v, want %q", tr.Unknown, tt.unknown)
			}
			var be *BufferError
			if tt.skipped != "" && (!errors.As(tr.Skipped[0], &be) || be.Offset == 0) {
				t.Errorf("skipped %v names no buffer offset", tr.Skipped)
			}
		})
	}
}

func TestNotETL(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("hello"), make([]byte, 4096)} {
		if _, err := Read(bytes.NewReader(in)); !errors.Is(err, ErrNotETL) {
			t.Errorf("%q: error %v, want ErrNotETL", in[:min(len(in), 8)], err)
		}
		if Detect(in) {
			t.Errorf("%q detected as ETL", in[:min(len(in), 8)])
		}
	}
	if !Detect(synthPktMon(t)) || !Detect(synthNetsh(t)) {
		t.Error("written traces not detected")
	}
}
