package report

import (
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// An input whose times lie on different days prints both dates: the end
// as a time of day alone would read as the start's day.
func TestInputTextDates(t *testing.T) {
	t0 := time.Date(2019, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		first, last time.Time
		want        string
	}{
		{t0, t0.Add(5 * time.Second), "2019-03-02 10:00:00 to 10:00:05 (5s)"},
		{t0, t0.AddDate(7, 0, 0).Add(5 * time.Second), "2019-03-02 10:00:00 to 2026-03-02 10:00:05"},
		{t0.Add(14 * time.Hour), t0.Add(14*time.Hour + 2*time.Minute), "2019-03-03 00:00:00 to 00:02:00"},
		{t0.Add(13*time.Hour + 59*time.Minute), t0.Add(14*time.Hour + time.Minute), "2019-03-02 23:59:00 to 2019-03-03 00:01:00"},
		{t0, t0.AddDate(1, 0, 0), "2019-03-02 10:00:00 to 2020-03-02 10:00:00"}, // same day of the year, another year
		// Times are UTC whatever zone the reader gave them.
		{t0.In(time.FixedZone("X", 11*3600)), t0.Add(time.Hour).In(time.FixedZone("X", 11*3600)), "2019-03-02 10:00:00 to 11:00:00"},
	} {
		in := analyze.InputInfo{Name: "x.pcap", Format: "pcap", Frames: 2, First: tc.first, Last: tc.last}
		span, _, _ := strings.Cut(tc.want, " (")
		for _, l := range []Lang{English, Chinese} {
			want := l.tr(span, strings.ReplaceAll(span, " to ", " 至 "))
			if got := inputText(in, l); !strings.Contains(got, want) {
				t.Errorf("%v: %q, want it to hold %q", l, got, want)
			}
		}
	}
}

// The odd-timestamps warning names the first odd frame and its times, in
// every language.
func TestOddTimestampsWarning(t *testing.T) {
	r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: "clock.pcap"}}}
	w := analyze.Warning{Kind: analyze.WarnTimestamps, File: 0, Count: 2, Frame: 3,
		Before: time.Date(2026, 3, 2, 10, 0, 1, 0, time.UTC), At: time.Date(2019, 3, 2, 10, 0, 0, 250000000, time.UTC)}
	for _, l := range []Lang{English, Chinese} {
		got := warningText(r, &w, l)
		for _, want := range []string{"clock.pcap", "2019-03-02 10:00:00.250000", "2026-03-02 10:00:01.000000", "3"} {
			if !strings.Contains(got, want) {
				t.Errorf("%v: %q does not hold %q", l, got, want)
			}
		}
	}
	w.Before = time.Time{}
	if got := warningText(r, &w, English); strings.Contains(got, ", after ") || !strings.Contains(got, "2 frames have odd timestamps (the first: frame 3 at 2019-03-02 10:00:00.250000)") {
		t.Errorf("first frame odd: %q", got)
	}
}
