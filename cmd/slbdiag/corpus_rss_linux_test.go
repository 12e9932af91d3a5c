package main

import (
	"os"
	"syscall"
)

// maxRSS is the peak resident memory of a finished process; Linux reports
// it in kilobytes.
func maxRSS(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, false
	}
	return ru.Maxrss * 1024, true
}
