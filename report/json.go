package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/internal/version"
)

// Schema names the JSON document layout; it changes only with the contract.
const Schema = "slbdiag/1"

// The types below are the JSON contract of DESIGN.md. They are separate
// from analyze's types so that internal changes cannot change the output.

type jsonDoc struct {
	Schema       string        `json:"schema"`
	Generator    *jsonBuild    `json:"generator,omitempty"`
	Inputs       []jsonInput   `json:"inputs"`
	Summary      jsonSummary   `json:"summary"`
	Destinations []jsonDest    `json:"destinations"`
	Findings     []jsonFinding `json:"findings"`
	Warnings     []jsonWarning `json:"warnings"`
	// Partial is true when the run was interrupted: the document covers
	// only the frames read until then. Absent otherwise.
	Partial bool `json:"partial,omitempty"`
	// Redacted counts what redaction replaced; absent when unredacted.
	Redacted *jsonRedacted `json:"redacted,omitempty"`
	// Encapsulations are the tunnels and mirror framings the packets were
	// unwrapped from, per input, kind and outer source; absent when there
	// were none. The sentences about them are in the text reports.
	Encapsulations []jsonEncap `json:"encapsulations,omitempty"`
	// HostFacts says whose facts --host-facts gave; absent without them.
	HostFacts *jsonHostFacts `json:"host_facts,omitempty"`
}

// jsonHostFacts is which host's facts refined the findings: another
// host's (other_host) refine none, and text says so.
type jsonHostFacts struct {
	Source       string   `json:"source"`
	OtherHost    bool     `json:"other_host"`
	FactAddrs    []string `json:"fact_addrs"`
	CaptureHosts []string `json:"capture_hosts"`
	Text         string   `json:"text,omitempty"`
}

// jsonBuild is the slbdiag that wrote the document.
type jsonBuild struct {
	Name string `json:"name"`
	version.Info
}

type jsonInput struct {
	File      string   `json:"file"`
	Format    string   `json:"format"`
	Frames    int      `json:"frames"`
	FirstTS   string   `json:"first_ts,omitempty"`
	LastTS    string   `json:"last_ts,omitempty"`
	LinkTypes []string `json:"link_types"`
	Damaged   string   `json:"damaged,omitempty"`
}

type jsonSummary struct {
	Verdict          string         `json:"verdict"`
	Problem          bool           `json:"problem"`
	Ports            string         `json:"ports"`
	VIPs             []string       `json:"vips"`
	VIPsInferred     bool           `json:"vips_inferred"`
	GraceMS          int64          `json:"grace_ms"`
	Frames           int            `json:"frames"`
	Start            string         `json:"start,omitempty"`
	End              string         `json:"end,omitempty"`
	Attempts         int            `json:"attempts"`
	SynPackets       int            `json:"syn_packets"`
	Outcomes         map[string]int `json:"outcomes"`
	ProbeNets        []string       `json:"probe_nets"`
	ProbeOutcomes    map[string]int `json:"probe_outcomes"`
	CapturePoint     *jsonPoint     `json:"capture_point,omitempty"`
	Hops             []jsonHop      `json:"hops,omitempty"` // several captures of the same traffic: where packets vanished
	MidstreamPackets int            `json:"midstream_packets"`
	MidstreamConns   int            `json:"midstream_connections"`
}

type jsonDest struct {
	Address  string         `json:"address"`
	Port     uint16         `json:"port"`
	Role     string         `json:"role"`
	Total    int            `json:"total"`
	Outcomes map[string]int `json:"outcomes"`
	Syns     int            `json:"syns"`
	Clients  int            `json:"clients"`
	// ClientsEstimated marks Clients as an estimate (too many to count
	// one by one); see the clients-estimated warning.
	ClientsEstimated bool                    `json:"clients_estimated,omitempty"`
	Sent             int                     `json:"packets_sent"`
	SynMACs          []string                `json:"syn_dst_macs,omitempty"`
	Examples         map[string]jsonFrameRef `json:"examples"`
}

type jsonFrameRef struct {
	File  string `json:"file"`
	Frame int    `json:"frame"`
}

type jsonFinding struct {
	Cause       string `json:"cause"`
	Confidence  string `json:"confidence"`
	Summary     string `json:"summary"`
	Destination string `json:"destination"`
	HostAddress string `json:"host_address,omitempty"`
	HostOSHint  string `json:"host_os_hint,omitempty"`
	Attempts    int    `json:"attempts"`
	Syns        int    `json:"syns"`
	Clients     int    `json:"clients"`
	// ClientsEstimated: as in jsonDest.
	ClientsEstimated bool           `json:"clients_estimated,omitempty"`
	Evidence         []jsonEvidence `json:"evidence"`
	Missing          []jsonMissing  `json:"missing"`
	Why              string         `json:"why"`
	Fix              map[string]Fix `json:"fix"`
}

