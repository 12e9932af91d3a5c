//go:build unix

package outfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openDirect opens an output that is not a regular file (a FIFO, a
// device) for writing. open(2) of a FIFO waits until a process opens it
// for reading, deaf to signals, so it is opened without waiting first; a
// FIFO no process reads yet (ENXIO) is then opened on a goroutine that ctx
// abandons: a stop ends the wait, and the open, should a reader ever come,
// is closed again. The file is written through Go's poller either way.
func openDirect(ctx context.Context, name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if !errors.Is(err, syscall.ENXIO) {
		return f, err
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, fmt.Errorf("no process opened the pipe for reading before the run was stopped (%w)", ctx.Err())
	}
}
