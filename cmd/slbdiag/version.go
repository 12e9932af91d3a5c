package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/version"
)

// build is the running binary's version, named by `slbdiag version` and by
// every report and evidence file. The tests give it a fixed value so that
// golden reports do not change with each commit.
var build = version.Current()

// versionDoc is `slbdiag version --format json`.
type versionDoc struct {
	Name string `json:"name"`
	version.Info
	LiveCapture     bool   `json:"live_capture"`
	LiveCaptureNote string `json:"live_capture_note"`
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newCmdFlags("version", cmdHelp{
		about: "Prints the version, commit, Go version and platform of this binary, and whether it can capture live.",
		examples: []example{
			{"slbdiag version", "for a person, or a ticket"},
			{"slbdiag version --format json", "for scripts and inventories"},
		},
	})
	fs.group(groupOutput)
	format := fs.String("format", "text", "output format: text or json")
	err := parseFlags(fs, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{cmd: "version", msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	doc := versionDoc{Name: "slbdiag", Info: build, LiveCapture: capture.LiveAvailable,
		LiveCaptureNote: liveCaptureNote(runtime.GOOS, capture.LiveAvailable)}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case "text":
		return writeVersion(stdout, doc)
	}
	return &usageError{cmd: "version", msg: fmt.Sprintf("--format: %q is not text or json", *format)}
}

func writeVersion(w io.Writer, d versionDoc) error {
	yesNo := map[bool]string{true: "yes", false: "no"}
	orUnknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	_, err := fmt.Fprintf(w, "slbdiag %s\ncommit:       %s\ncommit time:  %s\nmodified:     %s\ngo:           %s %s\nlive capture: %s\n",
		d.Version, orUnknown(d.Commit), orUnknown(d.Date), yesNo[d.Dirty], d.Go, d.Platform, d.LiveCaptureNote)
	return err
}

// liveCaptureNote says whether this build can capture live and what it
// needs to, so a user learns it before the first capture fails.
func liveCaptureNote(goos string, available bool) string {
	switch {
	case goos == "windows":
		return "yes, with Npcap (https://npcap.com, installed in WinPcap API-compatible mode); file analysis needs nothing"
	case available:
		return "yes, with libpcap (built with cgo); run as root or with the cap_net_raw capability"
	}
	return "no: this build has no libpcap (built without cgo); analyze capture files instead (tcpdump -w FILE, then slbdiag analyze FILE)"
}
