package report

import (
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// Counts of one read in the singular, and "all" is kept for three or more.
func TestWordingByCount(t *testing.T) {
	for _, c := range []struct {
		completed int
		want      []string
	}{
		{1, []string{"OK: the 1 judged handshake completed.", "1 handshake attempt (1 SYN transmission) to port 443"}},
		{2, []string{"OK: both judged handshakes completed.", "2 handshake attempts (2 SYN transmissions) to port 443"}},
		{3, []string{"OK: all 3 judged handshakes completed.", "3 handshake attempts (3 SYN transmissions) to port 443"}},
	} {
		r := &analyze.Result{Ports: "443"}
		r.Summary.Counts[analyze.Completed] = c.completed
		r.Summary.SynPackets = c.completed
		var b strings.Builder
		if err := Text(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%d completed: the report lacks %q:\n%s", c.completed, w, b.String())
			}
		}
	}
}

func TestFixHeading(t *testing.T) {
	for _, c := range []struct {
		title string
		l     Lang
		want  string
	}{
		{"Linux: the VIP on lo, ARP kept quiet", English, "Fix for Linux: the VIP on lo, ARP kept quiet"},
		{"The load balancer: make it send the VIP to this backend", English, "Fix for the load balancer: make it send the VIP to this backend"},
		{"Linux——VIP 配置在 lo 上", Chinese, "修复方案：Linux——VIP 配置在 lo 上"},
	} {
		if got := fixHeading(c.title, c.l); got != c.want {
			t.Errorf("fixHeading(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}
