package report

import (
	"io"

	"github.com/slbdiag/slbdiag/hostfacts"
)

// DoctorSchema names the layout of `doctor --format json`; it changes
// when a field changes meaning or goes away.
const DoctorSchema = "slbdiag-doctor/1"

// doctorJSON is the checkups for automation, with snake_case keys as in
// analyze's JSON: the verdict over every port, one check per port with
// its findings, evidence texts and fixes, and the facts as read.
func doctorJSON(w io.Writer, cs []*Checkup, l Lang) error {
	type finding struct {
		Cause      string         `json:"cause"`
		Confidence string         `json:"confidence"`
		Summary    string         `json:"summary"`
		Evidence   []jsonEvidence `json:"evidence"`
		Fix        map[string]Fix `json:"fix"`
	}
	type nic struct {
		Index int    `json:"index"`
		Name  string `json:"name"`
	}
	type check struct {
		VIP        string    `json:"vip"`
		Verdict    string    `json:"verdict"`
		Confidence string    `json:"confidence"`
		Summary    string    `json:"summary"`
		NICs       []nic     `json:"receiving_nics"`
		NICsBy     string    `json:"receiving_nics_by,omitempty"`
		NotRead    []string  `json:"not_read"`
		Findings   []finding `json:"findings"`
	}
	doc := struct {
		Schema  string           `json:"schema"`
		Verdict string           `json:"verdict"`
		Checks  []check          `json:"checks"`
		Facts   *hostfacts.Facts `json:"facts"`
	}{Schema: DoctorSchema, Verdict: Worst(cs), Checks: []check{}}
	for _, c := range cs {
		_, text := doctorVerdict(c, l)
		ck := check{VIP: c.VIP.String(), Verdict: c.Verdict(), Confidence: string(c.Check.Confidence), Summary: text,
			NICs: []nic{}, NotRead: []string{}, Findings: []finding{}}
		if h := c.Check.Host; h != nil {
			for _, n := range h.NICs {
				ck.NICs = append(ck.NICs, nic{n.Index, n.Name})
			}
			ck.NICsBy = h.NICBy
		}
		for _, g := range c.Check.Gaps {
			ck.NotRead = append(ck.NotRead, gapText(g, l))
		}
		for i := range c.Check.Findings {
			f := &c.Check.Findings[i]
			jf := finding{Cause: string(f.Cause), Confidence: string(f.Confidence), Summary: prediction(f, l), Evidence: []jsonEvidence{}, Fix: map[string]Fix{}}
			for j := range f.Evidence {
				jf.Evidence = append(jf.Evidence, jsonEvidence{Kind: string(f.Evidence[j].Kind), Text: evidenceText(f, &f.Evidence[j], l), Frames: []jsonFrameRef{}})
			}
			for _, fx := range fixes(f, l) {
				jf.Fix[fx.Platform] = fx
			}
			ck.Findings = append(ck.Findings, jf)
		}
		doc.Checks = append(doc.Checks, ck)
		doc.Facts = c.Facts
	}
	return writeJSON(w, doc)
}
