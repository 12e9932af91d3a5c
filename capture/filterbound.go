package capture

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// libpcap compiles a filter in one C call that nothing interrupts, and
// its optimizer takes time and memory that grow faster than the square of
// the filter's terms: 3,000 'port N' terms sat in it for over ten minutes
// at 3.5 GB, 800 'host and port' terms took 9.6 s and 604 MB. So a filter
// given with -f is bounded before it is compiled, and a compile that
// still takes too long is left behind (the command then ends, and the
// process with it). Within the bounds the slowest shape measured, 200
// 'port N' terms, compiles in about 1.3 s and 22 MB; the default filter
// (DefaultFilter) stays far inside them.
const (
	// MaxFilterLen is the longest capture filter slbdiag compiles, in bytes.
	MaxFilterLen = 8192
	// MaxFilterTerms is the most terms (primitives joined by and/or) a
	// capture filter may have.
	MaxFilterTerms = 200
	// FilterCompileTimeout is how long a filter may take to compile.
	FilterCompileTimeout = 10 * time.Second
)

// ErrFilterTooBig means a capture filter is past MaxFilterLen or
// MaxFilterTerms, or took longer than FilterCompileTimeout to compile.
var ErrFilterTooBig = errors.New("the capture filter is too big to compile")

// checkFilterSize refuses a filter past the bounds, without compiling it.
func checkFilterSize(filter string) error {
	if n := len(filter); n > MaxFilterLen {
		return fmt.Errorf("%w: %d bytes long, the most is %d", ErrFilterTooBig, n, MaxFilterLen)
	}
	if n := filterTerms(filter); n > MaxFilterTerms {
		return fmt.Errorf("%w: %d terms joined by and/or, the most is %d", ErrFilterTooBig, n, MaxFilterTerms)
	}
	return nil
}

// filterTerms counts a filter's terms: one more than its and/or
// operators ("and", "or", "&&", "||"). A word "and" or "or" that is a
// host name counts too: the bound errs on the safe side.
func filterTerms(filter string) int {
	n := 1 + strings.Count(filter, "&&") + strings.Count(filter, "||")
	for _, w := range strings.FieldsFunc(filter, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-' || r == '.' || r == ':')
	}) {
		if w == "and" || w == "or" {
			n++
		}
	}
	return n
}

// compileWithin runs compile (a libpcap call) on a goroutine of its own
// and waits until it returns, ctx is cancelled or limit has passed. In the
// last two cases it returns at once with abandoned true, and the compile
// goes on in C, unstoppable: whatever it uses must stay untouched (an
// abandoned live handle is not closed) until the process, which ends on
// this error, exits. A deadline of ctx (capture -d) does not abandon it:
// the capture then ends at once, as it would have without the compile.
func compileWithin(ctx context.Context, limit time.Duration, compile func() error) (abandoned bool, err error) {
	done := make(chan error, 1)
	go func() { done <- compile() }()
	t := time.NewTimer(limit)
	defer t.Stop()
	stop := ctx.Done()
	for {
		select {
		case err := <-done:
			return false, err
		case <-t.C:
			return true, fmt.Errorf("%w: it took longer than %s to compile", ErrFilterTooBig, limit)
		case <-stop:
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				stop = nil
				continue
			}
			return true, fmt.Errorf("stopped while the capture filter compiled: %w", ctx.Err())
		}
	}
}
