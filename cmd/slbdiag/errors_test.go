package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/slbdiag/slbdiag/internal/outfile"
)

// TestErrorMessages: each command line that cannot run says what is wrong
// once, then what to do, and nothing else: no usage dump, no Go wording.
func TestErrorMessages(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("junk, not a capture"))
	zw.Close()
	if err := os.WriteFile(junk, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join("..", "..", "testdata", "pcaps", "seed-strong-host.pcapng")
	facts := filepath.Join("..", "..", "testdata", "hostfacts", "linux", "backend.txt")
	analyzeHint := "hint: run 'slbdiag analyze -h' for the flags\n"
	doctorHint := "hint: run 'slbdiag doctor -h' for the flags\n"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a directory", []string{"analyze", dir},
			"slbdiag: error: " + dir + ": a directory, not a capture file\nhint: name the capture files in it, e.g. 'slbdiag analyze DIR/*.pcapng'\n"},
		{"gzip'd junk", []string{"analyze", junk},
			"slbdiag: error: " + junk + ": not a pcap or pcapng capture: the file is gzip'd, and what it holds starts with 6a 75 6e 6b\n" +
				"hint: slbdiag reads pcap and pcapng files, gzip'd or not (tcpdump -w, Wireshark, dumpcap, Npcap).\n" +
				"hint: convert other formats first: Wireshark File > Save As > pcapng, or 'pktmon etl2pcap FILE.etl' for Windows pktmon traces.\n"},
		{"negative port", []string{"analyze", "--port", "-1", seed}, `slbdiag: error: --port: "-1" is not a port (1-65535)` + "\n" + analyzeHint},
		{"half a range", []string{"analyze", "--port", "8000-", seed}, `slbdiag: error: --port: "8000-" is not a port range (FIRST-LAST, each 1-65535)` + "\n" + analyzeHint},
		{"port list, stray comma", []string{"analyze", "--port", "443,", seed}, `slbdiag: error: --port: "443," has an empty entry: remove the stray comma` + "\n" + analyzeHint},
		{"VIP list, stray comma", []string{"analyze", "--vip", "192.0.2.10,", seed}, `slbdiag: error: --vip: "192.0.2.10," has an empty entry: remove the stray comma` + "\n" + analyzeHint},
		{"unknown flag", []string{"analyze", "--bogus", seed}, "slbdiag: error: unknown flag --bogus\n" + analyzeHint},
		{"unknown flag after the file", []string{"analyze", seed, "-bogus=1"}, "slbdiag: error: unknown flag -bogus\n" + analyzeHint},
		{"flag without its value", []string{"analyze", seed, "--vip"}, "slbdiag: error: --vip needs a value\n" + analyzeHint},
		{"bad duration", []string{"analyze", "--grace", "5x", seed}, `slbdiag: error: --grace: "5x" is not a valid value (the default is 1s)` + "\n" + analyzeHint},
		{"bad boolean", []string{"analyze", "--redact=maybe", seed}, `slbdiag: error: --redact: "maybe" is not true or false` + "\n" + analyzeHint},
		{"unknown command", []string{"analyse", seed}, "slbdiag: error: unknown command \"analyse\"\nhint: did you mean analyze?\nhint: run 'slbdiag help' for the commands\n"},
		{"unknown command, nothing near", []string{"frobnicate"}, "slbdiag: error: unknown command \"frobnicate\"\nhint: run 'slbdiag help' for the commands\n"},
		{"mistyped flag, swapped letters", []string{"analyze", "--vpi", "192.0.2.10", seed}, "slbdiag: error: unknown flag --vpi\nhint: did you mean --vip?\n" + analyzeHint},
		{"mistyped flag, capitals", []string{"analyze", "--VIP=192.0.2.10", seed}, "slbdiag: error: unknown flag --VIP\nhint: did you mean --vip?\n" + analyzeHint},
		{"mistyped flag, a letter missing", []string{"analyze", seed, "-evidnce", "e.pcapng"}, "slbdiag: error: unknown flag -evidnce\nhint: did you mean --evidence?\n" + analyzeHint},
		{"a flag's beginning", []string{"analyze", "--probe", "10.0.0.0/8", seed}, "slbdiag: error: unknown flag --probe\nhint: did you mean --probe-net?\n" + analyzeHint},
		{"tcpdump's -nr", []string{"analyze", "-nr", seed}, "slbdiag: error: unknown flag -nr\nhint: flags are not combined here: write -n -r\n" + analyzeHint},
		{"letters that getopt would not combine", []string{"analyze", "-on", seed}, "slbdiag: error: unknown flag -on\n" + analyzeHint},
		{"-r without its file", []string{"analyze", "-r"}, "slbdiag: error: -r needs a value\n" + analyzeHint},
		{"-r with an empty name", []string{"analyze", "-r", ""}, `slbdiag: error: -r: "" is not a valid value` + "\n" + analyzeHint},
		{"capture, mistyped duration flag", []string{"capture", "-i", "lo", "--druation", "5s"}, "slbdiag: error: unknown flag --druation\nhint: run 'slbdiag capture -h' for the flags\n"},
		{"watch, mistyped flag", []string{"watch", "--max-dsk", "1GiB"}, "slbdiag: error: unknown flag --max-dsk\nhint: did you mean --max-disk?\nhint: run 'slbdiag watch -h' for the flags\n"},
		{"doctor, mistyped flag", []string{"doctor", "--hostfacts", facts}, "slbdiag: error: unknown flag --hostfacts\nhint: did you mean --host-facts?\n" + doctorHint},
		{"explain, mistyped flag", []string{"explain", "--lnag", "zh"}, "slbdiag: error: unknown flag --lnag\nhint: did you mean --lang?\nhint: run 'slbdiag explain' to list the causes\n"},
		{"collect, mistyped flag", []string{"collect", "--print-scrpt", "linux"}, "slbdiag: error: unknown flag --print-scrpt\nhint: did you mean --print-script?\nhint: run 'slbdiag collect -h' for the flags\n"},
		{"capture, unknown flag", []string{"capture", "-Z"}, "slbdiag: error: unknown flag -Z\nhint: run 'slbdiag capture -h' for the flags\n"},
		{"watch, unknown flag", []string{"watch", "--bogus"}, "slbdiag: error: unknown flag --bogus\nhint: run 'slbdiag watch -h' for the flags\n"},
		{"watch, bad duration", []string{"watch", "--before", "5x"}, `slbdiag: error: --before: "5x" is not a valid value (the default is 30s)` + "\n" + "hint: run 'slbdiag watch -h' for the flags\n"},
		{"watch, bad trigger", []string{"watch", "-i", "eth0", "--out", dir, "--on", "completed"},
			`slbdiag: error: --on: "completed" is not a failure outcome (one of unanswered,refused,unreachable,synack-no-ack,wrong-source, or any)` + "\n" + "hint: run 'slbdiag watch -h' for the flags\n"},
		{"doctor, stray comma as analyze", []string{"doctor", "--vip", "192.0.2.10", "--port", "443,", "--host-facts", facts},
			`slbdiag: error: --port: "443," has an empty entry: remove the stray comma` + "\n" + doctorHint},
		{"doctor, any port", []string{"doctor", "--vip", "192.0.2.10", "--port", "any"},
			"slbdiag: error: --port: doctor checks the ports given, not any: name them (443,8443)\n" + doctorHint},
		{"doctor, too many ports", []string{"doctor", "--vip", "192.0.2.10", "--port", "8000-8100"},
			"slbdiag: error: --port: 101 ports are more than doctor checks at once (16)\n" + doctorHint},
		{"-o into a missing directory", []string{"analyze", "-o", filepath.Join(dir, "nowhere", "r.txt"), seed},
			"slbdiag: error: -o: cannot write " + filepath.Join(dir, "nowhere", "r.txt") + ": no such file or directory\n" +
				"hint: the directory " + filepath.Join(dir, "nowhere") + " does not exist: create it, or choose another place for -o\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := exitCode(run(context.Background(), tc.args, nil, &stdout, &stderr), &stderr)
		if code != exitError || stderr.String() != tc.want || stdout.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 2, no stdout, stderr:\n%s", tc.name, code, stdout.String(), stderr.String(), tc.want)
		}
	}
}

// TestOutputHints: an output that cannot be written says so in its own
// words, not those of an input that cannot be read. (As root the tests
// cannot be refused a directory, so the error is made here.)
func TestOutputHints(t *testing.T) {
	err := &outfile.Error{Flag: "-o", Name: "reports/r.html", Err: fs.ErrPermission}
	var b bytes.Buffer
	printError(&b, err)
	want := "slbdiag: error: -o: cannot write reports/r.html: permission denied\n" +
		"hint: this user may not write in reports: choose another place for -o, or run with the needed rights\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
