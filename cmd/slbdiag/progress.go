package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/report"
)

// progressDelay is how long reading goes on before the progress line
// shows: small captures finish without one.
const progressDelay = time.Second

// byteCounter is a source that says how much of its file it has read
// (capture.File).
type byteCounter interface{ BytesRead() int64 }

// showProgress writes a status line on stderr while the inputs are read
// (bytes read, rate, time left), when stderr is a terminal and the report
// is not for machines. The returned stop ends it and clears the line.
func showProgress(stderr io.Writer, format string, files []string, inputs []analyze.Input) (stop func()) {
	if f, _ := report.LookupFormat(format); !isTerminal(stderr) || f.ForMachines {
		return func() {}
	}
	var counters []byteCounter
	var total int64
	for i, in := range inputs {
		c, ok := in.Source.(byteCounter)
		if !ok {
			return func() {}
		}
		counters = append(counters, c)
		if size := fileSize(files[i]); size >= 0 && total >= 0 {
			total += size
		} else {
			total = -1 // stdin or a pipe: no size, no time left
		}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(time.Second / 2)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(stderr, "\r\x1b[K")
				}
				return
			case now := <-tick.C:
				if now.Sub(start) < progressDelay {
					continue
				}
				var n int64
				for _, c := range counters {
					n += c.BytesRead()
				}
				fmt.Fprintf(stderr, "\r%s\x1b[K", progressLine(n, total, now.Sub(start)))
				shown = true
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressLine says how far reading has got: "1.2 GB of 5.4 GB (22%),
// 850 MB/s, 5s left".
func progressLine(n, total int64, elapsed time.Duration) string {
	rate := float64(n) / elapsed.Seconds()
	s := "reading: " + english.Size(float64(n))
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", english.Size(float64(total)), n*100/max(total, 1))
	}
	s += ", " + english.Size(rate) + "/s"
	if total > 0 && rate > 0 && n < total {
		left := time.Duration(float64(total-n) / rate * float64(time.Second))
		s += fmt.Sprintf(", %s left", left.Round(time.Second))
	}
	return s
}

// fileSize is the size of a named regular file, or -1.
func fileSize(name string) int64 {
	if name == "-" {
		return -1
	}
	st, err := os.Stat(name)
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	return st.Size()
}
