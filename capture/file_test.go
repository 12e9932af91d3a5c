package capture

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

var frames = [][]byte{
	bytes.Repeat([]byte{1}, 60),
	bytes.Repeat([]byte{2}, 74),
	bytes.Repeat([]byte{3}, 54),
}

func pcapBytes(t testing.TB, nanos bool) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if nanos {
		w = pcapgo.NewWriterNanos(&b)
	}
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	writeFrames(t, w.WritePacket)
	return b.Bytes()
}

func pcapngBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	writeFrames(t, w.WritePacket)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFrames(t testing.TB, write func(gopacket.CaptureInfo, []byte) error) {
	t.Helper()
	ts := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: ts.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(f), Length: len(f)}
		if err := write(ci, f); err != nil {
			t.Fatal(err)
		}
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// readAll reads every frame and returns copies and the final error.
func readAll(f *File) ([][]byte, error) {
	var got [][]byte
	for {
		data, _, err := f.ZeroCopyReadPacketData()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return got, err
		}
		got = append(got, append([]byte(nil), data...))
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		format string
		gzip   bool
	}{
		{"pcap microseconds", pcapBytes(t, false), FormatPcap, false},
		{"pcap nanoseconds", pcapBytes(t, true), FormatPcap, false},
		{"pcapng", pcapngBytes(t), FormatPcapng, false},
		{"gzip'd pcap", gzipped(t, pcapBytes(t, false)), FormatPcap, true},
		{"gzip'd pcapng", gzipped(t, pcapngBytes(t)), FormatPcapng, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFile("x", bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tt.format || f.Gzip != tt.gzip || f.LinkType() != layers.LinkTypeEthernet {
				t.Errorf("format %s gzip %v link %v, want %s %v Ethernet", f.Format, f.Gzip, f.LinkType(), tt.format, tt.gzip)
			}
			if len(got) != len(frames) {
				t.Fatalf("read %d frames, want %d", len(got), len(frames))
			}
			for i := range got {
				if !bytes.Equal(got[i], frames[i]) {
					t.Errorf("frame %d differs", i+1)
				}
			}
		})
	}
}

func TestNotACapture(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"text", "hello, world\n", "x: not a pcap or pcapng capture (it starts with 68 65 6c 6c)"},
		{"empty", "", "x: not a pcap or pcapng capture: the file is empty"},
		{"short", "\x0a", "x: not a pcap or pcapng capture (it starts with 0a)"},
		{"gzip'd text", string(gzipped(t, []byte("hello, world\n"))), "x: not a pcap or pcapng capture: the file is gzip'd, and what it holds starts with 68 65 6c 6c"},
		{"gzip'd nothing", string(gzipped(t, nil)), "x: not a pcap or pcapng capture: the file is gzip'd and holds nothing"},
		{"zip", string(zipped(t, "c.pcap")), "x: not a pcap or pcapng capture: it is a zip archive: unzip it first and give slbdiag the capture inside"},
		{"xz", "\xfd7zXZ\x00\x00\x04", "x: not a pcap or pcapng capture: it is an xz-compressed file: decompress it first (xz -d FILE, or 7-Zip on Windows)"},
		{"cab", "MSCF\x00\x00\x00\x00", "x: not a pcap or pcapng capture: it is a Windows cabinet (.cab, as netsh trace writes beside its .etl): give slbdiag the .etl, or expand the .cab first (expand -F:* FILE DIR)"},
	}
	for _, tt := range tests {
		_, err := NewFile("x", bytes.NewReader([]byte(tt.data)))
		if !errors.Is(err, ErrNotCapture) || err.Error() != tt.want {
			t.Errorf("%s: error %q, want %q (wrapping ErrNotCapture)", tt.name, err, tt.want)
		}
	}
}

// TestTruncated cuts files inside the third record: the first two frames are
// read and the error names the frame count and the offset where the third starts.
func TestTruncated(t *testing.T) {
	pcap := pcapBytes(t, false)
	third := 24 + (16 + 60) + (16 + 74) // pcap header, two records
	ng := pcapngBytes(t)
	tests := []struct {
		name   string
		data   []byte
		offset int64
		gzip   bool
	}{
		{"pcap cut in record data", pcap[:third+16+10], int64(third), false},
		{"pcap cut in record header", pcap[:third+5], int64(third), false},
		{"gzip'd pcap cut in record data", gzipped(t, pcap[:third+20]), int64(third), true},
		{"pcapng cut in the last block", ng[:len(ng)-7], -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFile("cut.pcap", bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(f)
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want a *ReadError", err)
			}
			if len(got) != 2 || re.Frames != 2 || re.Gzip != tt.gzip {
				t.Errorf("read %d frames, error says %d (gzip %v); want 2 and 2 (gzip %v)", len(got), re.Frames, re.Gzip, tt.gzip)
			}
			if tt.offset >= 0 && re.Offset != tt.offset {
				t.Errorf("offset %d, want %d", re.Offset, tt.offset)
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v does not wrap io.ErrUnexpectedEOF", err)
			}
		})
	}
}

func TestReadErrorText(t *testing.T) {
	e := &ReadError{Name: "a.pcap", Frames: 12, Offset: 3456, Err: io.ErrUnexpectedEOF}
	if got, want := e.Error(), "a.pcap: truncated after frame 12, at byte 3456: unexpected EOF"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &ReadError{Name: "b.pcap.gz", Frames: 1, Offset: 99, Gzip: true, Err: errors.New("capture length exceeds snap length: 70000 > 65535")}
	if got, want := e.Error(), "b.pcap.gz: damaged after frame 1, at uncompressed byte 99: capture length exceeds snap length: 70000 > 65535"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir, nil)
	if want := dir + ": a directory, not a capture file"; !errors.Is(err, ErrDirectory) || err.Error() != want {
		t.Errorf("error %q, want %q (wrapping ErrDirectory)", err, want)
	}
}

// zipped is a zip archive holding one file, as archive/zip writes it.
func zipped(t *testing.T, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("not even a capture"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNotACaptureXZ checks the xz magic against a file the xz tool wrote.
func TestNotACaptureXZ(t *testing.T) {
	if _, err := exec.LookPath("xz"); err != nil {
		t.Skip("no xz")
	}
	out, err := exec.Command("sh", "-c", "echo capture | xz -c").Output()
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewFile("x", bytes.NewReader(out))
	if !errors.Is(err, ErrNotCapture) || !strings.Contains(err.Error(), "xz-compressed") {
		t.Errorf("error %v, want one naming an xz-compressed file", err)
	}
}
