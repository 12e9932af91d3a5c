package report

import (
	"net/netip"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// languages are every language reports are written in, by --lang name.
func languages(t *testing.T) []Lang {
	t.Helper()
	var ls []Lang
	for _, name := range LangNames() {
		l, err := ParseLang(name)
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	if len(ls) < 2 {
		t.Fatalf("languages %v", ls)
	}
	return ls
}

// TestCauseTextsRegistry: the report declares texts for exactly the causes
// analyze knows, each with doctor's prediction or the explicit word that
// its headline is it; the texts themselves, in every language, are
// checked by TestEveryKindHasText.
func TestCauseTextsRegistry(t *testing.T) {
	known := map[analyze.Cause]bool{}
	for _, c := range analyze.Causes() {
		known[c] = true
		ct, ok := textsOf[c]
		if !ok {
			t.Errorf("%s: no cause_*.go file declares its texts", c)
			continue
		}
		if (ct.prediction == nil) == !ct.predictsByHeadline {
			t.Errorf("%s: needs exactly one of prediction and predictsByHeadline", c)
		}
	}
	for c := range textsOf {
		if !known[c] {
			t.Errorf("%s: texts for a cause analyze does not know", c)
		}
	}
}

// TestPredictionOfEveryCause: doctor's sentence for a finding of every
// cause, in every language, is its own prediction or its headline.
func TestPredictionOfEveryCause(t *testing.T) {
	vip, host := netip.MustParseAddrPort("192.0.2.10:443"), netip.MustParseAddr("10.0.0.5")
	for _, l := range languages(t) {
		for _, c := range analyze.Causes() {
			f := &analyze.Finding{Cause: c, Confidence: analyze.High, Server: vip, HostAddr: host, Attempts: 1, Syns: 1}
			got, h := prediction(f, l), headline(f, l)
			if got == "" {
				t.Errorf("%v %s: no prediction", l, c)
			}
			if ct := textsOf[c]; ct.predictsByHeadline != (got == h) {
				t.Errorf("%v %s: prediction %q, headline %q", l, c, got, h)
			}
		}
	}
}

// TestEvidenceOwnedOnce: a kind of evidence a cause declares as its own is
// told by that cause alone.
func TestEvidenceOwnedOnce(t *testing.T) {
	owner := map[analyze.EvidenceKind]analyze.Cause{}
	for _, c := range analyze.Causes() {
		ct := textsOf[c]
		for k := range ct.evidence {
			if o, ok := owner[k]; ok {
				t.Errorf("evidence %s told by both %s and %s", k, o, c)
			}
			owner[k] = c
		}
		for k := range ct.missing {
			if ct.missing[k] == nil {
				t.Errorf("%s: missing %s without a sentence", c, k)
			}
		}
	}
	if len(owner) == 0 {
		t.Error("no cause tells evidence of its own")
	}
}
