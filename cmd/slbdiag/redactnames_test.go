package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedactHidesFileNames: with --redact, the inputs' names (here a
// client's address, as customers name captures) appear in no format and
// no evidence comment; the inputs are input-1.pcapng, input-2.pcap.
// --keep-names keeps them.
func TestRedactHidesFileNames(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "capture-10.9.8.7.pcapng")
	b := filepath.Join(dir, "ticket-4711.pcap")
	if err := os.Rename(copyCapture(t, dir, "seed-strong-host.pcapng"), a); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(copyCapture(t, dir, "outcomes.pcap"), b); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"10.9.8.7", "capture-10", "ticket-4711", dir}
	outputs := map[string]string{}
	for _, format := range []string{"text", "markdown", "html", "json", "jsonl"} {
		for _, inputs := range [][]string{{a}, {a, b}} {
			r := slbdiag(t, nil, append([]string{"analyze", "--redact", "--format", format}, inputs...)...)
			outputs[format+"/"+strings.Repeat("+", len(inputs))] = r.stdout
		}
	}
	ev := filepath.Join(dir, "evidence.pcapng")
	slbdiag(t, nil, "analyze", "--redact", "--evidence", ev, a, b)
	evb, err := os.ReadFile(ev)
	if err != nil {
		t.Fatal(err)
	}
	outputs["evidence"] = string(evb)
	for what, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s holds %q", what, s)
			}
		}
	}
	for _, what := range []string{"json/++", "jsonl/++", "text/++", "markdown/++"} {
		if !strings.Contains(outputs[what], "input-1.pcapng") || !strings.Contains(outputs[what], "input-2.pcap") {
			t.Errorf("%s does not name input-1.pcapng and input-2.pcap:\n%.600s", what, outputs[what])
		}
	}
	if !strings.Contains(outputs["evidence"], "input-1.pcapng") {
		t.Error("the evidence's comments do not name input-1.pcapng")
	}
	r := slbdiag(t, nil, "analyze", "--redact", "--keep-names", "--format", "json", a)
	if !strings.Contains(r.stdout, "capture-10.9.8.7.pcapng") {
		t.Errorf("--keep-names: the name is gone:\n%.400s", r.stdout)
	}
	if r := slbdiag(t, nil, "analyze", "--keep-names", a); r.code != exitError || !strings.Contains(r.stderr, "--keep-names applies only with --redact") {
		t.Errorf("--keep-names alone: exit %d, stderr %q", r.code, r.stderr)
	}
}
