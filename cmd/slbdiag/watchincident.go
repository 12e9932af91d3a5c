package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/report"
)

// factsTimeout bounds reading the host facts for one incident.
const factsTimeout = 30 * time.Second

// incidentLine is an incident's line in incidents.jsonl, for monitoring.
type incidentLine struct {
	Schema   string            `json:"schema"` // slbdiag-watch/1
	Incident string            `json:"incident"`
	Dir      string            `json:"dir"`
	From     string            `json:"from"`                  // the evidence's first packet time asked for
	Lost     string            `json:"window_from,omitempty"` // set when --buffer held packets only from then on
	End      string            `json:"end"`
	Cut      string            `json:"cut,omitempty"` // stop or disk: closed before --after had passed
	Failures int               `json:"failures"`
	Attempts []incidentAttempt `json:"attempts"` // the failed attempts that opened or joined it (the first 100)
	Counts   map[string]int    `json:"counts"`   // every attempt of the evidence, by outcome
	Causes   []string          `json:"causes"`
	Verdict  string            `json:"verdict"`
	Packets  int               `json:"packets"`
	Evidence string            `json:"evidence"`
	Reports  []string          `json:"reports"`
	Facts    []string          `json:"host_facts,omitempty"` // what the host facts predict now, when it differs from the start
}

