package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/pipeline"
	"github.com/slbdiag/slbdiag/report"
)

// factsTimeout bounds reading the host facts for one incident.
const factsTimeout = 30 * time.Second

// Line is an incident's line in incidents.jsonl (schema slbdiag-watch/1), for
// monitoring.
type Line struct {
	Schema   string         `json:"schema"` // slbdiag-watch/1
	Incident string         `json:"incident"`
	Dir      string         `json:"dir"`
	From     string         `json:"from"`                  // the evidence's first packet time asked for
	Lost     string         `json:"window_from,omitempty"` // set when --buffer held packets only from then on
	End      string         `json:"end"`
	Cut      string         `json:"cut,omitempty"` // stop or disk: closed before --after had passed
	Failures int            `json:"failures"`
	Attempts []LineAttempt  `json:"attempts"` // the failed attempts that opened or joined it (the first 100)
	Counts   map[string]int `json:"counts"`   // every attempt of the evidence, by outcome
	Causes   []string       `json:"causes"`
	Verdict  string         `json:"verdict"`
	Packets  int            `json:"packets"`
	Evidence string         `json:"evidence"`
	Reports  []string       `json:"reports"`
	Facts    []string       `json:"host_facts,omitempty"` // what the host facts predict now, when it differs from the start
	// NotWritten is why the incident's folder, evidence or reports could
	// not be written (folder removed or read-only, disk full); Dir,
	// Evidence and Reports then name nothing that exists.
	NotWritten string `json:"not_written,omitempty"`
}

// LineAttempt is a failed attempt of an incident, as its Line names it.
type LineAttempt struct {
	ClientIP   string `json:"client_ip"`
	ClientPort uint16 `json:"client_port"`
	ServerIP   string `json:"server_ip"`
	ServerPort uint16 `json:"server_port"`
	Outcome    string `json:"outcome"`
	Syns       int    `json:"syns"`
	FirstTS    string `json:"first_ts"`
	FirstFrame int    `json:"first_frame"` // in evidence.pcapng; 0 if not in it
}

// worker writes the evidence and reports of each incident closed.
func (w *Watcher) worker(ctx context.Context) {
	defer close(w.done)
	for inc := range w.jobs {
		w.process(ctx, inc)
		w.queued.Add(-1)
	}
}

// process writes one incident's evidence, reports and line, and counts it
// in the disk budget.
func (w *Watcher) process(ctx context.Context, inc *incident) {
	if err := w.finishIncident(ctx, inc); err != nil {
		w.Logf("incident %s: %v", inc.name, err)
		if !errors.Is(err, errLineNotWritten) {
			w.lostLine(inc, err.Error())
		}
	}
	w.disk.pending(-inc.bytes)
	w.disk.add(inc.name, incidentSize(inc.dir))
}

// finishIncident analyses an incident's packets as `analyze` would, then
// writes evidence.pcapng with the analysis' comments, the reports, and its
// line.
func (w *Watcher) finishIncident(ctx context.Context, inc *incident) error {
	raw := inc.raw.Name()
	defer os.Remove(raw)
	facts := w.readFacts(ctx)
	frames := map[triggerKey]int{}
	want := map[triggerKey]bool{}
	for _, a := range inc.triggers {
		want[keyOfAttempt(&a)] = true
	}
	pcfg := pipeline.Config{Facts: facts, Redaction: w.cfg.Redaction, Options: w.cfg.Options, Inputs: []string{evidenceName},
		Evidence: pipeline.Evidence{Kind: pipeline.Window, Flag: "--out", Name: filepath.Join(inc.dir, evidenceName),
			Files: []string{raw}, App: w.cfg.App, Comment: incidentComment(inc, w.cfg.Options.Lang),
			Marks: func() []capture.Pick { return triggerPicks(inc, frames, w.cfg.Options.Lang) }}}
	reports := []string{}
	for _, r := range w.cfg.Reports {
		pcfg.Reports = append(pcfg.Reports, pipeline.Report{Format: r.Format, Flag: "--out", Name: filepath.Join(inc.dir, r.File)})
		reports = append(reports, r.File)
	}
	acfg := w.acfg
	acfg.OnAttempt = func(a *analyze.Attempt) error {
		if k := keyOfAttempt(a); want[k] && a.First.File == 0 {
			frames[k] = a.First.Frame
		}
		return nil
	}
	run, acfg, err := pipeline.Start(context.Background(), pcfg, acfg)
	if err != nil {
		return err
	}
	defer run.Close()
	f, err := capture.Open(raw, nil)
	if err != nil {
		return err
	}
	res, err := analyze.Run(context.WithoutCancel(ctx), acfg, []analyze.Input{{Name: evidenceName, Format: f.Format, Source: f}})
	f.Close()
	if err != nil {
		return err
	}
	if inc.cut != "" {
		res.Warnings = append(res.Warnings, analyze.Warning{Kind: analyze.WarnCut, File: -1, Count: inc.packets, Attempts: inc.failures, Detail: inc.cut})
	}
	shown, err := run.Finish(res)
	if err != nil {
		return err
	}
	line := w.line(inc, shown, run.Redactor(), frames, facts)
	line.Evidence, line.Reports = evidenceName, reports
	w.written.Add(1)
	w.tally(res, inc)
	w.Logf("incident %s written: %s, %s; %s", inc.name, english.Plural(inc.failures, "failed attempt"), english.Plural(inc.packets, "packet"), line.Verdict)
	if line.Facts != nil {
		for _, l := range line.Facts {
			w.Logf("  host facts changed since the start: %s", l)
		}
	}
	if err := w.writeLine(&line); err != nil {
		return fmt.Errorf("%w: %w", errLineNotWritten, err)
	}
	return nil
}

