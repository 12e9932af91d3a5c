//go:build !unix

package outfile

import (
	"context"
	"os"
)

// openDirect opens an output that is not a regular file (a device, a
// named pipe) for writing; such opens do not wait for a reader here.
func openDirect(ctx context.Context, name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY, 0)
}
