package report

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
)

// The JSONL writer builds each line by hand, for speed; it must write
// exactly what encoding/json writes for the line's struct, the contract
// DESIGN.md names, on every shape of attempt.
func TestJSONLMatchesEncodingJSON(t *testing.T) {
	files := []string{`a "quoted" <name>.pcap`, "日本語\t.pcapng"}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)
	var attempts []analyze.Attempt
	for i, o := range analyze.Outcomes() {
		for _, rtt := range []time.Duration{0, 21 * time.Microsecond, 1500 * time.Millisecond, 1} {
			a := analyze.Attempt{
				Client: netip.MustParseAddrPort("198.51.100.23:50000"), Server: netip.MustParseAddrPort("[2001:db8::10]:443"),
				ISN: 4294967295, Outcome: o, Syns: i + 1, First: analyze.FrameRef{File: i % 2, Frame: 7 + i},
				FirstTS: t0.Add(time.Duration(i) * time.Second), LastSyn: analyze.FrameRef{File: i % 2, Frame: 9},
				RTT: rtt, Early: i%3 == 0,
			}
			if o != analyze.Unanswered && o != analyze.Pending {
				a.Reply, a.ReplySrc = analyze.FrameRef{File: (i + 1) % 2, Frame: 12}, netip.MustParseAddr("10.0.0.5")
			}
			attempts = append(attempts, a)
		}
	}
	var got bytes.Buffer
	w := NewJSONLWriter(&got, files, nil)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	for i := range attempts {
		a := &attempts[i]
		if err := w.Attempt(a); err != nil {
			t.Fatal(err)
		}
		line := jsonlAttempt{File: files[a.First.File],
			ClientIP: a.Client.Addr().String(), ClientPort: a.Client.Port(),
			ServerIP: a.Server.Addr().String(), ServerPort: a.Server.Port(),
			Outcome: a.Outcome.String(), Syns: a.Syns, ISN: a.ISN,
			FirstFrame: a.First.Frame, FirstTS: timestamp(a.FirstTS),
			ReplyFrame: a.Reply.Frame, ReplySrc: addrOrNone(a.ReplySrc), DecidedEarly: a.Early}
		if !a.Reply.IsZero() && a.Reply.File != a.First.File {
			line.ReplyFile = files[a.Reply.File]
		}
		if (a.Outcome == analyze.Completed || a.Outcome == analyze.SynAckNoAck || a.Outcome == analyze.WrongSource) &&
			a.Reply.File == a.LastSyn.File {
			ms := float64(a.RTT.Microseconds()) / 1000
			line.RTTms = &ms
		}
		if err := enc.Encode(&line); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
	if len(gl) != len(wl) {
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
	for i := range wl {
		if gl[i] != wl[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, gl[i], wl[i])
		}
	}
}

func TestJSONFloat(t *testing.T) {
	for _, f := range []float64{0, 0.001, 0.021, 1.5, 1500, 1e-7, 3e21, 123456.789} {
		want, _ := json.Marshal(f)
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}
