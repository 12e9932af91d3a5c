package report

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

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
