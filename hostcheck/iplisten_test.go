package hostcheck

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestCheckIPListen: HTTP.sys with an IP listen list that leaves out the
// VIP answers nothing on it, however the host model and sites are set up;
// with the VIP (or 0.0.0.0) in the list, or no list, nothing changes.
func TestCheckIPListen(t *testing.T) {
	vip := netip.MustParseAddr("192.0.2.10")
	for _, tc := range []struct {
		list []string
		want []analyze.EvidenceKind // of the no-listener-on-vip finding; nil: none
	}{
		{nil, nil},
		{[]string{"10.0.0.5"}, []analyze.EvidenceKind{analyze.EvFactHTTPListenOnly}},
		{[]string{"10.0.0.5", "192.0.2.10"}, nil},
		{[]string{"0.0.0.0"}, nil},
	} {
		facts := windowsFacts(t, "en", "after.txt")
		facts.IPListenRead = true
		for _, a := range tc.list {
			facts.IPListen = append(facts.IPListen, netip.MustParseAddr(a))
		}
		v := Check(facts, vip, 443, nil)
		var got []analyze.EvidenceKind
		for i := range v.Findings {
			if v.Findings[i].Cause == analyze.NoListenerOnVIP {
				got = factKinds(&v.Findings[i])
			} else {
				t.Errorf("list %v: unexpected finding %s", tc.list, v.Findings[i].Cause)
			}
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("list %v (-want +got):\n%s", tc.list, d)
		}
	}
}

// TestApplyIPListen: refused SYNs to the VIP and a listen list without it
// make no-listener-on-vip certain.
func TestApplyIPListen(t *testing.T) {
	cfg := analyze.Config{VIPs: analyze.PrefixSet{netip.MustParsePrefix("192.0.2.10/32")}}
	r := runCapture(t, "lab-dsr-nolistener.pcap", cfg)
	facts := linuxFacts()
	facts.OS = "windows"
	facts.IPListenRead, facts.IPListen = true, []netip.Addr{netip.MustParseAddr("10.2.0.2")}
	Apply(r, facts)
	f := finding(t, r, analyze.NoListenerOnVIP)
	if ks := factKinds(f); f.Confidence != analyze.High || len(ks) == 0 || ks[len(ks)-1] != analyze.EvFactHTTPListenOnly {
		t.Errorf("confidence %s, facts %v; want high, ending with %s", f.Confidence, ks, analyze.EvFactHTTPListenOnly)
	}
}
