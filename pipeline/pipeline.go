package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/report"
)

// Config is what a run does with its Result, checked before any packet is
// read. It holds no run-time state: which addresses stay as they are is
// derived from the analysis' configuration by Start.
type Config struct {
	Facts     *hostfacts.Facts // the capture host's configuration; nil: none
	Redaction report.Redaction // --redact, --redact-sni
	Options   report.Options   // language and build; each Report sets its width
	Reports   []Report         // at least one
	Evidence  Evidence         // Kind NoEvidence: none
	Inputs    []string         // the inputs' names, as the JSONL lines name them
	// Eager writes each JSONL line out as soon as it is made (live, for a
	// pipe that reads them as they come).
	Eager bool
}

// Report is one report of the run.
type Report struct {
	Format string    // a report.Lookup name
	Flag   string    // the flag that named the file, for errors: "-o", "--out"
	Name   string    // the file; "" writes to Out
	Out    io.Writer // where the report goes when Name is ""
	Width  int       // the terminal's width for text; 0: the default
}

// ErrNotRedactable is evidence written as it is captured into something
// other than a regular file, with redaction asked for: its packets could
// not be rewritten afterwards.
var ErrNotRedactable = errors.New("not a regular file: packets written there as they come could not be redacted afterwards")

// Run is one run's outputs, created by Start before the analysis and put
// in place by Finish after it.
type Run struct {
	cfg      Config
	red      *report.Redactor
	jsonl    *report.JSONLWriter
	outs     []io.Writer
	files    []*outfile.File // by report; nil when written to Out
	evidence *outfile.File
	partial  []string // where an interrupted run's outputs went
}

// Start creates every output (a bad path fails before any packet is read)
// and returns the run with acfg as the analysis must be run: attempts of a
// streamed report are written as they become final, with the stand-ins
// the report will use. ctx ends the wait for a FIFO output's reader.
// Close the Run when done with it.
func Start(ctx context.Context, cfg Config, acfg analyze.Config) (*Run, analyze.Config, error) {
	if len(cfg.Reports) == 0 {
		return nil, acfg, errors.New("pipeline: no report")
	}
	r := &Run{cfg: cfg, red: report.NewRedactor(cfg.Redaction, keeper(acfg))}
	if err := r.create(ctx); err != nil {
		r.Close()
		return nil, acfg, err
	}
	acfg.OnAttempt = r.stream(acfg.OnAttempt)
	return r, acfg, nil
}

// keeper is which addresses no redaction replaces while attempts stream:
// the VIPs and host addresses given, and the probes' ranges.
func keeper(cfg analyze.Config) func(netip.Addr) bool {
	return func(a netip.Addr) bool {
		return cfg.VIPs.Contains(a) || cfg.HostAddrs.Contains(a) || cfg.ProbeNets.Contains(a) || analyze.DefaultProbeNets.Contains(a)
	}
}

func (r *Run) create(ctx context.Context) error {
	for _, rep := range r.cfg.Reports {
		if _, err := report.Lookup(rep.Format); err != nil {
			return err
		}
		out, f := rep.Out, (*outfile.File)(nil)
		if rep.Name != "" {
			var err error
			if f, err = outfile.CreateContext(ctx, rep.Flag, rep.Name); err != nil {
				return err
			}
			out = f
		}
		r.outs, r.files = append(r.outs, out), append(r.files, f)
	}
	ev := r.cfg.Evidence
	if ev.Kind == NoEvidence {
		return nil
	}
	var err error
	if r.evidence, err = outfile.CreateContext(ctx, ev.Flag, ev.Name); err != nil {
		return err
	}
	if ev.Kind == Captured && !r.evidence.Regular() && (r.cfg.Redaction.Clients || r.cfg.Redaction.Names) {
		return fmt.Errorf("%s %s is %w", ev.Flag, ev.Name, ErrNotRedactable)
	}
	return nil
}

// stream adds the JSONL lines of a streamed report to next.
func (r *Run) stream(next func(*analyze.Attempt) error) func(*analyze.Attempt) error {
	for i, rep := range r.cfg.Reports {
		if report.Streamed(rep.Format) {
			r.jsonl = report.NewJSONLWriter(r.outs[i], r.cfg.Inputs, r.red)
			r.jsonl.Eager = r.cfg.Eager
			break
		}
	}
	if r.jsonl == nil {
		return next
	}
	if next == nil {
		return r.jsonl.Attempt
	}
	return func(a *analyze.Attempt) error {
		if err := next(a); err != nil {
			return err
		}
		return r.jsonl.Attempt(a)
	}
}

// CaptureEvidence is where a live capture writes its packets as they come
// (Kind Captured); nil for other kinds.
func (r *Run) CaptureEvidence() io.Writer {
	if r.cfg.Evidence.Kind != Captured || r.evidence == nil {
		return nil
	}
	return r.evidence
}

// Redactor is the run's: the stand-ins of the JSONL lines, the report and
// the evidence packets.
func (r *Run) Redactor() *report.Redactor { return r.red }

// Finish takes the analysis' result through the steps after it: host
// facts, redaction, evidence, reports, each output committed once
// complete. It returns res as the reports show it.
//
// An interrupted run (Result.Interrupted) leaves every old file as it was:
// its outputs go beside them under outfile.PartialName, the JSONL ends
// with a line of its own type saying so, and Partial names them.
func (r *Run) Finish(res *analyze.Result) (*analyze.Result, error) {
	if r.jsonl != nil {
		flush := r.jsonl.Flush
		if res.Interrupted() {
			flush = r.jsonl.Partial
		}
		if err := flush(); err != nil {
			return nil, fmt.Errorf("writing the report: %w", err)
		}
	}
	hostcheck.Apply(res, r.cfg.Facts)
	shown := r.red.Result(res)
	if err := r.writeEvidence(res, shown); err != nil {
		return nil, outfile.WithFlag(r.cfg.Evidence.Flag, err)
	}
	for i, rep := range r.cfg.Reports {
		render, _ := report.Lookup(rep.Format) // checked by Start
		o := r.cfg.Options
		o.Width = rep.Width
		if err := render(r.outs[i], shown, o); err != nil {
			return nil, fmt.Errorf("writing the report: %w", err)
		}
		if err := r.commit(r.files[i], res.Interrupted()); err != nil {
			return nil, err
		}
	}
	return shown, nil
}

// commit puts f in place, or beside the old file when the run was
// interrupted.
func (r *Run) commit(f *outfile.File, interrupted bool) error {
	if !interrupted || !f.Regular() {
		return f.Commit()
	}
	name, err := f.CommitPartial()
	if err == nil {
		r.partial = append(r.partial, name)
	}
	return err
}

// Partial names the files an interrupted run wrote beside the old ones,
// after Finish.
func (r *Run) Partial() []string { return r.partial }

// Close drops every output not yet committed, leaving the old files as
// they were; it can be deferred.
func (r *Run) Close() {
	for _, f := range r.files {
		f.Abort()
	}
	r.evidence.Abort()
}
