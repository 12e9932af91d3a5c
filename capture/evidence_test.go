package capture

import (
	"bytes"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestWriteEvidence copies frames out of bundled captures of several
// formats and reads the result back: the same bytes and timestamps, in
// order, each with its comments, two picks of one frame merged.
func TestWriteEvidence(t *testing.T) {
	pcaps := filepath.Join("..", "testdata", "pcaps")
	names := []string{filepath.Join(pcaps, "raw-null.pcapng"), filepath.Join(pcaps, "sll.pcap"), filepath.Join(pcaps, "gzip-outcomes.cap")}
	picks := []Pick{
		{File: 2, Frame: 9, Comments: []string{"ICMP error"}},
		{File: 0, Frame: 7, Comments: []string{"SYN in the second section"}},
		{File: 0, Frame: 5, Comments: []string{"loopback SYN"}},
		{File: 1, Frame: 1, Comments: []string{"first"}},
		{File: 1, Frame: 1, Comments: []string{"and again"}},
	}
	var out bytes.Buffer
	const app = "slbdiag v1.2.3 (commit 0123456789ab)"
	n, err := WriteEvidence(&out, names, Evidence{Picks: picks, App: app})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("wrote %d packets, want 4", n)
	}
	want := []struct {
		file, frame int
		comments    []string
	}{{0, 5, []string{"loopback SYN"}}, {0, 7, []string{"SYN in the second section"}}, {1, 1, []string{"first", "and again"}}, {2, 9, []string{"ICMP error"}}}

	r, err := pcapgo.NewNgReader(bytes.NewReader(out.Bytes()), pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.SectionInfo().Application; got != app {
		t.Errorf("section header names the application %q, want %q", got, app)
	}
	for i, w := range want {
		data, ci, opts, err := r.ReadPacketDataWithOptions()
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		orig, oci := frameOf(t, names[w.file], w.frame)
		if !bytes.Equal(data, orig) || !ci.Timestamp.Equal(oci.Timestamp) {
			t.Errorf("packet %d is not frame %d of %s", i+1, w.frame, names[w.file])
		}
		if !slices.Equal(opts.Comments, w.comments) {
			t.Errorf("packet %d comments %q, want %q", i+1, opts.Comments, w.comments)
		}
	}
	if _, _, _, err := r.ReadPacketDataWithOptions(); err != io.EOF {
		t.Errorf("more packets than picked: %v", err)
	}
}

func TestWriteEvidenceMissingFrame(t *testing.T) {
	name := filepath.Join("..", "testdata", "pcaps", "sll2.pcap")
	_, err := WriteEvidence(io.Discard, []string{name}, Evidence{Picks: []Pick{{File: 0, Frame: 99}}})
	if err == nil || err.Error() != name+" has no frame 99: it ends after frame 8" {
		t.Errorf("err = %v", err)
	}
}

// frameOf reads one frame of a capture by its 1-based number.
func frameOf(t *testing.T, name string, frame int) ([]byte, gopacket.CaptureInfo) {
	t.Helper()
	f, err := Open(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := 1; ; i++ {
		data, ci, err := f.ZeroCopyReadPacketData()
		if err != nil {
			t.Fatalf("%s frame %d: %v", name, frame, err)
		}
		if i == frame {
			return bytes.Clone(data), ci
		}
	}
}
