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
