package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// Renderer writes a result in one format. Output is deterministic: the same
// result and options always give the same bytes.
type Renderer func(io.Writer, *analyze.Result, Options) error

// Format is one output format, declared once in formats: every place that
// names, checks, lists or files formats reads it from there.
type Format struct {
	Name    string   // as --format takes it, and as reports and help name it
	Aliases []string // other names --format accepts for it
	Ext     string   // the extension of a file written in it (watch's reports, golden files)
	// Streamed formats are written while the capture is read (by a
	// JSONLWriter given to the Run as its OnAttempt), not from the Result
	// afterwards: Render then writes nothing.
	Streamed bool
	// ForMachines formats are read by programs: no progress line goes to
	// the terminal beside them.
	ForMachines bool
	Render      Renderer       // an analysis
	Doctor      DoctorRenderer // doctor's checkups; nil when doctor does not write it
}

// formats are the output formats, in the order help shows them. A new
// format is its renderers and one entry here. (A function, not a
// variable: the renderers' own text reads the table, see isFlagValue.)
func formats() []Format {
	return []Format{
		{Name: "text", Ext: "txt", Render: Text, Doctor: DoctorText},
		{Name: "markdown", Aliases: []string{"md"}, Ext: "md", Render: Markdown, Doctor: DoctorMarkdown},
		{Name: "html", Ext: "html", Render: HTML, Doctor: DoctorHTML},
		{Name: "json", Ext: "json", ForMachines: true, Render: JSON, Doctor: DoctorJSON},
		{Name: "jsonl", Ext: "jsonl", Streamed: true, ForMachines: true, Render: jsonlDone},
	}
}

// LookupFormat returns the format a --format name or alias names.
func LookupFormat(name string) (Format, error) {
	for _, f := range formats() {
		if f.Name == name || slices.Contains(f.Aliases, name) {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q (want one of: %s)", name, strings.Join(FormatNames(), ", "))
}

// FormatNames returns the names --format accepts.
func FormatNames() []string {
	var out []string
	for _, f := range formats() {
		out = append(out, f.Name)
	}
	return out
}

// Lookup returns the renderer for a format name.
func Lookup(name string) (Renderer, error) {
	f, err := LookupFormat(name)
	return f.Render, err
}

// Streamed reports whether a format is written while the capture is read,
// not from the Result afterwards (see Format.Streamed).
func Streamed(name string) bool {
	f, err := LookupFormat(name)
	return err == nil && f.Streamed
}

// DoctorFormatNames returns the names doctor's --format accepts.
func DoctorFormatNames() []string {
	var out []string
	for _, f := range formats() {
		if f.Doctor != nil {
			out = append(out, f.Name)
		}
	}
	return out
}

// LookupDoctor returns the doctor renderer for a format name.
func LookupDoctor(name string) (DoctorRenderer, error) {
	f, err := LookupFormat(name)
	if err != nil || f.Doctor == nil {
		return nil, fmt.Errorf("unknown format %q (want one of: %s)", name, strings.Join(DoctorFormatNames(), ", "))
	}
	return f.Doctor, nil
}

// jsonlDone is the renderer of JSONL once the Run is over: every line was
// written during it, and JSONL has no summary line.
func jsonlDone(io.Writer, *analyze.Result, Options) error { return nil }
