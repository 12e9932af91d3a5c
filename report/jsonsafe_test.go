package report

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
)

func TestJSONString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain.pcap", `"plain.pcap"`},
		{"日本語 2.pcapng", `"日本語 2.pcapng"`},
		{"a\x1b[2Jb", `"a\u001b[2Jb"`},                         // C0: encoding/json's own
		{"<&>", `"\u003c\u0026\u003e"`},                        // as encoding/json writes them
		{"a\u0085b\u009b2J\u0080", `"a\u0085b\u009b2J\u0080"`}, // C1, CSI among them
		{"\u00a0\u00ff", "\"\u00a0\u00ff\""},                   // just past C1: letters, raw
		{"x\u202egpj.exe", `"x\u202egpj.exe"`},
		{"\u202a\u202b\u202c\u202d", `"\u202a\u202b\u202c\u202d"`},
		{"\u2066\u2067\u2068\u2069", `"\u2066\u2067\u2068\u2069"`},
		{"\u200e\u200f", `"\u200e\u200f"`},
		{"\u061c", `"\u061c"`},
		{"\u2028\u2029", `"\u2028\u2029"`}, // encoding/json's own
		{"del\x7f", `"del\u007f"`},
		{"bad\xff\xfe", `"bad\ufffd\ufffd"`}, // invalid UTF-8, as encoding/json replaces it
		{"", `""`},
	} {
		if got := string(jsonString(tc.in)); got != tc.want {
			t.Errorf("jsonString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// hostileName holds every kind of character escapeJSON escapes.
const hostileName = "cap\u009b2J\u0085\u202eedoc\u2066\u200f\x7f.pcapng"

// noRawUnsafe fails when b holds a character escapeJSON escapes, raw.
func noRawUnsafe(t *testing.T, what string, b []byte) {
	t.Helper()
	if i := firstUnsafeJSON(b); i >= 0 {
		t.Errorf("%s: raw %q at byte %d", what, b[i:min(i+4, len(b))], i)
	}
}

// Every JSON writer of a report escapes the characters; decoded, the
// names come back as they were.
func TestReportJSONEscapesControls(t *testing.T) {
	r := &analyze.Result{Inputs: []analyze.InputInfo{{Name: hostileName, Format: "pcapng"}}}
	var buf bytes.Buffer
	if err := JSON(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	noRawUnsafe(t, "json", buf.Bytes())
	var doc struct {
		Inputs []struct{ File string } `json:"inputs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Inputs) != 1 || doc.Inputs[0].File != hostileName {
		t.Errorf("decoded %+v (%v), want the input named %q", doc, err, hostileName)
	}

	buf.Reset()
	w := NewJSONLWriter(&buf, []string{hostileName}, nil)
	a := analyze.Attempt{Client: netip.MustParseAddrPort("198.51.100.23:50000"), Server: netip.MustParseAddrPort("10.0.0.10:443"),
		Outcome: analyze.Unanswered, Syns: 2, First: analyze.FrameRef{Frame: 1}, FirstTS: time.Unix(0, 0)}
	if err := w.Attempt(&a); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	noRawUnsafe(t, "jsonl", buf.Bytes())
	var line struct{ File string }
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line.File != hostileName {
		t.Errorf("decoded %+v (%v), want the file %q", line, err, hostileName)
	}
}

// doctor's JSON carries interface names and descriptions from the host,
// and the receiving NICs' names.
func TestDoctorJSONEscapesControls(t *testing.T) {
	name, desc := "Ethernet\u202e2\u0085", "Intel\u009b31m\u2067"
	c := &Checkup{VIP: netip.MustParseAddrPort("10.0.0.10:443"),
		Facts: &hostfacts.Facts{OS: "windows", Interfaces: []hostfacts.Interface{{Index: 6, Name: name, Description: desc}}},
		Check: hostcheck.Verdict{Host: &analyze.HostConfig{NICs: []analyze.HostIface{{Index: 6, Name: name}}}}}
	var buf bytes.Buffer
	if err := DoctorJSON(&buf, &DoctorReport{Checkups: []*Checkup{c}}, Options{}); err != nil {
		t.Fatal(err)
	}
	noRawUnsafe(t, "doctor json", buf.Bytes())
	s := buf.String()
	for _, want := range []string{`"name": "Ethernet\u202e2\u0085"`, `"description": "Intel\u009b31m\u2067"`} {
		if !strings.Contains(s, want) {
			t.Errorf("doctor json does not hold %s:\n%s", want, s)
		}
	}
}

// FuzzJSONString holds escapeJSON to its promise on any string: nothing it
// escapes is left raw, the text is valid JSON, and encoding/json decodes
// it to what it decodes its own encoding to (s itself when s is UTF-8).
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "a", hostileName, "\x1b]0;x\x07", "\xc2", "\xe2\x80", "\xe2\x80\xae", "日本", "\ufffd\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := jsonString(s)
		noRawUnsafe(t, "jsonString", got)
		if !utf8.Valid(got) {
			t.Fatalf("jsonString(%q) = %q: not UTF-8", s, got)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("jsonString(%q) = %s: %v", s, got, err)
		}
		plain, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(plain, &want); err != nil {
			t.Fatal(err)
		}
		if back != want {
			t.Fatalf("jsonString(%q) decodes to %q, want %q", s, back, want)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("jsonString(%q) decodes to %q", s, back)
		}
	})
}
