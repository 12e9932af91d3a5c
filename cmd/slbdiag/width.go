package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// reportWidth is how wide the text report may be on out: the terminal's
// width when out is one, else 0, which the report reads as its default
// (what mail and tickets show unwrapped).
func reportWidth(out io.Writer) int {
	f, ok := out.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}
