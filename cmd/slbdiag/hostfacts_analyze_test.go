package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAnalyzeFixFromFacts replays the lab capture of a backend whose
// firewall drops the clients' SYNs to the VIP (testdata/pcaps/README.md,
// lab-dsr-firewall) with host facts: another host's facts are named at
// the top and used for nothing; the backend's own facts name the cause
// they point at, never the one they rule out, and the fix starts from
// them.
func TestAnalyzeFixFromFacts(t *testing.T) {
	pcap := filepath.Join("testdata", "pcaps", "lab-dsr-firewall.pcap")
	for _, tc := range []struct {
		facts       string
		verdict     string   // in the first line
		has, hasNot []string // in the whole report
	}{
		// H: facts of 10.0.0.5 against a capture of 10.2.0.2.
		{"linux/backend.txt", "PROBLEM: strong-host-receive (confidence medium)",
			[]string{"are of another host: their addresses (10.0.0.5) include none of the capture host's (10.2.0.2)"},
			[]string{"Host facts: 192.0.2.10 is on lo", "host model is not the cause"}},
		// C, G: the backend's facts with its nft ruleset.
		{"linux/lab-dsr-firewall-nft.txt", "PROBLEM: client-traffic-filtered (confidence high)",
			[]string{"1. nftables (host facts, line 35) drops clients' SYNs to port 443: ip daddr 192.0.2.10 tcp dport 443 drop", "nft insert rule inet lab input tcp dport 443 accept", "Already done, as the host facts show: the VIP is on lo"},
			[]string{"ip addr add 192.0.2.10/32 dev lo", "Cause: strong-host-receive", "another host"}},
		// G: no listener on the VIP and no firewall output: both remain.
		{"linux/lab-nolistener-nofilter.txt", "PROBLEM: no-listener-on-vip (confidence low)",
			[]string{"these two remain: the firewall (not read)", "1. Nothing listens on 192.0.2.10:443 (host facts)", "2. The firewall was not read", "iptables -L INPUT -n -v --line-numbers"},
			[]string{"ip addr add 192.0.2.10/32 dev lo", "Cause: strong-host-receive"}},
	} {
		r := slbdiag(t, nil, "analyze", "--host-facts", filepath.Join(hostFactsDir, tc.facts), pcap)
		first, _, _ := strings.Cut(unwrapped(r.stdout), "\n")
		if !strings.Contains(first, tc.verdict) {
			t.Errorf("%s: verdict %q, want %q", tc.facts, first, tc.verdict)
		}
		for _, s := range tc.has {
			if !reads(r.stdout, s) {
				t.Errorf("%s: report lacks %q:\n%s", tc.facts, s, r.stdout)
			}
		}
		for _, s := range tc.hasNot {
			if strings.Contains(r.stdout, s) {
				t.Errorf("%s: report has %q:\n%s", tc.facts, s, r.stdout)
			}
		}
		if r.code != exitProblems {
			t.Errorf("%s: exit %d, want %d", tc.facts, r.code, exitProblems)
		}
	}
}

// TestAnalyzeOtherHostJSON: JSON says whose facts were read and that
// another host's were left out.
func TestAnalyzeOtherHostJSON(t *testing.T) {
	pcap := filepath.Join("testdata", "pcaps", "lab-dsr-firewall.pcap")
	for _, tc := range []struct {
		facts string
		other bool
	}{{"linux/backend.txt", true}, {"linux/lab-dsr-firewall-nft.txt", false}} {
		r := slbdiag(t, nil, "analyze", "--format", "json", "--host-facts", filepath.Join(hostFactsDir, tc.facts), pcap)
		var doc struct {
			HostFacts *struct {
				OtherHost    bool     `json:"other_host"`
				CaptureHosts []string `json:"capture_hosts"`
			} `json:"host_facts"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.HostFacts == nil {
			t.Fatalf("%s: %v, host_facts %v", tc.facts, err, doc.HostFacts)
		}
		if doc.HostFacts.OtherHost != tc.other || !slices.Equal(doc.HostFacts.CaptureHosts, []string{"10.2.0.2"}) {
			t.Errorf("%s: host_facts %+v, want other_host %v and capture host 10.2.0.2", tc.facts, *doc.HostFacts, tc.other)
		}
	}
}
