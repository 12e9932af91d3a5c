package capture

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oldVersion rewrites a pcap rawPcap wrote as version 2.minor, with each
// record's two lengths swapped when swap is set, as old writers put them.
func oldVersion(b []byte, minor byte, swap bool) []byte {
	b = append([]byte(nil), b...)
	b[6] = minor
	for at := 24; at+16 <= len(b); {
		capLen := int(b[at+8]) | int(b[at+9])<<8 | int(b[at+10])<<16 | int(b[at+11])<<24
		if swap {
			var tmp [4]byte
			copy(tmp[:], b[at+8:at+12])
			copy(b[at+8:at+12], b[at+12:at+16])
			copy(b[at+12:at+16], tmp[:])
		}
		at += 16 + capLen
	}
	return b
}

type readRecord struct {
	Data            []byte
	CapLen, OrigLen int
}

func readRecords(t *testing.T, data []byte) ([]readRecord, error) {
	t.Helper()
	f, err := NewFile("old", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var got []readRecord
	for {
		b, ci, err := f.ZeroCopyReadPacketData()
		if err != nil {
			return got, err
		}
		got = append(got, readRecord{append([]byte(nil), b...), ci.CaptureLength, ci.Length})
	}
}

// TestOldPcapVersions: files with a version 2.0-2.3 header read as
// libpcap reads them, lengths swapped where old writers swapped them,
// and damage in them is placed at the same offset as in a 2.4 file.
func TestOldPcapVersions(t *testing.T) {
	f60, f40 := bytes.Repeat([]byte{1}, 60), bytes.Repeat([]byte{2}, 40)
	v24 := rawPcap(65535, 1, rec(1, f60), record{sec: 2, capLen: 40, origLen: 74, data: f40})
	want, err := readRecords(t, v24)
	if err.Error() != "EOF" || len(want) != 2 {
		t.Fatalf("2.4: %v, %d records", err, len(want))
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"2.0, lengths swapped", oldVersion(v24, 0, true)},
		{"2.2, lengths swapped", oldVersion(v24, 2, true)},
		{"2.3, lengths swapped", oldVersion(v24, 3, true)},
		{"2.3, lengths in order", oldVersion(v24, 3, false)},
	}
	tcpdump, _ := exec.LookPath("tcpdump")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readRecords(t, tt.data)
			if err == nil || err.Error() != "EOF" {
				t.Errorf("error %v, want EOF", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("records (-2.4 +got):\n%s", diff)
			}
			cut := tt.data[:len(tt.data)-10]
			checkDamage(t, cut, 1, 24+16+60, "")
			if tcpdump != "" {
				checkTcpdumpReads(t, tcpdump, tt.data, 2)
			}
		})
	}
}

// checkTcpdumpReads checks that tcpdump reads n records of data, with the
// original lengths slbdiag reads.
func checkTcpdumpReads(t *testing.T, tcpdump string, data []byte, n int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.pcap")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tcpdump, "-nn", "-r", path).Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("tcpdump: %v", err)
	}
	lines := 0
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && l[0] != '\t' && l[0] != ' ' {
			lines++
		}
	}
	// The 802.3 length field tcpdump prints is the original length less
	// the 14 bytes of header: 46 and 60 for records of 60 and 74 bytes.
	if lines != n || !strings.Contains(string(out), "length 46") || !strings.Contains(string(out), "length 60") {
		t.Errorf("tcpdump read %d records, want %d of 60 and 74 bytes:\n%s", lines, n, out)
	}
}
