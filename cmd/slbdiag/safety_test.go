package main

import (
	"bytes"
	le "encoding/binary"
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// slbdiagStdinFile runs the binary with f as its stdin, as a shell's
// "< FILE" does.
func slbdiagStdinFile(t *testing.T, f *os.File, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = f
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, stdout.String(), stderr.String()}
}

// copyCapture copies a bundled capture into dir and returns its path.
func copyCapture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOutputsNeverOverwriteInputs tries every way a command line can name
// an input, or another output, as an output: each is refused with exit 2
// before anything is written, and every file is left as it was.
func TestOutputsNeverOverwriteInputs(t *testing.T) {
	dir := t.TempDir()
	a := copyCapture(t, dir, "seed-strong-host.pcapng")
	b := copyCapture(t, dir, "tls-binding.pcapng")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(a, filepath.Join(dir, "link.pcapng")))
	must(os.Link(a, filepath.Join(dir, "hard.pcapng")))
	must(os.Mkdir(filepath.Join(dir, "x"), 0o755))
	must(os.Symlink(filepath.Join(dir, "new.txt"), filepath.Join(dir, "dangling")))
	orig := map[string][]byte{}
	for _, p := range []string{a, b} {
		orig[p], _ = os.ReadFile(p)
	}
	in := func(s string) string { return filepath.Join(dir, s) }
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"-o the input", []string{"analyze", "-o", a, a}, "-o " + a + " is the capture " + a},
		{"-o the input through a symlink", []string{"analyze", "-o", in("link.pcapng"), a}, "would destroy the capture"},
		{"-o the input through a hard link", []string{"analyze", "-o", in("hard.pcapng"), a}, "would destroy the capture"},
		{"-o the input through ..", []string{"analyze", "-o", in("x/../seed-strong-host.pcapng"), a}, "would destroy the capture"},
		{"-o the second input", []string{"analyze", "-o", b, a, b}, "is the capture " + b},
		{"--evidence the input", []string{"analyze", "--evidence", a, a}, "--evidence " + a + " is the capture"},
		{"--evidence and -o the same new file", []string{"analyze", "--evidence", in("out"), "-o", in("x/../out"), a}, "are the same file"},
		{"--evidence and -o the same file through a dangling link", []string{"analyze", "--evidence", in("dangling"), "-o", in("new.txt"), a}, "are the same file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := slbdiag(t, nil, tc.args...)
			if r.code != exitError || !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, tc.msg)
			}
			for p, want := range orig {
				if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
					t.Fatalf("%s changed", p)
				}
			}
			for _, p := range []string{in("out"), in("new.txt")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
	// stdin redirected from the file named by -o.
	f, err := os.Open(a)
	must(err)
	defer f.Close()
	r := slbdiagStdinFile(t, f, "analyze", "-o", a, "-")
	if r.code != exitError || !strings.Contains(r.stderr, "is the capture read from stdin") {
		t.Errorf("stdin: exit %d, stderr %q", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return strings.HasSuffix(e.Name(), ".tmp") }) {
		t.Errorf("temporary files left in %s", dir)
	}
}

