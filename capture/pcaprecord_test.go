package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestPcapRecordsAsPcapgo: records taken straight from the read buffer
// are pcapgo's, byte for byte and field for field, on every bundled pcap
// file and on microsecond and nanosecond files written by pcapgo, with
// records of every length around the buffer's refills.
func TestPcapRecordsAsPcapgo(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(pcapsDir, "*.pcap"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bundled pcap files: %v", err)
	}
	inputs := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(p)] = b
	}
	for _, nanos := range []bool{false, true} {
		var buf bytes.Buffer
		w := pcapgo.NewWriter(&buf)
		if nanos {
			w = pcapgo.NewWriterNanos(&buf)
		}
		if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
			t.Fatal(err)
		}
		for i := range 3000 {
			n := 14 + i*37%9000
			ts := time.Unix(1700000000+int64(i), int64(i)*999_999_937%1e9)
			if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: n, Length: n + i%3}, bytes.Repeat([]byte{byte(i)}, n)); err != nil {
				t.Fatal(err)
			}
		}
		inputs[map[bool]string{false: "written-micro", true: "written-nano"}[nanos]] = buf.Bytes()
	}
	for name, b := range inputs {
		f, err := NewFile(name, bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ref, err := pcapgo.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: pcapgo: %v", name, err)
		}
		for i := 1; ; i++ {
			data, ci, err := f.ZeroCopyReadPacketData()
			wantData, wantCI, wantErr := ref.ReadPacketData()
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%s record %d: error %v, pcapgo's %v", name, i, err, wantErr)
			}
			if err != nil {
				if wantErr == io.EOF && err != io.EOF {
					t.Errorf("%s: %v at the end, pcapgo's %v", name, err, wantErr)
				}
				break
			}
			if !bytes.Equal(data, wantData) {
				t.Fatalf("%s record %d: %d bytes differ from pcapgo's %d", name, i, len(data), len(wantData))
			}
			if diff := cmp.Diff(wantCI, ci); diff != "" {
				t.Fatalf("%s record %d: capture info (-pcapgo +got):\n%s", name, i, diff)
			}
		}
	}
}
