package analyze

import (
	"net/netip"
	"testing"
	"time"
)

// TestLateReplies: a SYN-ACK past the horizon is a late packet, and the
// warning suggests a horizon that would have kept it; a reply within the
// horizon suggests nothing.
func TestLateReplies(t *testing.T) {
	c, s := netip.MustParseAddrPort("198.51.100.23:50000"), netip.MustParseAddrPort("192.0.2.10:443")
	tests := []struct {
		name    string
		replyAt time.Duration
		late    int
		rerun   time.Duration
	}{
		{"within the horizon", 20 * time.Second, 0, 0},
		{"65 s after the SYN", 65 * time.Second, 1, 90 * time.Second},
		{"just past the horizon", 33 * time.Second, 1, 60 * time.Second},
		{"two minutes after", 125 * time.Second, 1, 150 * time.Second},
	}
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAnalyzer()
			feed(a, synP(c, s, 1000), base)
			feed(a, synAckP(s, c, 1000, 5000), base.Add(tt.replyAt))
			r := a.finish(nil)
			var got *Warning
			for i := range r.Warnings {
				if r.Warnings[i].Kind == WarnLate {
					got = &r.Warnings[i]
				}
			}
			switch {
			case tt.late == 0 && got != nil:
				t.Errorf("warning %+v, want none", *got)
			case tt.late > 0 && got == nil:
				t.Errorf("no late-packets warning")
			case got != nil && (got.Attempts != tt.late || got.Rerun != tt.rerun):
				t.Errorf("late replies %d, rerun %v; want %d, %v", got.Attempts, got.Rerun, tt.late, tt.rerun)
			}
		})
	}
}