// errLineNotWritten is an incident written whose line could not be.
var errLineNotWritten = errors.New("its line was not written")

// lostLine writes the line of an incident that could not be written, with
// why: a monitor counts every incident, lost ones included. With --redact
// its attempts' clients get stand-ins of their own, as no report named
// them.
func (w *Watcher) lostLine(inc *incident, why string) {
	line := Line{Schema: "slbdiag-watch/1", Incident: inc.name, Dir: inc.dir,
		From: inc.from.UTC().Format(time.RFC3339Nano), End: inc.end.UTC().Format(time.RFC3339Nano),
		Cut: inc.cut, Failures: inc.failures, Counts: map[string]int{}, Causes: []string{}, Reports: []string{},
		Verdict: "NOT WRITTEN: " + why, NotWritten: why}
	red := report.NewRedactor(w.cfg.Redaction, w.acfg.VIPs.Contains)
	for _, a := range inc.triggers {
		line.Attempts = append(line.Attempts, LineAttempt{
			ClientIP: red.Client(a.Client.Addr()).String(), ClientPort: a.Client.Port(),
			ServerIP: red.Addr(a.Server.Addr()).String(), ServerPort: a.Server.Port(),
			Outcome: a.Outcome.String(), Syns: a.Syns, FirstTS: a.FirstTS.UTC().Format(time.RFC3339Nano)})
	}
	if err := w.writeLine(&line); err != nil {
		w.Logf("incident %s: its line was not written either: %v", inc.name, err)
	}
}

// triggerKey finds a failed attempt again in its incident's analysis.
type triggerKey struct {
	client, server string
	isn            uint32
}

func keyOfAttempt(a *analyze.Attempt) triggerKey {
	return triggerKey{a.Client.String(), a.Server.String(), a.ISN}
}

// triggerPicks mark, in an incident's evidence, the first SYN of each
// failed attempt that opened or joined it.
func triggerPicks(inc *incident, frames map[triggerKey]int, l report.Lang) []capture.Pick {
	var picks []capture.Pick
	for _, a := range inc.triggers {
		if n := frames[keyOfAttempt(&a)]; n > 0 {
			picks = append(picks, capture.Pick{File: 0, Frame: n, Comments: []string{triggerComment(a.Outcome, inc.name, l)}})
		}
	}
	return picks
}

func triggerComment(o analyze.Outcome, name string, l report.Lang) string {
	if l == report.Chinese {
		return fmt.Sprintf("slbdiag watch：此握手尝试（%s）触发了事件 %s", o, name)
	}
	return fmt.Sprintf("slbdiag watch: this attempt (%s) triggered incident %s", o, name)
}

