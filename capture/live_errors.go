package capture

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of live capture that the command line turns into advice.
var (
	// ErrPermission means the OS refused to open the interface for capture.
	ErrPermission = errors.New("no permission to capture")
	// ErrNoNpcap means wpcap.dll could not be loaded: Npcap is not installed
	// (or not in WinPcap API-compatible mode).
	ErrNoNpcap = errors.New("npcap is not installed: wpcap.dll not found")
	// ErrNoLibpcap means this binary was built without live capture.
	ErrNoLibpcap = errors.New("this slbdiag was built without libpcap")
)

// FilterError is a BPF filter the capture library could not compile.
type FilterError struct {
	Filter string
	Err    error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("the capture filter %q does not compile: %v", e.Filter, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }

// classifyOpenError recognises why opening a capture failed. gopacket's
// activation errors are of an unexported type and libpcap's messages vary
// by platform and version, so the message is all there is to go on; detail
// is the handle's own error text, when there is one.
func classifyOpenError(device string, err error, detail string) error {
	msg := strings.ToLower(err.Error() + " " + detail)
	where := fmt.Sprintf("opening %s", device)
	if detail != "" && !strings.Contains(err.Error(), detail) {
		where += " (" + detail + ")"
	}
	switch {
	case strings.Contains(msg, "wpcap.dll"):
		return fmt.Errorf("%s: %w", where, ErrNoNpcap)
	case strings.Contains(msg, "permission denied"), strings.Contains(msg, "operation not permitted"),
		strings.Contains(msg, "don't have permission"), strings.Contains(msg, "access is denied"):
		return fmt.Errorf("%s: %w: %v", where, ErrPermission, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}
