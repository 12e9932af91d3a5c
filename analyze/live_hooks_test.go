package analyze

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/slbdiag/slbdiag/capture"
)

// runFile replays one bundled capture with cfg.
func runFile(t *testing.T, name string, cfg Config) *Result {
	t.Helper()
	f, err := capture.Open(filepath.Join(pcapsDir, name), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _ := Run(context.Background(), cfg, []Input{{Name: name, Format: f.Format, Source: f}})
	return r
}

func roleOf(r *Result, server string) Role {
	for _, d := range r.Destinations {
		if d.Server.String() == server {
			return d.Role
		}
	}
	return ""
}

// Live, the OS names the host's addresses: one that never sends is still
// the host's, not a likely VIP.
func TestHostAddrsGiveTheHostRole(t *testing.T) {
	ports, _ := ParsePorts("443")
	r := runFile(t, "lab-linux-before.pcap", Config{Ports: ports})
	if got := roleOf(r, "192.0.2.10:443"); got != RoleLikelyVIP {
		t.Fatalf("without HostAddrs the silent destination is %q, want %q", got, RoleLikelyVIP)
	}
	host, _ := ParsePrefixes("192.0.2.10")
	r = runFile(t, "lab-linux-before.pcap", Config{Ports: ports, HostAddrs: host})
	if got := roleOf(r, "192.0.2.10:443"); got != RoleHost {
		t.Errorf("with HostAddrs it is %q, want %q", got, RoleHost)
	}
	vips, _ := ParsePrefixes("192.0.2.10")
	r = runFile(t, "lab-linux-before.pcap", Config{Ports: ports, HostAddrs: host, VIPs: vips})
	if got := roleOf(r, "192.0.2.10:443"); got != RoleVIP {
		t.Errorf("given with --vip it is %q, want %q: the user's word wins", got, RoleVIP)
	}
}

// Progress is called once per second of capture time with counts that only
// grow, and watching does not change the result.
func TestProgress(t *testing.T) {
	ports, _ := ParsePorts("443")
	var calls []Progress
	watched := runFile(t, "lab-linux-before.pcap", Config{Ports: ports, Progress: func(p Progress) { calls = append(calls, p) }})
	plain := runFile(t, "lab-linux-before.pcap", Config{Ports: ports})
	if !slices.Equal(plain.Examples, watched.Examples) || plain.Summary != watched.Summary {
		t.Errorf("watching changed the result:\n%+v\n%+v", plain.Examples, watched.Examples)
	}
	span := plain.Summary.End.Sub(plain.Summary.Start)
	if len(calls) < 2 || len(calls) > int(span/progressEvery)+1 {
		t.Fatalf("%d Progress calls over %s of capture, want one per %s", len(calls), span, progressEvery)
	}
	for i := 1; i < len(calls); i++ {
		a, b := calls[i-1], calls[i]
		if b.Frames < a.Frames || b.Attempts < a.Attempts || b.Unanswered < a.Unanswered {
			t.Errorf("counts went down: %+v then %+v", a, b)
		}
	}
	last := calls[len(calls)-1]
	if total := plain.Summary.Counts.Total(); last.Attempts > total || last.Unanswered > plain.Summary.Counts[Unanswered] || last.Unanswered == 0 {
		t.Errorf("last progress %+v; the result has %d attempts, %d unanswered", last, total, plain.Summary.Counts[Unanswered])
	}
}
