package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const pcapsDir = "../testdata/pcaps"

// bundled lists the bundled captures that read to their end.
func bundled(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, ext := range []string{"*.pcap", "*.pcapng", "*.cap"} {
		m, _ := filepath.Glob(filepath.Join(pcapsDir, ext))
		for _, p := range m {
			if !strings.Contains(p, "truncated") {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no bundled captures")
	}
	return out
}

// frameEnds reads a whole capture and returns its frames and, for each, the
// byte offset just after it.
func frameEnds(t *testing.T, data []byte) (frames [][]byte, ends []int64) {
	t.Helper()
	f, err := NewFile("whole", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, _, err := f.ZeroCopyReadPacketData()
		if err == io.EOF {
			return frames, ends
		}
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, bytes.Clone(b))
		ends = append(ends, f.goodEnd)
	}
}

// TestTruncatedAtEveryByte cuts every bundled capture at every byte: the
// frames before the cut are all read, none after, and the error says where
// the damage starts.
func TestTruncatedAtEveryByte(t *testing.T) {
	for _, path := range bundled(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		plain := data
		gz := bytes.HasPrefix(data, magicGzip)
		if gz {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if plain, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		want, ends := frameEnds(t, plain)
		t.Run(filepath.Base(path), func(t *testing.T) {
			for cut := range len(data) {
				f, err := NewFile("cut", bytes.NewReader(data[:cut]))
				if err != nil {
					continue // the header itself is cut: an error, not a panic
				}
				got, err := readAll(f)
				for i := range got {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("cut at %d: frame %d differs", cut, i+1)
					}
				}
				var re *ReadError
				if !errors.As(err, &re) {
					if !gz && err == nil && readable(ends, cut) == len(got) {
						continue // cut between records: nothing is lost
					}
					t.Fatalf("cut at %d: %d frames, error %v; want a *ReadError", cut, len(got), err)
				}
				if re.Frames != len(got) {
					t.Fatalf("cut at %d: read %d frames, error says %d", cut, len(got), re.Frames)
				}
				if gz {
					continue // gzip needs its trailer: frames may stay in the decompressor
				}
				if len(got) != readable(ends, cut) {
					t.Fatalf("cut at %d: read %d frames, %d ended before the cut", cut, len(got), readable(ends, cut))
				}
				if len(got) > 0 && re.Offset != ends[len(got)-1] {
					t.Fatalf("cut at %d: error at byte %d, want %d (the end of frame %d)", cut, re.Offset, ends[len(got)-1], len(got))
				}
			}
		})
	}
}

// readable is how many frames end at or before byte cut.
func readable(ends []int64, cut int) int {
	n := 0
	for n < len(ends) && ends[n] <= int64(cut) {
		n++
	}
	return n
}

// record is one pcap record, with header fields that may lie.
type record struct {
	sec, usec       uint32
	capLen, origLen uint32
	data            []byte
}

// rawPcap writes a little-endian microsecond pcap by hand, so that its
// lengths can be wrong on purpose.
func rawPcap(snaplen, linkType uint32, recs ...record) []byte {
	le := binary.LittleEndian
	b := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	b = le.AppendUint32(b, snaplen)
	b = le.AppendUint32(b, linkType)
	for _, r := range recs {
		b = le.AppendUint32(b, r.sec)
		b = le.AppendUint32(b, r.usec)
		b = le.AppendUint32(b, r.capLen)
		b = le.AppendUint32(b, r.origLen)
		b = append(b, r.data...)
	}
	return b
}

func rec(sec uint32, data []byte) record {
	return record{sec: sec, capLen: uint32(len(data)), origLen: uint32(len(data)), data: data}
}

// TestDamagedPcap: each class of damage keeps the frames before it and
// names where it is; damage that is only odd keeps every frame.
func TestDamagedPcap(t *testing.T) {
	f60, f74 := bytes.Repeat([]byte{1}, 60), bytes.Repeat([]byte{2}, 74)
	second := int64(24 + 16 + 60) // where the second record starts
	tests := []struct {
		name   string
		data   []byte
		frames int
		offset int64  // of the damage; -1: no damage
		errHas string // in the error text
	}{{
		name:   "garbage instead of a record header",
		data:   append(rawPcap(65535, 1, rec(1, f60)), bytes.Repeat([]byte{0xff}, 40)...),
		frames: 1, offset: second, errHas: "4294967295 bytes captured",
	}, {
		name:   "captured length above the original length",
		data:   rawPcap(65535, 1, rec(1, f60), record{sec: 2, capLen: 74, origLen: 60, data: f74}),
		frames: 1, offset: second, errHas: "capture length exceeds original packet length",
	}, {
		name:   "record longer than the snaplen: read, as Wireshark does",
		data:   rawPcap(64, 1, rec(1, f60), rec(2, f74), rec(3, f60)),
		frames: 3, offset: -1,
	}, {
		name:   "record longer than the file",
		data:   rawPcap(65535, 1, rec(1, f60), record{sec: 2, capLen: 1000, origLen: 1000, data: f74}),
		frames: 1, offset: second, errHas: "truncated after frame 1",
	}, {
		name:   "4 GB record in a 4 GB snaplen: refused before any allocation",
		data:   rawPcap(0xffffffff, 1, rec(1, f60), record{sec: 2, capLen: 0xfffffff0, origLen: 0xfffffff0, data: f74}),
		frames: 1, offset: second, errHas: "declared length too large",
	}, {
		name:   "zero-length records",
		data:   rawPcap(65535, 1, rec(1, f60), record{sec: 2, origLen: 60}, rec(3, nil), rec(4, f74)),
		frames: 4, offset: -1,
	}, {
		name:   "timestamps going backwards: read in file order",
		data:   rawPcap(65535, 1, rec(100, f60), rec(5, f74), rec(0, f60)),
		frames: 3, offset: -1,
	}, {
		name:   "unknown link type: frames read, the analyzer decides",
		data:   rawPcap(65535, 147, rec(1, f60), rec(2, f74)),
		frames: 2, offset: -1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDamage(t, tt.data, tt.frames, tt.offset, tt.errHas)
		})
	}
}

