package pipeline

import (
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/report"
)

// EvidenceKind is which packets an evidence file holds.
type EvidenceKind int

const (
	// NoEvidence writes none.
	NoEvidence EvidenceKind = iota
	// Findings holds the packets behind the findings, read again from
	// Files and commented (analyze --evidence).
	Findings
	// Captured holds every packet, written by the capture as it came
	// (CaptureEvidence) and rewritten with the stand-ins when redaction is
	// asked for (capture -w).
	Captured
	// Window holds every packet of Files, commented as Findings are, and
	// Marks besides (an incident of watch).
	Window
)

// Evidence is the packets a run writes beside its report.
type Evidence struct {
	Kind       EvidenceKind
	Flag, Name string   // the output, and the flag that named it
	Files      []string // Findings and Window: the captures the packets come from
	App        string   // the writer named in the file: "slbdiag VERSION"
	Comment    string   // Window: the file's comment
	// Marks are comments on more frames (Window), asked for once the
	// analysis is over.
	Marks func() []capture.Pick
}

// writeEvidence writes and commits the run's evidence file.
func (r *Run) writeEvidence(res, shown *analyze.Result) error {
	ev := r.cfg.Evidence
	switch ev.Kind {
	case NoEvidence:
		return nil
	case Captured:
		return r.redactCaptured(res)
	}
	sel := selection(res, shown, r.red, r.cfg.Options.Lang)
	sel.App = ev.App
	if ev.Kind == Window {
		sel.All = true
		sel.Comment = ev.Comment
		// Every packet is kept, not only those of attempts the report
		// names: a client the report never met (its connection began
		// before the window) gets a stand-in too, as in capture -w.
		sel.Redact.Others = r.red.Others(res)
		if ev.Marks != nil {
			sel.Picks = append(sel.Picks, ev.Marks()...)
		}
	}
	if _, err := capture.WriteEvidence(r.evidence, ev.Files, sel); err != nil {
		return err
	}
	return r.commit(r.evidence, res.Interrupted())
}

// redactCaptured puts a capture's evidence in place; with redaction its
// packets are first rewritten with the report's stand-ins, since they were
// written as they came, before anything was known of them.
func (r *Run) redactCaptured(res *analyze.Result) error {
	// Every client in the file is hidden, also those no attempt the report
	// names had: the file holds every packet captured.
	red := capture.Redaction{Addrs: r.red.Addrs(), Names: r.red.PacketNames(), Others: r.red.Others(res)}
	if len(red.Addrs) == 0 && len(red.Names) == 0 && red.Others == nil {
		return r.evidence.Commit()
	}
	if err := r.evidence.Sync(); err != nil {
		return err
	}
	redacted, err := outfile.Create(r.cfg.Evidence.Flag, r.cfg.Evidence.Name)
	if err != nil {
		return err
	}
	defer redacted.Abort()
	if err := capture.RedactCopy(redacted, r.evidence.Path(), red); err != nil {
		return err
	}
	r.evidence.Abort() // the unredacted packets go
	return redacted.Commit()
}

// selection is what the evidence file of res holds and says; shown is res
// as red redacted it.
func selection(res, shown *analyze.Result, red *report.Redactor, l report.Lang) capture.Evidence {
	ev := capture.Evidence{
		Comment: report.EvidenceSection(shown, l),
		Redact:  capture.Redaction{Addrs: red.Addrs(), Names: red.PacketNames()},
	}
	for ref, comments := range report.EvidenceComments(shown, l) {
		ev.Picks = append(ev.Picks, capture.Pick{File: ref.File, Frame: ref.Frame, Comments: comments})
	}
	for _, ea := range report.EvidenceAttempts(shown, l) {
		fl := exampleFlow(&res.Examples[ea.Attempt]) // by the real addresses, to find the packets
		fl.Comment = ea.Comment
		ev.Flows = append(ev.Flows, fl)
	}
	return ev
}

// evidenceTail is how long after an attempt's last packet known by time
// (its last SYN or its reply) its connection's packets are kept too: the
// ACK, the ClientHello and what the server said to it, the close.
const evidenceTail = time.Second

// exampleFlow is where an attempt's packets lie: from its first SYN to the
// last packet it is known by, in time (plus evidenceTail) or in frames of
// its first SYN's input.
func exampleFlow(a *analyze.Attempt) capture.Flow {
	fl := capture.Flow{Client: a.Client, Server: a.Server, From: a.FirstTS, To: a.FirstTS, File: a.First.File}
	if a.ReplySrc != a.Server.Addr() {
		fl.ReplySrc = a.ReplySrc
	}
	for _, ts := range []time.Time{a.LastSynTS, a.ReplyTS} {
		if ts.After(fl.To) {
			fl.To = ts
		}
	}
	fl.To = fl.To.Add(evidenceTail)
	for _, ref := range []analyze.FrameRef{a.First, a.LastSyn, a.Reply, a.Ack, a.Hello, a.HelloEnd} {
		if ref.File == fl.File {
			fl.Last = max(fl.Last, ref.Frame)
		}
	}
	return fl
}

// StandIns are the stand-ins with which red rewrites packets of the
// capture res was read from, as analyze --redact gives them: for a whole
// capture rewritten at once (slbdiag convert), every client is hidden,
// also those of no attempt the report names.
func StandIns(red report.Redaction, acfg analyze.Config, res *analyze.Result) capture.Redaction {
	x := report.NewRedactor(red, keeper(acfg))
	x.Result(res)
	return capture.Redaction{Addrs: x.Addrs(), Names: x.PacketNames(), Others: x.Others(res)}
}
