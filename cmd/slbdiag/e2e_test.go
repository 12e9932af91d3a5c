package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gopacket/gopacket/pcapgo"
)

// binary is the slbdiag built once for the end-to-end tests.
var binary string

// TestMain builds the binary the end-to-end tests run with coverage of
// every package of the module (Go's integration coverage): each run
// writes its counters to $GOCOVERDIR, a temporary directory unless the
// tests were given one, where 'go tool covdata percent -i DIR' reads
// them.
func TestMain(m *testing.M) {
	build = testBuild
	dir, err := os.MkdirTemp("", "slbdiag-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "slbdiag")
	build := exec.Command("go", "build", "-cover", "-coverpkg=github.com/slbdiag/slbdiag/...", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building slbdiag:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	if os.Getenv("GOCOVERDIR") == "" {
		cover := filepath.Join(dir, "cover")
		if err := os.Mkdir(cover, 0o755); err == nil {
			os.Setenv("GOCOVERDIR", cover) // else the binary warns on stderr at every exit
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// slbdiag runs the built binary from the repository root.
func slbdiag(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = filepath.Join("..", "..")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if err != nil {
		if !errors.As(err, &ee) {
			t.Fatalf("running slbdiag: %v", err)
		}
		code = ee.ExitCode()
	}
	if strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "goroutine ") {
		t.Fatalf("slbdiag %v panicked:\n%s", args, stderr.String())
	}
	return result{code, stdout.String(), stderr.String()}
}

func TestBinary(t *testing.T) {
	seed := "testdata/pcaps/seed-strong-host.pcapng"
	tests := []struct {
		name     string
		args     []string
		stdin    string // a file to feed on stdin
		code     int
		stdout   []string // substrings that must appear
		stderr   []string
		noStdout bool
	}{{
		name:   "seed scenario: strong host model, frames and the fix",
		args:   []string{"analyze", seed},
		code:   1,
		stdout: []string{"PROBLEM:", "192.0.2.10:443", "strong host model", "strong-host-receive", "confidence medium", "host firewall", "Frames:", "weakhostreceive=enabled", "ip.dst==192.0.2.10"},
	}, {
		name:   "a mistyped --vip: the silent destination is named and diagnosed as the VIP",
		args:   []string{"analyze", "--vip", "192.0.2.11", seed},
		code:   1,
		stdout: []string{"PROBLEM: strong-host-receive (confidence medium): No traffic to 192.0.2.11 (--vip); 192.0.2.10 received SYNs and never answered: is that the VIP?", "strong-host-receive", "--vip 192.0.2.10 --port 443"},
	}, {
		name:   "flags after the file",
		args:   []string{"analyze", seed, "--format", "jsonl"},
		code:   1,
		stdout: []string{`"outcome":"unanswered"`, `"server_ip":"192.0.2.10"`},
	}, {
		name:   "stdin",
		args:   []string{"analyze", "--format", "jsonl", "-"},
		stdin:  "testdata/pcaps/gzip-outcomes.cap",
		code:   1,
		stdout: []string{`"file":"stdin"`, `"outcome":"wrong-source"`},
	}, {
		name:     "not a capture",
		args:     []string{"analyze", "testdata/pcaps/not-a-capture.txt"},
		code:     2,
		stderr:   []string{"slbdiag: error: testdata/pcaps/not-a-capture.txt: not a pcap or pcapng capture", "hint:"},
		noStdout: true,
	}, {
		name:     "missing file",
		args:     []string{"analyze", "testdata/pcaps/no-such-file.pcap"},
		code:     2,
		stderr:   []string{"no such file", "hint: check the file name and path"},
		noStdout: true,
	}, {
		name:     "bad port",
		args:     []string{"analyze", "--port", "https", seed},
		code:     2,
		stderr:   []string{`slbdiag: error: --port: "https" is not a port (1-65535)`, "hint: run 'slbdiag analyze -h'"},
		noStdout: true,
	}, {
		name:     "bad format",
		args:     []string{"analyze", "--format", "xml", seed},
		code:     2,
		stderr:   []string{`unknown format "xml"`},
		noStdout: true,
	}, {
		name:     "no file",
		args:     []string{"analyze"},
		code:     2,
		stderr:   []string{"no capture file given"},
		noStdout: true,
	}, {
		name:   "truncated file: results up to the damage and a warning",
		args:   []string{"analyze", "testdata/pcaps/truncated.pcap"},
		code:   1,
		stdout: []string{"Warnings:", "truncated after frame", "at byte"},
	}, {
		name:   "real kernel, before the fix: the Linux wording and fix",
		args:   []string{"analyze", "testdata/pcaps/lab-linux-before.pcap"},
		code:   1,
		stdout: []string{"PROBLEM:", "strong-host-receive", "ip addr add 192.0.2.10/32 dev lo", "arp_ignore=1"},
	}, {
		name:   "real kernel, after the fix: the verify step passes",
		args:   []string{"analyze", "--vip", "192.0.2.10", "testdata/pcaps/lab-linux-after.pcap"},
		code:   0,
		stdout: []string{"OK: all 4 judged handshakes completed."},
	}, {
		name:   "explain lists the causes",
		args:   []string{"explain"},
		code:   0,
		stdout: []string{"strong-host-receive", "client-traffic-filtered", "no-traffic-to-vip"},
	}, {
		name:   "explain a cause: the fix with example addresses",
		args:   []string{"explain", "strong-host-receive"},
		code:   0,
		stdout: []string{"example addresses: VIP 192.0.2.10:443", "weakhostreceive=enabled", "ip addr add 192.0.2.10/32 dev lo", "Verify:"},
	}, {
		name:     "explain an unknown cause",
		args:     []string{"explain", "dns"},
		code:     2,
		stderr:   []string{`unknown cause "dns"`, "hint: run 'slbdiag explain' to list the causes"},
		noStdout: true,
	}, {
		name:     "bad --probe-net",
		args:     []string{"analyze", "--probe-net", "azure", "testdata/pcaps/seed-strong-host.pcapng"},
		code:     2,
		stderr:   []string{`--probe-net: "azure" is not an address or CIDR`},
		noStdout: true,
	}, {
		name:   "--redact replaces clients, keeps probes and the VIP",
		args:   []string{"analyze", "--redact", "--format", "jsonl", seed},
		code:   1,
		stdout: []string{`"client_ip":"198.18.0.1"`, `"client_ip":"198.18.0.2"`, `"client_ip":"100.100.110.5"`, `"server_ip":"192.0.2.10"`},
	}, {
		name:   "markdown for a ticket",
		args:   []string{"analyze", "--format", "markdown", seed},
		code:   1,
		stdout: []string{"# slbdiag report", "**PROBLEM:**", "| `192.0.2.10:443` | likely VIP |", "   netsh interface ipv4 set interface <NIC-IDX> weakhostreceive=enabled"},
	}, {
		name:     "--evidence cannot read stdin twice",
		args:     []string{"analyze", "--evidence", "ev.pcapng", "-"},
		code:     2,
		stderr:   []string{"--evidence reads the captures a second time, so it needs files"},
		noStdout: true,
	}, {
		name:   "--lang zh: the report in Chinese, identifiers and commands as they are",
		args:   []string{"analyze", "--lang", "zh", seed},
		code:   1,
		stdout: []string{"问题：", "强主机模型", "问题：strong-host-receive（置信度：中）", "| 目的地址", "unanswered", "证据：", "Wireshark 过滤器：ip.dst==192.0.2.10", "netsh interface ipv4 set interface <NIC-IDX> weakhostreceive=enabled", "验证："},
	}, {
		name:   "--lang zh json: keys and machine values stay",
		args:   []string{"analyze", "--lang", "zh", "--format", "json", seed},
		code:   1,
		stdout: []string{`"verdict": "问题：`, `"cause": "strong-host-receive"`, `"confidence": "medium"`, `"platform": "windows"`, `"unanswered": 3`},
	}, {
		name:     "bad --lang",
		args:     []string{"analyze", "--lang", "fr", seed},
		code:     2,
		stderr:   []string{`slbdiag: error: --lang: unknown language "fr" (want one of: en, zh)`, "hint: run 'slbdiag analyze -h'"},
		noStdout: true,
	}, {
		name:   "explain in Chinese",
		args:   []string{"explain", "--lang", "zh", "strong-host-receive"},
		code:   0,
		stdout: []string{"strong-host-receive：发往 VIP 的 SYN 到达主机后被丢弃（强主机模型）", "原因分析：", "Microsoft KM-TEST 环回适配器", "weakhostreceive=enabled", "验证："},
	}, {
		name:   "explain lists the causes in Chinese, flag after the command",
		args:   []string{"explain", "--lang=zh"},
		code:   0,
		stdout: []string{"用法：", "client-traffic-filtered", "探测能通过，客户端被过滤"},
	}, {
		name:     "explain with a bad --lang",
		args:     []string{"explain", "strong-host-receive", "--lang", "de"},
		code:     2,
		stderr:   []string{`unknown language "de"`, "hint: run 'slbdiag explain' to list the causes"},
		noStdout: true,
	}, {
		name:     "capture shares the report flags: a bad --probe-net fails before any interface is opened",
		args:     []string{"capture", "-i", "lo", "--probe-net", "azure"},
		code:     2,
		stderr:   []string{`--probe-net: "azure" is not an address or CIDR`, "hint: run 'slbdiag capture -h'"},
		noStdout: true,
	}, {
		name:   "help exits 0, on stdout",
		args:   []string{"analyze", "-h"},
		code:   0,
		stdout: []string{"Usage: slbdiag analyze", "Examples:\n  slbdiag analyze", "\nInput:\n", "  --vip VIP\n"},
	}, {
		name:     "no command lists every command on stderr",
		args:     []string{},
		code:     2,
		stderr:   []string{"  slbdiag analyze [flags] FILE...", "  slbdiag collect --vip VIP", "slbdiag: error: no command given"},
		noStdout: true,
	}, {
		name:   "unknown command",
		args:   []string{"nonsense"},
		code:   2,
		stderr: []string{`unknown command "nonsense"`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdin []byte
			if tt.stdin != "" {
				var err error
				if stdin, err = os.ReadFile(filepath.Join("..", "..", tt.stdin)); err != nil {
					t.Fatal(err)
				}
			}
			r := slbdiag(t, stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) && !strings.Contains(unwrapped(r.stdout), s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if tt.noStdout && r.stdout != "" {
				t.Errorf("stdout should be empty on error, got:\n%s", r.stdout)
			}
		})
	}
}

// TestBinaryOutputFile checks -o writes the report to a file and nothing to stdout.
func TestBinaryOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	r := slbdiag(t, nil, "analyze", "--format", "json", "-o", out, "testdata/pcaps/seed-strong-host.pcapng")
	if r.code != 1 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("{\n  \"schema\": \"slbdiag/1\"")) {
		t.Errorf("report file does not start with the schema: %.80s", b)
	}
}

// TestBinaryEvidence checks --evidence writes the frames behind the
// findings, each with a comment naming the finding and the original frame.
func TestBinaryEvidence(t *testing.T) {
	out := filepath.Join(t.TempDir(), "evidence.pcapng")
	r := slbdiag(t, nil, "analyze", "--evidence", out, "testdata/pcaps/seed-strong-host.pcapng")
	if r.code != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ng, err := pcapgo.NewNgReader(f, pcapgo.NgReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var comments []string
	packets := 0
	for {
		_, _, opts, err := ng.ReadPacketDataWithOptions()
		if err != nil {
			break
		}
		packets++
		if len(opts.Comments) == 0 {
			t.Error("a packet without a comment")
		}
		for _, c := range opts.Comments {
			if strings.HasPrefix(c, "slbdiag finding ") {
				comments = append(comments, c)
			}
		}
	}
	// Every packet of the attempts behind the finding, which are all the
	// seed's 25: 3 clients' 3 SYNs each, and the 4 probes' handshakes and
	// requests. The finding cites 3 first SYNs, their 3 last
	// retransmissions and 4 probe SYN-ACKs.
	if packets != 25 || len(comments) != 10 {
		t.Fatalf("%d packets, %d citing the finding; want 25 and 10: %q", packets, len(comments), comments)
	}
	want := "slbdiag finding 1, strong-host-receive (confidence medium): the first SYN of 198.51.100.23:50001 → 192.0.2.10:443 (3 SYNs in all; outcome unanswered). Frame 5 in testdata/pcaps/seed-strong-host.pcapng."
	if !slices.Contains(comments, want) {
		t.Errorf("no comment %q among %q", want, comments)
	}
}

// unwrapped is a text report with its prose unwrapped: a line break and
// the indent after it become one space (nothing between two Chinese
// characters), so that a sentence is found whole wherever the report
// wrapped it at 100 columns.
func unwrapped(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range wrapBreak.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		if !unicode.Is(unicode.Han, before) || !unicode.Is(unicode.Han, after) {
			b.WriteByte(' ')
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

var wrapBreak = regexp.MustCompile(`\n  +`)

// reads says the text report holds s, on one line or wrapped.
func reads(out, s string) bool {
	return strings.Contains(out, s) || strings.Contains(unwrapped(out), s)
}

// TestBinaryTcpdumpHabits: tcpdump's -r names the input, more than once
// and beside file arguments, and -n changes nothing: the report is the
// one the file arguments give, byte for byte, exit code included.
func TestBinaryTcpdumpHabits(t *testing.T) {
	seed := "testdata/pcaps/seed-strong-host.pcapng"
	a, b := "testdata/pcaps/two-sides-client.pcap", "testdata/pcaps/two-sides-backend.pcapng"
	for _, tc := range []struct {
		name       string
		args, want []string
	}{
		{"-r and -n", []string{"analyze", "-r", seed, "-n"}, []string{"analyze", seed}},
		{"-n first, json", []string{"analyze", "-n", "--format", "json", "-r", seed}, []string{"analyze", "--format", "json", seed}},
		{"-r twice", []string{"analyze", "--vip", "192.0.2.10", "-r", a, "-r", b}, []string{"analyze", "--vip", "192.0.2.10", a, b}},
		{"-r beside a file argument", []string{"analyze", "--vip", "192.0.2.10", a, "-r", b}, []string{"analyze", "--vip", "192.0.2.10", a, b}},
	} {
		got, want := slbdiag(t, nil, tc.args...), slbdiag(t, nil, tc.want...)
		if want.code == exitError || want.stdout == "" {
			t.Fatalf("%s: %v fails (exit %d): %s", tc.name, tc.want, want.code, want.stderr)
		}
		if got != want {
			t.Errorf("%s: slbdiag %v gave exit %d and\n%s\nstderr %s\nwant, as slbdiag %v, exit %d and\n%s\nstderr %s",
				tc.name, tc.args, got.code, got.stdout, got.stderr, tc.want, want.code, want.stdout, want.stderr)
		}
	}
}

// TestThinInputNamesTheVIP: without --vip, a capture whose VIP answers
// with RST (so it counts as a host address) matches no cause; the report
// names the likely VIP and the exact command to re-run, and that command
// finds the cause.
func TestThinInputNamesTheVIP(t *testing.T) {
	r := slbdiag(t, nil, "analyze", "testdata/pcaps/lab-dsr-nolistener.pcap")
	out := unwrapped(r.stdout)
	i := strings.Index(out, "slbdiag analyze ")
	if !strings.Contains(out, "If 192.0.2.10 is the VIP") || i < 0 {
		t.Fatalf("the report names no likely VIP and no re-run command:\n%s", r.stdout)
	}
	line, _, _ := strings.Cut(out[i:], "\n")
	args := shellWords(t, line)[1:]
	again := slbdiag(t, nil, args...)
	if !strings.HasPrefix(again.stdout, "PROBLEM: no-listener-on-vip") {
		t.Errorf("%s gave:\n%s", line, again.stdout)
	}
}

// TestNoDataSaysWhereSYNsWent: when no SYN went to the watched ports, the
// report lists where the SYNs did go, with exact counts, and the command
// that watches those ports; that command judges them.
func TestNoDataSaysWhereSYNsWent(t *testing.T) {
	r := slbdiag(t, nil, "analyze", "--port", "9999", "testdata/pcaps/seed-strong-host.pcapng")
	out := unwrapped(r.stdout)
	if r.code != exitNothing || !strings.Contains(out, "went to 192.0.2.10:443 (9 SYNs), 10.0.0.5:443 (4 SYNs)") {
		t.Fatalf("exit %d; the report does not say where the SYNs went:\n%s", r.code, r.stdout)
	}
	i := strings.Index(out, "slbdiag analyze ")
	line, _, _ := strings.Cut(out[i:], "\n")
	again := slbdiag(t, nil, shellWords(t, line)[1:]...)
	if !strings.HasPrefix(again.stdout, "PROBLEM: strong-host-receive") {
		t.Errorf("%s gave:\n%s", line, again.stdout)
	}
}
