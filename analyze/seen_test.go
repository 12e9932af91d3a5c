package analyze

import (
	"cmp"
	"context"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

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
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNotAtBackendTranslated: a load balancer that translates the VIP to
// the host's own address delivers the clients' SYNs to another
// destination; when the backend's capture shows those failing, the
// VIP's SYNs may well have reached it, and it is not said they did not.
func TestNotAtBackendTranslated(t *testing.T) {
	const isn, pisn, sisn = 1000, 5000, 9000
	eth := layers.LinkTypeEthernet
	probe := netip.MustParseAddrPort("100.100.110.1:40000")
	clientSide := func() []timedFrame {
		var f []timedFrame
		for _, at := range []time.Duration{0, time.Second, 3 * time.Second} {
			f = append(f, timedFrame{at, eth, tcpFrame(t, synP(client, vip, isn)), 0})
		}
		return f
	}
	backendSide := func(translated bool) []timedFrame {
		f := []timedFrame{
			{500 * time.Millisecond, eth, tcpFrame(t, synP(probe, real, pisn)), 0},
			{501 * time.Millisecond, eth, tcpFrame(t, synAckP(real, probe, pisn, sisn)), 0},
			{502 * time.Millisecond, eth, tcpFrame(t, ackP(probe, real, pisn, sisn)), 0},
		}
		if translated {
			for _, at := range []time.Duration{10 * time.Millisecond, time.Second, 3 * time.Second} {
				f = append(f, timedFrame{at + 10*time.Millisecond, eth, tcpFrame(t, synP(client, real, isn)), 0})
			}
			slices.SortStableFunc(f, func(a, b timedFrame) int { return cmp.Compare(a.at, b.at) })
		}
		return f
	}
	for _, tt := range []struct {
		name       string
		translated bool
		want       bool // no-traffic-to-vip offered
	}{
		{"nothing reached the backend", false, true},
		{"the backend saw the clients' SYNs translated", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ports, _ := ParsePorts("443")
			r, _ := runAll(Config{Ports: ports}, []Input{
				{Name: "client", Source: &timedSource{frames: clientSide()}},
				{Name: "backend", Source: &timedSource{frames: backendSide(tt.translated)}},
			})
			got := slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Cause == NoTrafficToVIP })
			if got != tt.want {
				t.Errorf("no-traffic-to-vip offered: %v, want %v (findings %v)", got, tt.want, r.Findings)
			}
		})
	}
}