type jsonEvidence struct {
	Kind   string         `json:"kind"`
	Text   string         `json:"text"`
	Count  int            `json:"count,omitempty"`
	Frames []jsonFrameRef `json:"frames"`
	Filter string         `json:"filter,omitempty"`
}

type jsonMissing struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

type jsonWarning struct {
	Kind  string `json:"kind"`
	File  string `json:"file,omitempty"`
	Count int    `json:"count,omitempty"`
	// Offset is where a damaged input's unreadable part starts.
	Offset *int64 `json:"offset,omitempty"`
	Text   string `json:"text"`
}

// JSON writes the whole result as one JSON document.
func JSON(w io.Writer, r *analyze.Result, o Options) error {
	l := o.Lang
	doc := jsonDoc{Schema: Schema, Inputs: []jsonInput{}, Destinations: []jsonDest{}, Findings: []jsonFinding{}, Warnings: []jsonWarning{}}
	if o.Build.Version != "" {
		doc.Generator = &jsonBuild{Name: "slbdiag", Info: o.Build}
	}
	for _, in := range r.Inputs {
		ji := jsonInput{File: in.Name, Format: in.Format, Frames: in.Frames, LinkTypes: in.LinkTypes, Damaged: in.Damaged}
		if in.Frames > 0 {
			ji.FirstTS, ji.LastTS = timestamp(in.First), timestamp(in.Last)
		}
		if ji.LinkTypes == nil {
			ji.LinkTypes = []string{}
		}
		doc.Inputs = append(doc.Inputs, ji)
	}
	doc.Summary, doc.Partial = jsonSummaryOf(r, l), r.Interrupted()
	if red := r.Redacted; red.Any() {
		doc.Redacted = &jsonRedacted{Clients: red.Clients, Names: red.Names, Files: red.Files}
	}
	doc.Encapsulations = jsonEncaps(r)
	if u := r.HostFacts; u != nil {
		doc.HostFacts = &jsonHostFacts{Source: u.Source, OtherHost: u.OtherHost, FactAddrs: addrTexts(u.FactAddrs), CaptureHosts: addrTexts(u.CaptureHosts), Text: hostFactsNote(r, l)}
	}
	for _, d := range r.Destinations {
		doc.Destinations = append(doc.Destinations, jsonDestOf(r, &d))
	}
	for i := range r.Findings {
		doc.Findings = append(doc.Findings, jsonFindingOf(r, &r.Findings[i], l))
	}
	for _, wn := range r.Warnings {
		jw := jsonWarning{Kind: string(wn.Kind), File: fileName(r, wn.File), Count: wn.Count, Text: warningText(r, &wn, l)}
		if wn.Kind == analyze.WarnDamaged && wn.Offset >= 0 {
			jw.Offset = &wn.Offset
		}
		doc.Warnings = append(doc.Warnings, jw)
	}
	return writeJSON(w, doc)
}

func jsonSummaryOf(r *analyze.Result, l Lang) jsonSummary {
	s := r.Summary
	js := jsonSummary{Verdict: Verdict(r, l), Problem: r.Problem(), Ports: r.Ports, VIPs: []string{}, VIPsInferred: r.VIPs == nil,
		GraceMS: r.Grace.Milliseconds(), Frames: s.Frames, Attempts: s.Counts.Total(), SynPackets: s.SynPackets,
		Outcomes: outcomeMap(s.Counts), MidstreamPackets: s.MidstreamPackets, MidstreamConns: s.MidstreamConns}
	if s.Frames > 0 {
		js.Start, js.End = timestamp(s.Start), timestamp(s.End)
	}
	js.ProbeOutcomes = outcomeMap(s.ProbeCounts)
	if len(r.Hops) > 0 {
		js.Hops = jsonHops(r)
	}
	if cp := r.CapturePoint; cp.SynSample > 0 {
		js.CapturePoint = &jsonPoint{Place: string(cp.Place), Host: addrOrNone(cp.Host), HostTTL: cp.HostTTL, SynTTL: cp.SynTTL,
			Text: capturePoint(cp, l)}
		if cp.Place == analyze.PlaceUnknown {
			js.CapturePoint.Place = "unknown"
		}
	}
	js.ProbeNets = []string{}
	for _, p := range r.ProbeNets {
		js.ProbeNets = append(js.ProbeNets, p.String())
	}
	for _, v := range r.VIPs {
		js.VIPs = append(js.VIPs, v.String())
	}
	if r.VIPs == nil {
		for _, d := range r.Destinations {
			if d.Role.IsVIP() {
				js.VIPs = append(js.VIPs, d.Server.Addr().String())
			}
		}
	}
	return js
}

