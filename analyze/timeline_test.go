package analyze

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The timeline keeps the probes' share of every bin exact as its bins
// widen.
func TestTimelineProbeBins(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var tl timelineBins
	tl.add(t0, Completed, true)
	tl.add(t0.Add(time.Millisecond), Unanswered, false)
	tl.add(t0.Add(time.Millisecond), Completed, true)
	tl.add(t0.Add(399*time.Millisecond), Completed, false) // widens the bins to 2 ms
	want := timelineBins{start: t0, width: 2 * time.Millisecond,
		bins:      make([]Counts, 200),
		probeBins: make([]Counts, 200)}
	want.bins[0][Completed], want.bins[0][Unanswered], want.bins[199][Completed] = 2, 1, 1
	want.probeBins[0][Completed] = 2
	if d := cmp.Diff(want, tl, cmp.AllowUnexported(timelineBins{})); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
}