func checkDamage(t *testing.T, data []byte, frames int, offset int64, errHas string) {
	t.Helper()
	f, err := NewFile("damaged", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(f)
	if len(got) != frames {
		t.Errorf("read %d frames, want %d (error %v)", len(got), frames, err)
	}
	if offset < 0 {
		if err != nil {
			t.Errorf("error %v, want none", err)
		}
		return
	}
	var re *ReadError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *ReadError", err)
	}
	if re.Frames != frames || re.Offset != offset || !strings.Contains(err.Error(), errHas) {
		t.Errorf("error %q (frames %d, offset %d); want frames %d, offset %d, text with %q", err, re.Frames, re.Offset, frames, offset, errHas)
	}
}

// TestAbsurdSizeInGzip: a few kilobytes of gzip that inflate to a record
// declaring almost 4 GB must not make the reader hold it.
func TestAbsurdSizeInGzip(t *testing.T) {
	big := rawPcap(0xffffffff, 1, rec(1, frames[0]), record{sec: 2, capLen: 0xfffffff0, origLen: 0xfffffff0})
	big = append(big, make([]byte, 64<<20)...) // 64 MB of zeros: a record that keeps going
	data := gzipped(t, big)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	checkDamage(t, data, 1, 24+16+60, "declared length too large")
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading allocated %d MB", grew>>20)
	}
}

// block is a pcapng block written by hand: type, body, and the lengths it
// claims (0: the true one).
type block struct {
	typ          uint32
	body         []byte
	lead, trail  uint32
	truncateTail int // bytes cut off the end
}

func (b block) bytes() []byte {
	le := binary.LittleEndian
	n := uint32(12 + len(b.body))
	lead, trail := n, n
	if b.lead != 0 {
		lead = b.lead
	}
	if b.trail != 0 {
		trail = b.trail
	}
	out := le.AppendUint32(nil, b.typ)
	out = le.AppendUint32(out, lead)
	out = append(out, b.body...)
	out = le.AppendUint32(out, trail)
	return out[:len(out)-b.truncateTail]
}