// TestFailedRunKeepsOldOutput: a run that fails leaves the old report and
// evidence as they were, and a run that succeeds replaces them whole.
func TestFailedRunKeepsOldOutput(t *testing.T) {
	dir := t.TempDir()
	report, evidence := filepath.Join(dir, "report.txt"), filepath.Join(dir, "evidence.pcapng")
	for _, p := range []string{report, evidence} {
		if err := os.WriteFile(p, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// The second input is not a capture: the run fails after the first
	// was opened.
	r := slbdiag(t, nil, "analyze", "-o", report, "--evidence", evidence, "testdata/pcaps/seed-strong-host.pcapng", "testdata/pcaps/not-a-capture.txt")
	if r.code != exitError {
		t.Fatalf("exit %d, want 2", r.code)
	}
	for _, p := range []string{report, evidence} {
		if b, _ := os.ReadFile(p); string(b) != "old" {
			t.Errorf("%s: %q after a failed run", p, b)
		}
	}
	r = slbdiag(t, nil, "analyze", "-o", report, "--evidence", evidence, "testdata/pcaps/seed-strong-host.pcapng")
	if r.code != exitProblems {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(report); !bytes.HasPrefix(b, []byte("PROBLEM")) {
		t.Errorf("report: %.40q", b)
	}
	if fi, err := os.Stat(report); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("report mode %v (%v), want the old file's 0640", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}

type jsonFinding struct {
	Cause, Confidence, Destination string
	Evidence                       []struct {
		Kind  string
		Count int
	}
}

func findingsOf(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var doc struct{ Findings []jsonFinding }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return doc.Findings
}

// TestEvidenceReproducesFindings: analysing the evidence file gives the
// findings of the capture it came from, and without a finding the
// evidence is still a pcapng.
func TestEvidenceReproducesFindings(t *testing.T) {
	for _, name := range []string{"seed-strong-host.pcapng", "tls-binding.pcapng", "outcomes.pcap", "probes-pass.pcap",
		"ipv6-vlan.pcapng", "sll.pcap", "raw-null.pcapng", "lab-dsr-return-lost.pcap", "pktmon.pcapng", "hostile-sni.pcapng", "lab-dsr-fixed.pcap"} {
		t.Run(name, func(t *testing.T) {
			ev := filepath.Join(t.TempDir(), "evidence.pcapng")
			orig := slbdiag(t, nil, "analyze", "--format", "json", "--evidence", ev, "testdata/pcaps/"+name)
			again := slbdiag(t, nil, "analyze", "--format", "json", ev)
			want, got := findingsOf(t, orig.stdout), findingsOf(t, again.stdout)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("the evidence's findings differ from the capture's (-capture +evidence):\n%s", diff)
			}
			if b, _ := os.ReadFile(ev); !bytes.HasPrefix(b, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
				t.Errorf("the evidence is not a pcapng: %.16x", b)
			}
		})
	}
}

// TestRedactedTicket renders a capture in all five formats with --redact
// --redact-sni, and writes its evidence: no output may hold a client
// address (as text, and in binary in the evidence) or a server name.
func TestRedactedTicket(t *testing.T) {
	clientNets := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8:1::/48")}
	for _, name := range []string{"hostile-sni.pcapng", "tls-binding.pcapng", "ipv6-vlan.pcapng", "outcomes.pcap", "seed-strong-host.pcapng"} {
		t.Run(name, func(t *testing.T) {
			path := "testdata/pcaps/" + name
			var clients []netip.Addr
			var names []string
			for _, line := range strings.Split(strings.TrimSpace(slbdiag(t, nil, "analyze", "--format", "jsonl", path).stdout), "\n") {
				var a struct {
					C string `json:"client_ip"`
					S string `json:"server_ip"`
				}
				if err := json.Unmarshal([]byte(line), &a); err != nil {
					t.Fatal(err)
				}
				for _, s := range []string{a.C, a.S} {
					if ad := netip.MustParseAddr(s); slices.ContainsFunc(clientNets, func(p netip.Prefix) bool { return p.Contains(ad) }) && !slices.Contains(clients, ad) {
						clients = append(clients, ad)
					}
				}
			}
			for _, n := range []string{"shop.example.com", "www.example.com", "a.com;calc"} {
				if strings.Contains(name, "sni") || strings.Contains(name, "tls") {
					names = append(names, n)
				}
			}
			if len(clients) == 0 {
				t.Fatal("no client addresses to look for")
			}
			outputs := map[string][]byte{}
			for _, format := range []string{"text", "markdown", "html", "json", "jsonl"} {
				for _, lang := range []string{"en", "zh"} {
					r := slbdiag(t, nil, "analyze", "--redact", "--redact-sni", "--format", format, "--lang", lang, path)
					outputs[format+"/"+lang] = []byte(r.stdout)
				}
			}
			ev := filepath.Join(t.TempDir(), "evidence.pcapng")
			slbdiag(t, nil, "analyze", "--redact", "--redact-sni", "--evidence", ev, path)
			evb, err := os.ReadFile(ev)
			if err != nil {
				t.Fatal(err)
			}
			outputs["evidence"] = evb
			for what, b := range outputs {
				for _, c := range clients {
					if bytes.Contains(b, []byte(c.String())) || (what == "evidence" && bytes.Contains(b, c.AsSlice())) {
						t.Errorf("%s holds the client address %s", what, c)
					}
				}
				for _, n := range names {
					if bytes.Contains(bytes.ToLower(b), []byte(n)) {
						t.Errorf("%s holds the server name %q", what, n)
					}
				}
			}
			if len(evb) < 200 {
				t.Errorf("the evidence has %d bytes", len(evb))
			}
		})
	}
}

// pcapngBlock frames a pcapng block body (little-endian).
func pcapngBlock(typ uint32, body []byte) []byte {
	n := uint32(12 + len(body))
	b := le.LittleEndian.AppendUint32(nil, typ)
	b = le.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return le.LittleEndian.AppendUint32(b, n)
}

// TestDamageExitCodes: damage that leaves nothing to judge is an input
// error (exit 2, stderr says where); a partial result keeps its exit code
// and says on stderr that it is partial.
func TestDamageExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pcapHeader := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	huge := append(slices.Clone(pcapHeader), 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	shb := pcapngBlock(0x0A0D0D0A, []byte{0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	idb := pcapngBlock(1, []byte{1, 0, 0, 0, 0xff, 0xff, 0, 0})
	epb := pcapngBlock(6, append([]byte{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0}, make([]byte, 60)...))
	fixed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", "lab-dsr-fixed.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", "seed-strong-host.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		file   string
		code   int
		stderr string
	}{
		{"a record of 4 GB", write("huge.pcap", huge), exitError, "nothing could be judged before the damage: " + filepath.Join(dir, "huge.pcap") + ": damaged after frame 0, at byte 24"},
		{"a packet of a missing interface", write("noiface.pcapng", slices.Concat(shb, idb, epb)), exitError, "Interface id 5 not present"},
		{"cut inside the first record", write("head.pcap", fixed[:24+16+20]), exitError, "truncated after frame 0, at byte 24"},
		{"cut after handshakes that completed", write("cut.pcap", fixed[:len(fixed)-10]), exitOK, "slbdiag: warning: the result is partial: " + filepath.Join(dir, "cut.pcap") + ": truncated after frame"},
		{"cut after the findings", write("seed-cut.pcapng", seed[:len(seed)-10]), exitProblems, "slbdiag: warning: the result is partial"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := slbdiag(t, nil, "analyze", tc.file)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}

// TestFactsEscaped: names in a host-facts file cannot reach a terminal
// raw, in any text format of analyze or doctor.
func TestFactsEscaped(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "linux", "backend.txt"))
	if err != nil {
		t.Fatal(err)
	}
	hostile := strings.ReplaceAll(string(b), `"ifname":"eth0"`, `"ifname":"eth0\u001b]0;pwned\u0007\u001b[2J"`)
	if hostile == string(b) {
		t.Fatal("the facts file has no eth0 to rename")
	}
	facts := filepath.Join(t.TempDir(), "facts.txt")
	if err := os.WriteFile(facts, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown", "html"} {
		for _, args := range [][]string{
			{"analyze", "--format", format, "--host-facts", facts, "testdata/pcaps/lab-dsr-novip.pcap"},
			{"doctor", "--format", format, "--vip", "192.0.2.10", "--host-facts", facts},
		} {
			r := slbdiag(t, nil, args...)
			if strings.ContainsAny(r.stdout, "\x1b\x07") {
				t.Errorf("%v: raw escapes in the output", args)
			}
			shown := `eth0\x1b]0;pwned\x07\x1b[2J`
			if format != "text" {
				shown = "pwned" // Markdown escapes the escape further
			}
			if !strings.Contains(r.stdout, shown) {
				t.Errorf("%v: the name is not shown escaped:\n%s", args, r.stdout)
			}
		}
	}
}
