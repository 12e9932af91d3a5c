package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// causeTexts is everything a report says about one cause, in every
// language: declared once per cause, each in its own cause_*.go file, and
// looked up by whatever shows a finding. TestEveryKindHasText fails for a
// cause without them.
type causeTexts struct {
	about    func(Lang) (title, pattern string)  // for explain: what it is, and how a capture shows it
	headline func(*analyze.Finding, Lang) string // the finding in one sentence, before its cause and confidence
	why      func(*analyze.Finding, Lang) string // the mechanism
	windows  func(*analyze.Finding, Lang) Fix    // the fix on Windows
	linux    func(*analyze.Finding, Lang) Fix    // the fix on Linux
	// prediction is what a finding doctor made from the host's facts
	// alone means for SYNs to the VIP; predictsByHeadline says instead
	// that the headline says it as well (or that doctor never makes the
	// finding). Exactly one is set.
	prediction         func(*analyze.Finding, Lang) string
	predictsByHeadline bool
	// fact, when set, says what a piece of host-fact evidence shows where
	// this cause reads it otherwise than the others do (ok false: as they
	// do), in English and Chinese, without the "Host facts: " label.
	fact func(f *analyze.Finding, e *analyze.Evidence, l Lang) (en, zh string, ok bool)
	// hostModelFix: the Windows fix is the weak host model recipe, whose
	// title says so when the facts show that part done.
	hostModelFix bool
	// evidence says what each kind of evidence only this cause gives
	// shows; missing, what each kind only it names as not observed
	// would have shown. Kinds several causes share are in words.go.
	evidence map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string
	missing  map[analyze.EvidenceKind]func(*analyze.Finding, Lang) string
}

// textsOf holds the texts of every cause analyze knows.
var textsOf = map[analyze.Cause]causeTexts{
	analyze.StrongHostReceive: strongHostReceiveTexts,
	analyze.WeakHostSend:      weakHostSendTexts,
	analyze.NoListenerOnVIP:   noListenerTexts,
	analyze.TLSBindingMissing: tlsBindingTexts,
	analyze.ClientsFiltered:   clientsFilteredTexts,
	analyze.ReturnPathLost:    returnPathLostTexts,
	analyze.VIPAnswersARP:     vipAnswersARPTexts,
	analyze.NoTrafficToVIP:    noTrafficToVIPTexts,
	analyze.PartialLoss:       partialLossTexts,
}

// textsFor is a cause's texts; for an id this version does not know, its
// raw id, and no why or fix.
func textsFor(c analyze.Cause) causeTexts {
	if t, ok := textsOf[c]; ok {
		return t
	}
	return causeTexts{
		about: func(Lang) (string, string) { return "", "" },
		headline: func(f *analyze.Finding, l Lang) string {
			return l.tr(fmt.Sprintf("%s at %s.", f.Cause, f.Server), fmt.Sprintf("%s：%s。", f.Server, f.Cause))
		},
		why: func(*analyze.Finding, Lang) string { return "" },
	}
}

// ownEvidence is the sentence of an evidence kind a single cause gives,
// nil for a kind causes share.
func ownEvidence(k analyze.EvidenceKind) func(*analyze.Finding, *analyze.Evidence, Lang) string {
	for _, t := range textsOf {
		if say, ok := t.evidence[k]; ok {
			return say
		}
	}
	return nil
}

// ownMissing is the sentence of a kind of missing evidence a single
// cause names, nil for a kind causes share.
func ownMissing(k analyze.EvidenceKind) func(*analyze.Finding, Lang) string {
	for _, t := range textsOf {
		if say, ok := t.missing[k]; ok {
			return say
		}
	}
	return nil
}
