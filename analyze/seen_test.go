package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/capture"
)

// runFiles analyzes bundled captures together, as 'slbdiag analyze A B'.
func runFiles(t *testing.T, vips string, names ...string) *Result {
	t.Helper()
	ports, err := ParsePorts("443")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Ports: ports}
	if vips != "" {
		if cfg.VIPs, err = ParsePrefixes(vips); err != nil {
			t.Fatal(err)
		}
	}
	var in []Input
	for _, n := range names {
		f, err := capture.Open(filepath.Join(pcapsDir, n), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		in = append(in, Input{Name: f.Name, Format: f.Format, Source: f})
	}
	r, err := Run(context.Background(), cfg, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNotAtBackend: SYNs the client's capture shows and the backend's,
// taken at the same time, never does died before the backend, whichever
// order the files come in; the host is not blamed. Captures of other
// times say nothing of each other.
func TestNotAtBackend(t *testing.T) {
	type want struct {
		Cause      Cause
		Confidence Confidence
		Server     string
		Attempts   int
		Evidence   []EvidenceKind
		Backend    string // the file the absence was seen in
	}
	const (
		c4, b4 = "lab-dsr-lb-blackhole-client.pcap", "lab-dsr-lb-blackhole-backend.pcap"
		c6, b6 = "lab-dsr6-lb-blackhole-client.pcap", "lab-dsr6-lb-blackhole-backend.pcap"
	)
	absent := []EvidenceKind{EvSynsUnanswered, EvRetransmissions, EvNotAtBackend}
	tests := []struct {
		name  string
		vips  string
		files []string
		want  []want
	}{
		{"ipv4", "", []string{c4, b4}, []want{{NoTrafficToVIP, High, "192.0.2.10:443", 2, absent, b4}}},
		{"ipv4 backend first", "", []string{b4, c4}, []want{{NoTrafficToVIP, High, "192.0.2.10:443", 2, absent, b4}}},
		{"ipv4 with --vip", "192.0.2.10", []string{c4, b4}, []want{{NoTrafficToVIP, High, "192.0.2.10:443", 2, absent, b4}}},
		{"ipv6", "", []string{c6, b6}, []want{{NoTrafficToVIP, High, "[2001:db8::10]:443", 2, absent, b6}}},
		// The IPv6 client's capture is of another time than the IPv4
		// backend's: the backend's was not running when the SYNs were sent.
		{"other times", "", []string{c6, b4}, []want{{StrongHostReceive, Medium, "[2001:db8::10]:443", 2,
			[]EvidenceKind{EvSynsUnanswered, EvRetransmissions, EvNeverSource, EvOwnAddrWorks}, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runFiles(t, tt.vips, tt.files...)
			var got []want
			for _, f := range r.Findings {
				w := want{Cause: f.Cause, Confidence: f.Confidence, Server: f.Server.String(), Attempts: f.Attempts}
				for _, e := range f.Evidence {
					w.Evidence = append(w.Evidence, e.Kind)
					if e.Kind == EvNotAtBackend && len(e.Frames) > 0 {
						w.Backend = filepath.Base(r.Inputs[e.Frames[0].File].Name)
					}
				}
				got = append(got, w)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