type incidentAttempt struct {
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
func (w *watcher) worker(ctx context.Context) {
	defer close(w.done)
	for inc := range w.jobs {
		w.process(ctx, inc)
	}
}

// process writes one incident's evidence, reports and line, and counts it
// in the disk budget.
func (w *watcher) process(ctx context.Context, inc *incident) {
	if err := w.finishIncident(ctx, inc); err != nil {
		w.logf("incident %s: %v", inc.name, err)
	}
	w.disk.pending(-inc.bytes)
	w.disk.add(inc.name, dirSize(inc.dir))
}

// finishIncident analyses an incident's packets as `analyze` would, then
// writes evidence.pcapng with the analysis' comments, the reports, and its
// line.
func (w *watcher) finishIncident(ctx context.Context, inc *incident) error {
	raw := inc.raw.Name()
	defer os.Remove(raw)
	facts := w.readFacts(ctx)
	rf := w.c.flags
	red := report.NewRedactor(report.Redaction{Clients: *rf.redact, Names: *rf.redactNames}, w.keepAddr)
	const evidenceName = "evidence.pcapng"
	cfg := w.cfg
	frames := map[triggerKey]int{}
	want := map[triggerKey]bool{}
	for _, a := range inc.triggers {
		want[keyOfAttempt(&a)] = true
	}
	var jsonl *outFile
	var lineWriter *report.JSONLWriter
	for _, f := range w.c.formats {
		if report.Streamed(f) {
			var err error
			if jsonl, err = createOutput("--out", filepath.Join(inc.dir, "report.jsonl")); err != nil {
				return err
			}
			defer jsonl.Abort()
			lineWriter = report.NewJSONLWriter(jsonl, []string{evidenceName}, red)
		}
	}
	cfg.OnAttempt = func(a *analyze.Attempt) error {
		red.Client(a.Client.Addr()) // stand-ins in order of first SYN, in every output
		if k := keyOfAttempt(a); want[k] && a.First.File == 0 {
			frames[k] = a.First.Frame
		}
		if lineWriter != nil {
			return lineWriter.Attempt(a)
		}
		return nil
	}
	f, err := capture.Open(raw, nil)
	if err != nil {
		return err
	}
	res, err := analyze.Run(context.WithoutCancel(ctx), cfg, []analyze.Input{{Name: evidenceName, Format: f.Format, Source: f}})
	f.Close()
	if err != nil {
		return err
	}
	hostcheck.Apply(res, facts)
	shown := red.Result(res)
	if err := w.writeIncidentEvidence(inc, raw, res, shown, red, frames); err != nil {
		return fmt.Errorf("writing its evidence: %w", err)
	}
	reports := []string{}
	for _, format := range w.c.formats {
		name := "report." + reportExt(format)
		reports = append(reports, name)
		if report.Streamed(format) {
			if err := lineWriter.Flush(); err != nil {
				return err
			}
			if err := jsonl.Commit(); err != nil {
				return err
			}
			continue
		}
		render, _ := report.Lookup(format)
		out, err := createOutput("--out", filepath.Join(inc.dir, name))
		if err != nil {
			return err
		}
		if err := render(out, shown, rf.opts); err != nil {
			out.Abort()
			return fmt.Errorf("writing %s: %w", name, err)
		}
		if err := out.Commit(); err != nil {
			return err
		}
	}
	line := w.incidentLine(inc, shown, red, frames, facts)
	line.Evidence, line.Reports = evidenceName, reports
	w.written.Add(1)
	w.tally(res, inc)
	w.logf("incident %s written: %s, %s; %s", inc.name, plural(inc.failures, "failed attempt"), plural(inc.packets, "packet"), line.Verdict)
	if line.Facts != nil {
		for _, l := range line.Facts {
			w.logf("  host facts changed since the start: %s", l)
		}
	}
	return w.writeLine(&line)
}

// triggerKey finds a failed attempt again in its incident's analysis.
type triggerKey struct {
	client, server string
	isn            uint32
}

func keyOfAttempt(a *analyze.Attempt) triggerKey {
	return triggerKey{a.Client.String(), a.Server.String(), a.ISN}
}

// writeIncidentEvidence writes evidence.pcapng: every packet of the
// incident, redacted, commented as --evidence comments, and each failed
// attempt that opened or joined it marked at its first SYN.
func (w *watcher) writeIncidentEvidence(inc *incident, raw string, res, shown *analyze.Result, red *report.Redactor, frames map[triggerKey]int) error {
	l := w.c.flags.opts.Lang
	ev := evidenceOf(res, shown, red, l)
	ev.All = true
	ev.Comment = incidentComment(inc, l)
	// Every packet is kept, not only those of attempts the report names:
	// a client the report never met (its connection began before the
	// window) gets a stand-in too, as in capture -w.
	ev.Redact.Others = red.Others(res)
	for _, a := range inc.triggers {
		if n := frames[keyOfAttempt(&a)]; n > 0 {
			ev.Picks = append(ev.Picks, capture.Pick{File: 0, Frame: n, Comments: []string{triggerComment(a.Outcome, inc.name, l)}})
		}
	}
	out, err := createOutput("--out", filepath.Join(inc.dir, "evidence.pcapng"))
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := capture.WriteEvidence(out, []string{raw}, ev); err != nil {
		return err
	}
	return out.Commit()
}

func triggerComment(o analyze.Outcome, name string, l report.Lang) string {
	if l == report.Chinese {
		return fmt.Sprintf("slbdiag watch：此握手尝试（%s）触发了事件 %s", o, name)
	}
	return fmt.Sprintf("slbdiag watch: this attempt (%s) triggered incident %s", o, name)
}

func (w *watcher) incidentLine(inc *incident, shown *analyze.Result, red *report.Redactor, frames map[triggerKey]int, facts *hostfacts.Facts) incidentLine {
	line := incidentLine{Schema: "slbdiag-watch/1", Incident: inc.name, Dir: inc.dir,
		From: inc.from.UTC().Format(time.RFC3339Nano), End: inc.end.UTC().Format(time.RFC3339Nano),
		Cut: inc.cut, Failures: inc.failures, Packets: inc.packets, Counts: map[string]int{}, Causes: []string{},
		Verdict: report.Verdict(shown, w.c.flags.opts.Lang)}
	if !inc.lost.IsZero() {
		line.Lost = inc.lost.UTC().Format(time.RFC3339Nano)
	}
	for _, a := range inc.triggers {
		line.Attempts = append(line.Attempts, incidentAttempt{
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

func (w *watcher) writeLine(line *incidentLine) error {
	b, err := report.JSONLine(line)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err = w.lines.Write(append(b, '\n'))
	return err
}

// tally counts the causes an incident's report names, for the summary.
func (w *watcher) tally(res *analyze.Result, inc *incident) {
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

// factsAtStart reads this host's facts as the watch starts and says what
// they predict for each VIP, to be compared with each incident's.
func (w *watcher) factsAtStart(ctx context.Context) {
	facts := w.readFacts(ctx)
	lines := w.factLines(facts)
	for _, l := range lines {
		w.logf("host facts: %s", l)
	}
	w.mu.Lock()
	w.startSeen = lines
	w.mu.Unlock()
}

func (w *watcher) readFacts(ctx context.Context) *hostfacts.Facts {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), factsTimeout)
	defer cancel()
	facts, err := w.hostFacts(ctx)
	if err != nil {
		w.logf("host facts not read: %v", err)
		return nil
	}
	return facts
}

// factLines are what the facts predict for each VIP given with --vip.
func (w *watcher) factLines(facts *hostfacts.Facts) []string {
	if facts == nil {
		return nil
	}
	port, ok := w.cfg.Ports.Single()
	if !ok {
		port = 443
	}
	var lines []string
	for _, p := range w.cfg.VIPs {
		if !p.IsSingleIP() {
			continue
		}
		chk := &report.Checkup{VIP: netip.AddrPortFrom(p.Addr(), port), Facts: facts,
			Check: hostcheck.Check(facts, p.Addr(), port, w.cfg.ProbeNets)}
		lines = append(lines, report.CheckupLine(chk, w.c.flags.opts.Lang))
	}
	return lines
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
