//go:build !unix && !windows

package watch

import "os"

// lockFile does nothing where the OS offers no lock Go can take.
func lockFile(*os.File) error { return nil }
