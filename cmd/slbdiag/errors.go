package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/report"
)

// usageError is a command line that cannot be run.
type usageError struct {
	cmd   string // the subcommand whose help applies
	msg   string
	hints []string // what was likely meant, said before where the help is
}

func (e *usageError) Error() string { return e.msg }

// printError writes err as "slbdiag: error: …" followed by hint lines that
// say what to do about it. Both may quote what the user, a capture or the
// capture library said (a filter, libpcap's message about it, a file
// name): control and bidirectional characters are escaped, so that each
// is one line that cannot act on the terminal.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "slbdiag: error: %s\n", report.Printable(err.Error()))
	for _, h := range hints(err) {
		fmt.Fprintf(w, "hint: %s\n", report.Printable(h))
	}
}

func hints(err error) []string {
	if h := runtimeCaptureHints(err); h != nil {
		return h
	}
	var ue *usageError
	var oe *outfile.Error
	switch {
	case errors.As(err, &ue):
		hs := ue.hints[:len(ue.hints):len(ue.hints)]
		if ue.cmd == "explain" {
			return append(hs, "run 'slbdiag explain' to list the causes")
		}
		if ue.cmd != "" {
			return append(hs, fmt.Sprintf("run 'slbdiag %s -h' for the flags", ue.cmd))
		}
		return append(hs, "run 'slbdiag help' for the commands")
	case errors.Is(err, capture.ErrNotCapture):
		return []string{
			"slbdiag reads pcap and pcapng files, gzip'd or not (tcpdump -w, Wireshark, dumpcap, Npcap).",
			"convert other formats first: Wireshark File > Save As > pcapng, or 'pktmon etl2pcap FILE.etl' for Windows pktmon traces.",
		}
	case errors.As(err, new(*damageError)):
		return []string{"the capture is cut short or corrupt before anything to judge: copy it again from the source, or take a new capture"}
	case errors.As(err, &oe) && errors.Is(err, fs.ErrPermission):
		return []string{fmt.Sprintf("this user may not write in %s: choose another place for %s, or run with the needed rights", filepath.Dir(oe.Name), oe.Flag)}
	case errors.As(err, &oe) && errors.Is(err, fs.ErrNotExist):
		return []string{fmt.Sprintf("the directory %s does not exist: create it, or choose another place for %s", filepath.Dir(oe.Name), oe.Flag)}
	case errors.Is(err, capture.ErrDirectory):
		return []string{"name the capture files in it, e.g. 'slbdiag analyze DIR/*.pcapng'"}
	case errors.Is(err, fs.ErrNotExist):
		return []string{"check the file name and path"}
	case errors.Is(err, fs.ErrPermission):
		return []string{"the file is not readable by this user: copy it, or run with the needed rights"}
	}
	return nil
}
