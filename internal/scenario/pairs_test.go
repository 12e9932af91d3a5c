package scenario

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestPairsAlone replays the backend's capture of every scenario recorded
// at the client and the backend at once on its own: it must give the
// cause the pair gives. Without a --vip, the VIPs are the servers only
// the client's capture saw SYNs to (a backend's capture of a load
// balancer that forwards nothing cannot infer them).
func TestPairsAlone(t *testing.T) {
	pairs := 0
	for _, s := range All() {
		if len(s.Files) != 2 || !strings.HasSuffix(s.Files[0], "-client.pcap") || !strings.HasSuffix(s.Files[1], "-backend.pcap") {
			continue
		}
		pairs++
		t.Run(s.Name, func(t *testing.T) {
			alone := s
			alone.Files = s.Files[1:]
			if alone.VIP == "" {
				alone.VIP = onlyClientSaw(s)
			}
			var got []string
			for _, f := range analyzeScenario(t, alone).Findings {
				got = append(got, string(f.Cause))
			}
			if !slices.Equal(got, s.Causes) {
				t.Errorf("%s alone (--vip %q): findings %q, the pair's %q", alone.Files[0], alone.VIP, got, s.Causes)
			}
		})
	}
	if pairs < 12 {
		t.Errorf("%d scenarios recorded at both ends; the lab records 12", pairs)
	}
}

// onlyClientSaw lists the servers whose SYNs only the client's capture
// holds, as a --vip value.
func onlyClientSaw(s Scenario) string {
	var vips []string
	for _, e := range s.Expect {
		if e.File == s.Files[0] && !slices.Contains(vips, e.Server.Addr().String()) {
			vips = append(vips, e.Server.Addr().String())
		}
	}
	for _, e := range s.Expect {
		if e.File == s.Files[1] {
			vips = slices.DeleteFunc(vips, func(v string) bool { return netip.MustParseAddr(v) == e.Server.Addr() })
		}
	}
	return strings.Join(vips, ",")
}