func jsonDestOf(r *analyze.Result, d *analyze.Destination) jsonDest {
	jd := jsonDest{Address: d.Server.Addr().String(), Port: d.Server.Port(), Role: string(d.Role), Total: d.Counts.Total(),
		Outcomes: outcomeMap(d.Counts), Syns: d.Syns, Clients: d.Clients, ClientsEstimated: d.ClientsEstimated, Sent: d.Sent, SynMACs: d.SynMACs,
		Examples: map[string]jsonFrameRef{}}
	for o, ref := range d.Examples {
		if !ref.IsZero() {
			jd.Examples[analyze.Outcome(o).String()] = jsonRef(r, ref)
		}
	}
	return jd
}

func jsonFindingOf(r *analyze.Result, f *analyze.Finding, l Lang) jsonFinding {
	jf := jsonFinding{Cause: string(f.Cause), Confidence: string(f.Confidence), Summary: headline(f, l),
		Destination: f.Server.String(), HostAddress: addrOrNone(f.HostAddr), HostOSHint: string(f.HostOS),
		Attempts: f.Attempts, Syns: f.Syns, Clients: f.Clients, ClientsEstimated: f.ClientsEstimated, Why: why(f, l),
		Evidence: []jsonEvidence{}, Missing: []jsonMissing{}, Fix: map[string]Fix{}}
	for i := range f.Evidence {
		e := &f.Evidence[i]
		je := jsonEvidence{Kind: string(e.Kind), Text: evidenceText(f, e, l), Count: e.Count, Filter: e.Filter, Frames: []jsonFrameRef{}}
		for _, ref := range e.Frames {
			je.Frames = append(je.Frames, jsonRef(r, ref))
		}
		jf.Evidence = append(jf.Evidence, je)
	}
	for _, k := range f.Missing {
		jf.Missing = append(jf.Missing, jsonMissing{Kind: string(k), Text: missingText(f, k, l)})
	}
	for _, fx := range fixes(f, l) {
		jf.Fix[fx.Platform] = fx
	}
	return jf
}

func jsonRef(r *analyze.Result, ref analyze.FrameRef) jsonFrameRef {
	return jsonFrameRef{File: fileName(r, ref.File), Frame: ref.Frame}
}

func outcomeMap(c analyze.Counts) map[string]int {
	m := make(map[string]int, len(c))
	for o, n := range c {
		m[analyze.Outcome(o).String()] = n
	}
	return m
}

// timestamp formats a packet time as RFC 3339 with nanoseconds, in UTC.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// jsonlAttempt is one line of --format jsonl: a contract other tools parse.
type jsonlAttempt struct {
	File       string   `json:"file"`
	ClientIP   string   `json:"client_ip"`
	ClientPort uint16   `json:"client_port"`
	ServerIP   string   `json:"server_ip"`
	ServerPort uint16   `json:"server_port"`
	Outcome    string   `json:"outcome"`
	Syns       int      `json:"syns"`
	ISN        uint32   `json:"isn"`
	FirstFrame int      `json:"first_frame"`
	FirstTS    string   `json:"first_ts"`
	ReplyFile  string   `json:"reply_file,omitempty"`
	ReplyFrame int      `json:"reply_frame"`
	ReplySrc   string   `json:"reply_src"`
	RTTms      *float64 `json:"rtt_ms,omitempty"`
	// DecidedEarly marks an attempt decided before its horizon because a
	// flood filled the tracker (see the decided-early warning).
	DecidedEarly bool `json:"decided_early,omitempty"`
}

// JSONLWriter writes --format jsonl: one JSON object per attempt, as the
// Run hands the attempts over, so every attempt has its line whatever the
// size of the capture. It holds no prose, so it is the same in every
// language.
type JSONLWriter struct {
	w     *bufio.Writer
	files [][]byte // the inputs' names, each already a JSON string
	red   *Redactor
	n     int
	line  []byte
	// Eager writes each line out as soon as it is made (live capture,
	// where a pipe reads the lines as they come); otherwise lines are
	// buffered until Flush.
	Eager bool
}

