package main

import (
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, tt := range []struct {
		n, total int64
		elapsed  time.Duration
		want     string
	}{
		{1_200_000_000, 5_400_000_000, 2 * time.Second, "reading: 1.2 GB of 5.4 GB (22%), 600 MB/s, 7s left"},
		{52_000_000, -1, time.Second, "reading: 52 MB, 52 MB/s"},
	} {
		if got := progressLine(tt.n, tt.total, tt.elapsed); got != tt.want {
			t.Errorf("progressLine(%d, %d, %s) = %q, want %q", tt.n, tt.total, tt.elapsed, got, tt.want)
		}
	}
}
