package analyze

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

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

// idleSource yields one SYN, then says the capture went on without traffic
// until idle after it, then ends.
type idleSource struct {
	syn   []byte
	at    time.Time
	idle  time.Duration
	step  int
	seen  *[]string // what the Run had handed out when each read came
	count *int
}

type idleErr time.Time

func (e idleErr) Error() string        { return "no packet yet" }
func (e idleErr) IdleUntil() time.Time { return time.Time(e) }

func (s *idleSource) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	s.step++
	*s.seen = append(*s.seen, fmt.Sprintf("read %d: %d handed out", s.step, *s.count))
	switch s.step {
	case 1:
		return s.syn, gopacket.CaptureInfo{Timestamp: s.at, CaptureLength: len(s.syn), Length: len(s.syn)}, nil
	case 2:
		return nil, gopacket.CaptureInfo{}, idleErr(s.at.Add(s.idle))
	}
	return nil, gopacket.CaptureInfo{}, io.EOF
}

func (s *idleSource) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// A live capture without traffic still moves the clock: an unanswered SYN
// is handed out once the horizon has passed, not when the next frame
// comes, and an idle report before the horizon hands out nothing.
func TestIdleMovesTheClock(t *testing.T) {
	ports, _ := ParsePorts("443")
	for _, tt := range []struct {
		idle time.Duration
		want []string
	}{
		{11 * time.Second, []string{"read 1: 0 handed out", "read 2: 0 handed out", "read 3: 1 handed out"}},
		{9 * time.Second, []string{"read 1: 0 handed out", "read 2: 0 handed out", "read 3: 0 handed out"}},
	} {
		var seen []string
		var got []Attempt
		n := 0
		src := &idleSource{syn: synFrame(t, false), at: time.Unix(1e9, 0), idle: tt.idle, seen: &seen, count: &n}
		cfg := Config{Ports: ports, Horizon: 10 * time.Second, OnAttempt: func(a *Attempt) error { n++; got = append(got, *a); return nil }}
		r, err := Run(context.Background(), cfg, []Input{{Name: "live", Source: src}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, tt.want) {
			t.Errorf("idle %s: %q, want %q", tt.idle, seen, tt.want)
		}
		if len(got) != 1 || got[0].Outcome != Unanswered || r.Summary.Counts[Unanswered] != 1 {
			t.Errorf("idle %s: handed out %+v, counts %v; want one unanswered attempt", tt.idle, got, r.Summary.Counts)
		}
	}
}
