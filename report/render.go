package report

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// Renderer writes a result in one format. Output is deterministic: the same
// result and options always give the same bytes.
type Renderer func(io.Writer, *analyze.Result, Options) error

// Formats lists the output formats by name, in the order help shows them.
var formatNames = []string{"text", "markdown", "html", "json", "jsonl"}

// FormatNames returns the names --format accepts.
func FormatNames() []string { return append([]string(nil), formatNames...) }

// Lookup returns the renderer for a format name.
func Lookup(format string) (Renderer, error) {
	switch format {
	case "text":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	case "html":
		return HTML, nil
	case "json":
		return JSON, nil
	case "jsonl":
		return jsonlDone, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of: %s)", format, strings.Join(formatNames, ", "))
}

// Streamed reports whether a format is written while the capture is read
// (JSONL, by a JSONLWriter given to the Run as its OnAttempt), not from
// the Result afterwards.
func Streamed(format string) bool { return format == "jsonl" }

// jsonlDone is the renderer of JSONL once the Run is over: every line was
// written during it, and JSONL has no summary line.
func jsonlDone(io.Writer, *analyze.Result, Options) error { return nil }

// frameList writes example frames as Wireshark numbers; with several
// inputs each is prefixed by its file name.
func frameList(r *analyze.Result, refs []analyze.FrameRef) string {
	parts := make([]string, len(refs))
	for i, f := range refs {
		parts[i] = frameName(r, f)
	}
	return strings.Join(parts, ", ")
}

func frameName(r *analyze.Result, f analyze.FrameRef) string {
	if len(r.Inputs) > 1 {
		return fmt.Sprintf("%s#%d", printable(r.Inputs[f.File].Name), f.Frame)
	}
	return fmt.Sprint(f.Frame)
}

// fileName is the input's name, or "" when a warning concerns no file.
func fileName(r *analyze.Result, i int) string {
	if i < 0 || i >= len(r.Inputs) {
		return ""
	}
	return printable(r.Inputs[i].Name)
}

func addrOrNone(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