func shb() block {
	return block{typ: ngSectionHeader, body: []byte{0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
}

func idb() block {
	return block{typ: ngInterface, body: []byte{1, 0, 0, 0, 0xff, 0xff, 0, 0}} // Ethernet, snaplen 65535
}

// epb is an enhanced packet block; capLen 0 means the true length.
func epb(data []byte, capLen uint32) block {
	le := binary.LittleEndian
	if capLen == 0 {
		capLen = uint32(len(data))
	}
	body := le.AppendUint32(nil, 0) // interface 0
	body = le.AppendUint32(body, 0)
	body = le.AppendUint32(body, 1)
	body = le.AppendUint32(body, capLen)
	body = le.AppendUint32(body, uint32(len(data)))
	body = append(body, data...)
	body = append(body, make([]byte, (4-len(data)%4)%4)...)
	return block{typ: ngEnhancedPacket, body: body}
}

func ng(blocks ...block) []byte {
	var out []byte
	for _, b := range blocks {
		out = append(out, b.bytes()...)
	}
	return out
}

// TestDamagedPcapng: blocks whose lengths lie are found before pcapng
// reading goes out of step; the frames before them are kept.
func TestDamagedPcapng(t *testing.T) {
	f60 := bytes.Repeat([]byte{1}, 60)
	head := int64(len(ng(shb(), idb())))
	second := head + int64(len(epb(f60, 0).bytes()))
	bad := func(b block) []byte { return ng(shb(), idb(), epb(f60, 0), b, epb(f60, 0)) }
	tests := []struct {
		name   string
		data   []byte
		frames int
		offset int64
		errHas string
	}{
		{"intact", ng(shb(), idb(), epb(f60, 0), epb(f60, 0)), 2, -1, ""},
		{"length not a multiple of 4", bad(block{typ: ngEnhancedPacket, body: epb(f60, 0).body, lead: 93}), 1, second, "cannot be 93 bytes long"},
		{"length below the minimum", bad(block{typ: ngEnhancedPacket, body: epb(f60, 0).body, lead: 8}), 1, second, "cannot be 8 bytes long"},
		{"length of 4 GB", bad(block{typ: ngEnhancedPacket, body: epb(f60, 0).body, lead: 0xfffffff0}), 1, second, "declared length too large"},
		{"trailing length differs", bad(block{typ: ngEnhancedPacket, body: epb(f60, 0).body, trail: 20}), 1, second, "says 92 at the start and 20 at the end"},
		{"leading length too long, still in the file", bad(block{typ: ngEnhancedPacket, body: epb(f60, 0).body, lead: 92 + 92}), 1, second, "says 184 at the start and 92 at the end"},
		{"captured length beyond the block", bad(epb(f60, 0xfffffff0)), 1, second, "declares 4294967280 bytes of content and has room for 60"},
		{"garbage between blocks", bad(block{typ: 0xffffffff, body: bytes.Repeat([]byte{0xee}, 40), lead: 0xeeeeeeee}), 1, second, "declared length too large"},
		{"unknown block with a bad trailer, before a packet", bad(block{typ: 0x0BAD, body: make([]byte, 8), trail: 12}), 1, second, "says 20 at the start and 12 at the end"},
		{"block cut short by the end of the file", ng(shb(), idb(), epb(f60, 0), block{typ: ngEnhancedPacket, body: epb(f60, 0).body, truncateTail: 30}), 1, second, "truncated after frame 1"},
		{"decryption secrets claiming more than their block: skipped whole", bad(block{typ: 0x0A, body: []byte{0x4b, 0x53, 0x4c, 0x54, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0}}), 2, -1, ""},
		{"interface that does not exist", bad(block{typ: ngEnhancedPacket, body: append([]byte{9, 0, 0, 0}, epb(f60, 0).body[4:]...)}), 1, second, "Interface id 9 not present"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDamage(t, tt.data, tt.frames, tt.offset, tt.errHas)
		})
	}
}

// TestLargeBlocksSkipped: blocks pcapgo does not need are skipped by their
// length however large (2 MiB of TLS secrets before the first packet, as
// Wireshark embeds them), and offsets past them stay exact.
func TestLargeBlocksSkipped(t *testing.T) {
	f60 := bytes.Repeat([]byte{1}, 60)
	secrets := block{typ: 0x0A, body: append([]byte{0x4b, 0x53, 0x4c, 0x54, 0, 0, 0x20, 0}, make([]byte, 2<<20)...)}
	custom := block{typ: 0x40000BAD, body: make([]byte, 3<<20)}
	stats := block{typ: 5, body: make([]byte, 32)}
	data := ng(shb(), idb(), secrets, epb(f60, 0), custom, stats, epb(f60, 0))
	checkDamage(t, data, 2, -1, "")

	// Damage after skipped blocks is placed in the file, not in what
	// pcapgo saw.
	cut := ng(shb(), idb(), secrets, epb(f60, 0), custom, block{typ: ngEnhancedPacket, body: epb(f60, 0).body, trail: 20})
	second := int64(len(ng(shb(), idb(), secrets, epb(f60, 0), custom)))
	checkDamage(t, cut, 1, second, "says 92 at the start and 20 at the end")

	// A skipped block cut short by the end of the file.
	short := ng(shb(), idb(), epb(f60, 0), secrets)
	short = short[:len(short)-100]
	checkDamage(t, short, 1, int64(len(ng(shb(), idb(), epb(f60, 0)))), "truncated after frame 1")
}

// TestBadSectionHeader: a pcapng whose first block lies is no capture to read.
func TestBadSectionHeader(t *testing.T) {
	for name, data := range map[string][]byte{
		"byte-order magic": ng(block{typ: ngSectionHeader, body: append([]byte{1, 2, 3, 4}, shb().body[4:]...)}, idb()),
		"length":           ng(block{typ: ngSectionHeader, body: shb().body, lead: 0x7ffffff0}, idb()),
		"trailing length":  ng(block{typ: ngSectionHeader, body: shb().body, trail: 12}, idb()),
	} {
		if _, err := NewFile("x", bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "reading the pcapng header") {
			t.Errorf("%s: error %v, want one about the pcapng header", name, err)
		}
	}
}