func (w *Watcher) line(inc *incident, shown *analyze.Result, red *report.Redactor, frames map[triggerKey]int, facts *hostfacts.Facts) Line {
	line := Line{Schema: "slbdiag-watch/1", Incident: inc.name, Dir: inc.dir,
		From: inc.from.UTC().Format(time.RFC3339Nano), End: inc.end.UTC().Format(time.RFC3339Nano),
		Cut: inc.cut, Failures: inc.failures, Packets: inc.packets, Counts: map[string]int{}, Causes: []string{},
		Verdict: report.Verdict(shown, w.cfg.Options.Lang)}
	if !inc.lost.IsZero() {
		line.Lost = inc.lost.UTC().Format(time.RFC3339Nano)
	}
	for _, a := range inc.triggers {
		line.Attempts = append(line.Attempts, LineAttempt{
			ClientIP: red.Client(a.Client.Addr()).String(), ClientPort: a.Client.Port(),
			ServerIP: red.Addr(a.Server.Addr()).String(), ServerPort: a.Server.Port(),
			Outcome: a.Outcome.String(), Syns: a.Syns, FirstTS: a.FirstTS.UTC().Format(time.RFC3339Nano),
			FirstFrame: frames[keyOfAttempt(&a)]})
	}
	for _, o := range analyze.Outcomes() {
		if n := shown.Summary.Counts[o]; n > 0 {
			line.Counts[o.String()] = n
		}
	}
	for _, f := range shown.Findings {
		line.Causes = append(line.Causes, string(f.Cause))
	}
	now := w.factLines(facts)
	w.mu.Lock()
	if facts != nil && fmt.Sprint(now) != fmt.Sprint(w.startSeen) {
		line.Facts = now
	}
	w.mu.Unlock()
	return line
}

func (w *Watcher) writeLine(line *Line) error {
	b, err := report.JSONLine(line)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.lines.Write(append(b, '\n'))
	if w.linesSize >= 0 {
		if w.linesSize += int64(n); w.linesSize >= w.rotateAt() {
			w.linesFile = rotate(w.linesFile, w.cfg.Incidents)
			w.lines, w.linesSize = w.linesFile, fileSize(w.linesFile)
		}
	}
	return err
}

// tally counts the causes an incident's report names, for the summary.
func (w *Watcher) tally(res *analyze.Result, inc *incident) {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := map[analyze.Cause]bool{}
	for _, f := range res.Findings {
		t := w.causes[f.Cause]
		if t == nil {
			t = &causeTally{}
			w.causes[f.Cause] = t
		}
		if !seen[f.Cause] {
			seen[f.Cause] = true
			t.incidents++
			t.attempts += inc.failures
		}
	}
}

// FactsAtStart reads this host's facts as the watch starts and says what
// they predict for each VIP, to be compared with each incident's.
func (w *Watcher) FactsAtStart(ctx context.Context) {
	facts := w.readFacts(ctx)
	lines := w.factLines(facts)
	for _, l := range lines {
		w.Logf("host facts: %s", l)
	}
	w.mu.Lock()
	w.startSeen = lines
	w.mu.Unlock()
}

func (w *Watcher) readFacts(ctx context.Context) *hostfacts.Facts {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), factsTimeout)
	defer cancel()
	facts, err := w.cfg.HostFacts(ctx)
	if err != nil {
		w.Logf("host facts not read: %v", err)
		return nil
	}
	return facts
}

// factLines are what the facts predict for each VIP given with --vip.
func (w *Watcher) factLines(facts *hostfacts.Facts) []string {
	return report.FactLines(facts, w.acfg, w.cfg.Options.Lang)
}

// incidentComment is the comment of an incident's evidence file as a
// whole (Wireshark: Statistics > Capture File Properties).
func incidentComment(inc *incident, l report.Lang) string {
	from, end := inc.from.UTC().Format(time.RFC3339), inc.end.UTC().Format(time.RFC3339)
	if l == report.Chinese {
		return fmt.Sprintf("slbdiag watch 事件 %s：%s 至 %s 之间抓到的全部数据包。触发事件的失败握手的首个 SYN，以及报告结论所依据的数据包，都在其注释中注明（frame.comment）。", inc.name, from, end)
	}
	return fmt.Sprintf("slbdiag watch incident %s: every packet captured from %s to %s. The first SYN of each failed attempt that made the incident, and the packets behind the report's findings, say so in their comments (frame.comment).", inc.name, from, end)
}