// NewJSONLWriter writes to w; files are the inputs' names, as in
// Result.Inputs; red, when not nil, gives the stand-ins of --redact.
// Call Flush when the Run is over.
func NewJSONLWriter(w io.Writer, files []string, red *Redactor) *JSONLWriter {
	j := &JSONLWriter{w: bufio.NewWriterSize(w, 1<<16), red: red}
	for i, f := range files {
		j.files = append(j.files, jsonString(red.File(i, f)))
	}
	return j
}

// Attempt writes a's line; it fits analyze.Config.OnAttempt. The line is
// what encoding/json writes for a jsonlAttempt (a test holds them equal),
// built by hand because encoding each of millions of lines by reflection
// took half of a flood's run.
func (j *JSONLWriter) Attempt(a *analyze.Attempt) error {
	j.n++
	b := j.line[:0]
	b = append(b, `{"file":`...)
	b = append(b, j.file(a.First.File)...)
	b = appendStr(b, `,"client_ip":`, j.red.Client(a.Client.Addr()).String())
	b = appendUint(b, `,"client_port":`, uint64(a.Client.Port()))
	b = appendStr(b, `,"server_ip":`, j.red.Addr(a.Server.Addr()).String())
	b = appendUint(b, `,"server_port":`, uint64(a.Server.Port()))
	b = appendStr(b, `,"outcome":`, a.Outcome.String())
	b = appendUint(b, `,"syns":`, uint64(a.Syns))
	b = appendUint(b, `,"isn":`, uint64(a.ISN))
	b = appendUint(b, `,"first_frame":`, uint64(a.First.Frame))
	b = appendStr(b, `,"first_ts":`, timestamp(a.FirstTS))
	if !a.Reply.IsZero() && a.Reply.File != a.First.File {
		if f := j.file(a.Reply.File); string(f) != `""` {
			b = append(append(b, `,"reply_file":`...), f...)
		}
	}
	b = appendUint(b, `,"reply_frame":`, uint64(a.Reply.Frame))
	b = appendStr(b, `,"reply_src":`, addrOrNone(j.red.Addr(a.ReplySrc)))
	if (a.Outcome == analyze.Completed || a.Outcome == analyze.SynAckNoAck || a.Outcome == analyze.WrongSource) &&
		a.Reply.File == a.LastSyn.File { // across captures the clocks differ: no RTT
		b = append(b, `,"rtt_ms":`...)
		b = appendJSONFloat(b, float64(a.RTT.Microseconds())/1000)
	}
	if a.Early {
		b = append(b, `,"decided_early":true`...)
	}
	b = append(b, "}\n"...)
	j.line = b
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("attempt %d: %w", j.n, err)
	}
	if j.Eager {
		return j.Flush()
	}
	return nil
}

// PartialType is the "type" of the last line of an interrupted run's
// JSONL, which attempts' lines never have.
const PartialType = "partial"

// Partial writes the line that ends an interrupted run's JSONL:
// {"type":"partial","reason":"interrupted","attempts":N}, N being the
// attempts' lines before it.
func (j *JSONLWriter) Partial() error {
	b := appendStr(j.line[:0], `{"type":`, PartialType)
	b = appendStr(b, `,"reason":`, string(analyze.WarnInterrupted))
	b = appendUint(b, `,"attempts":`, uint64(j.n))
	b = append(b, "}\n"...)
	if _, err := j.w.Write(b); err != nil {
		return err
	}
	return j.Flush()
}

// Flush writes out the lines still buffered.
func (j *JSONLWriter) Flush() error { return j.w.Flush() }

func (j *JSONLWriter) file(i int) []byte {
	if i < 0 || i >= len(j.files) {
		return []byte(`""`)
	}
	return j.files[i]
}

// appendStr appends key and s as a JSON string: s is an address, an
// outcome name or a timestamp, which need no escaping.
func appendStr(b []byte, key, s string) []byte {
	b = append(b, key...)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendUint(b []byte, key string, n uint64) []byte {
	return strconv.AppendUint(append(b, key...), n, 10)
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// encoding/json writes e-07, not e-7... and trims "e-0" to "e-"
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

type jsonPoint struct {
	Place   string `json:"place"` // backend, client, path, lan or unknown
	Host    string `json:"host,omitempty"`
	HostTTL uint8  `json:"host_ttl,omitempty"`
	SynTTL  uint8  `json:"syn_ttl"`
	Text    string `json:"text"`
}

// jsonRedacted is what a redacted report replaced: how many client
// addresses and server names, and whether the input files' names.
type jsonRedacted struct {
	Clients int  `json:"clients"`
	Names   int  `json:"names"`
	Files   bool `json:"files"`
}
