package report

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

func TestCount(t *testing.T) {
	tests := []struct {
		n     int
		forms []string
		want  string
	}{
		{1, []string{"SYN"}, "1 SYN"},
		{0, []string{"SYN"}, "0 SYNs"},
		{9, []string{"SYN"}, "9 SYNs"},
		{1, []string{"frame has", "frames have"}, "1 frame has"},
		{2, []string{"frame has", "frames have"}, "2 frames have"},
	}
	for _, tt := range tests {
		if got := count(tt.n, tt.forms...); got != tt.want {
			t.Errorf("count(%d, %q) = %q, want %q", tt.n, tt.forms, got, tt.want)
		}
	}
}

func TestVerdictWithoutFindings(t *testing.T) {
	var ok analyze.Result
	ok.Ports = "443"
	ok.Summary.Frames = 10
	ok.Summary.Counts[analyze.Completed] = 3
	ok.Summary.Counts[analyze.Pending] = 1
	var none analyze.Result
	none.Ports = "443"
	none.Summary.Frames = 10
	tests := []struct {
		name string
		r    *analyze.Result
		want []string
	}{
		{"all completed", &ok, []string{"OK: all 3 judged handshakes completed.", "1 more began too close"}},
		{"no SYN at all", &none, []string{"NO DATA: no SYN to port 443 in 10 frames", "capture filter"}},
	}
	for _, tt := range tests {
		got := Verdict(tt.r, English)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: verdict %q lacks %q", tt.name, got, w)
			}
		}
	}
}

// TestWhyFollowsHostFacts: once the host's configuration shows it holds
// the VIP, the Why section must not say that no interface owns it, in
// either language, and must send the reader to the firewall.
func TestWhyFollowsHostFacts(t *testing.T) {
	vip := netip.MustParseAddrPort("192.0.2.10:443")
	f := analyze.Finding{Cause: analyze.StrongHostReceive, Confidence: analyze.Low, Server: vip,
		Host:     &analyze.HostConfig{OS: "linux", VIPOn: analyze.HostIface{Index: 1, Name: "lo"}},
		Evidence: []analyze.Evidence{{Kind: analyze.EvFactVIPOnLoopback, Fact: &analyze.Fact{Iface: analyze.HostIface{Index: 1, Name: "lo"}}}}}
	tests := []struct {
		l         Lang
		want, not string
	}{
		{English, "host firewall", "no interface of the host owns"},
		{Chinese, "主机防火墙", "主机上没有任何接口拥有"},
	}
	for _, tt := range tests {
		got := why(&f, tt.l)
		if !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
			t.Errorf("%v: why = %q; want %q in it and not %q", tt.l, got, tt.want, tt.not)
		}
	}
	f.Host = nil
	if got := why(&f, English); !strings.Contains(got, "no interface of the host owns") {
		t.Errorf("without host facts, why = %q", got)
	}
}
