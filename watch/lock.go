package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockName is the file in --out that a watch holds a lock on while it
// runs: two watches on one folder would race on incident names and lose
// incidents.
const lockName = ".slbdiag-watch.lock"

// ErrLocked is a folder another watch is writing to.
var ErrLocked = errors.New("another slbdiag watch is writing there")

// lockDir takes dir's lock, held until the file returned is closed (or the
// process ends, however it ends: the OS drops the lock).
func lockDir(dir string) (*os.File, error) {
	name := filepath.Join(dir, lockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (it holds %s): stop it, or give this one another --out", ErrLocked, name)
	}
	return f, nil
}
