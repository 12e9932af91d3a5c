package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slbdiag/slbdiag/collect"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// collectVerdict is what TestCollectSamples compares of doctor's JSON.
type collectVerdict struct {
	Verdict string
	Causes  []string
	NICs    []string // index on Windows, name on Linux
}

// doctorJSON runs doctor --format json on a facts file and returns its
// verdict and the exit code.
func doctorJSON(t *testing.T, file string, args ...string) (collectVerdict, int) {
	t.Helper()
	r := slbdiag(t, nil, append([]string{"doctor", "--vip", "192.0.2.10", "--format", "json", "--host-facts", file}, args...)...)
	var out struct {
		Checks []struct {
			Verdict string `json:"verdict"`
			NICs    []struct {
				Index int    `json:"index"`
				Name  string `json:"name"`
			} `json:"receiving_nics"`
			Findings []struct {
				Cause string `json:"cause"`
			} `json:"findings"`
		} `json:"checks"`
		Facts struct {
			OS string `json:"os"`
		} `json:"facts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Checks) != 1 {
		t.Fatalf("doctor on %s: %v\n%s%s", file, err, r.stdout, r.stderr)
	}
	var v collectVerdict
	v.Verdict = out.Checks[0].Verdict
	for _, f := range out.Checks[0].Findings {
		v.Causes = append(v.Causes, f.Cause)
	}
	for _, n := range out.Checks[0].NICs {
		if out.Facts.OS == "windows" {
			v.NICs = append(v.NICs, strconv.Itoa(n.Index))
		} else {
			v.NICs = append(v.NICs, n.Name)
		}
	}
	return v, r.code
}

// TestCollectSamples: doctor's verdict on each collector's file of
// testdata/hostfacts/collected is what an engineer concludes from it
// (its README says what each shows), in whatever language the host
// printed its outputs.
func TestCollectSamples(t *testing.T) {
	dir := filepath.Join(hostFactsDir, "collected")
	for _, tc := range []struct {
		file string
		want collectVerdict
		code int
		has  []string
	}{
		{"win2008r2-en-before.txt", collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"11"}}, exitProblems,
			[]string{"Windows Server 2008 R2 (6.1.7601)", "netsh interface ipv4 set interface 11 weakhostreceive=enabled"}},
		{"win2012-en-after.txt", collectVerdict{"OK", nil, []string{"12"}}, exitOK,
			[]string{"interface 14 (Loopback), loopback, Microsoft KM-TEST Loopback Adapter"}},
		{"win2012-zh-half.txt", collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"12"}}, exitProblems,
			[]string{"interface 14 (环回), loopback", "netsh interface ipv4 set interface 12 weakhostreceive=enabled"}},
		{"win2012-zh-cmd-gbk.txt", collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"12"}}, exitProblems,
			[]string{"interface 12 (以太网)", "Windows Firewall: 域 enabled"}},
		{"win2019-en-npcap-before.txt", collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"6"}}, exitProblems,
			[]string{"Windows Server 2019", "hdwwiz.exe"}},
		{"linux-after.txt", collectVerdict{"OK", nil, []string{"eth0"}}, exitOK,
			[]string{"lo (1), loopback: 127.0.0.1/8, 192.0.2.10/32, ::1/128 (holds the VIP)", "Listening on port 443: [::]:443."}},
	} {
		path := filepath.Join(dir, tc.file)
		got, code := doctorJSON(t, path)
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, d)
		}
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d", tc.file, code, tc.code)
		}
		text := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", path)
		for _, s := range tc.has {
			if !reads(text.stdout, s) {
				t.Errorf("%s: output lacks %q:\n%s", tc.file, s, text.stdout)
			}
		}
		for _, s := range []string{"disagree", "cut short", "Outputs skipped"} {
			if strings.Contains(text.stdout, s) {
				t.Errorf("%s: output has %q:\n%s", tc.file, s, text.stdout)
			}
		}
	}
}

// TestCollectDisagreeReported: doctor says where a facts file contradicts
// itself, and that a file was cut short, in the report.
func TestCollectDisagreeReported(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "collected", "win2012-zh-half.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "hostmodel idx=12 family=ipv4 send=disabled receive=disabled", "hostmodel idx=12 family=ipv4 send=disabled receive=enabled", 1)
	text = text[:strings.Index(text, "slbdiag-collect-end")]
	name := filepath.Join(t.TempDir(), "facts.txt")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", name)
	for _, s := range []string{
		"The facts block and the raw outputs disagree: weakhostreceive (ipv4) of interface 12: enabled in the facts block, disabled in the raw outputs; taken as unknown",
		"Not read: the collector's file ends before its footer: the collection was cut short",
	} {
		if !reads(r.stdout, s) {
			t.Errorf("output lacks %q:\n%s", s, r.stdout)
		}
	}
	// Which way the NIC takes the VIP is now unknown: no verdict rests on
	// either side.
	if !strings.HasPrefix(r.stdout, "UNKNOWN") || r.code != exitNothing {
		t.Errorf("exit %d, want UNKNOWN (%d):\n%s", r.code, exitNothing, r.stdout)
	}
}

// TestCollectIPListen: an HTTP.sys listen list without the VIP leaves
// nothing to answer on it, however the host model and the sites are set.
func TestCollectIPListen(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "collected", "win2012-en-after.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "read what=iplisten", "iplisten addr=10.0.0.5\r\nread what=iplisten", 1)
	text = strings.Replace(text, "IP addresses present in the IP listen list:\r\n-------------------------------------------\r\n", "IP addresses present in the IP listen list:\r\n-------------------------------------------\r\n\r\n    10.0.0.5\r\n", 1)
	name := filepath.Join(t.TempDir(), "facts.txt")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, code := doctorJSON(t, name)
	if d := cmp.Diff(collectVerdict{"PROBLEM", []string{"no-listener-on-vip"}, []string{"12"}}, got); d != "" || code != exitProblems {
		t.Errorf("exit %d (-want +got):\n%s", code, d)
	}
	r := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", name)
	for _, s := range []string{"HTTP.sys listens only on (IP listen list): 10.0.0.5.", "HTTP.sys listens only on 10.0.0.5 (netsh http show iplisten): nothing accepts TCP to 192.0.2.10:443", "netsh http add iplisten ipaddress=192.0.2.10"} {
		if !reads(r.stdout, s) {
			t.Errorf("output lacks %q:\n%s", s, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "disagree") {
		t.Errorf("facts block and outputs should agree:\n%s", r.stdout)
	}
}

func TestCollectPrintScript(t *testing.T) {
	for _, s := range collect.Scripts {
		_, want, _ := collect.Lookup(s.Name)
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{"collect", "--print-script", s.Name}, nil, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if !bytes.Equal(stdout.Bytes(), want) {
			t.Errorf("%s: printed script differs from %s", s.Name, s.File)
		}
		// -o writes the same bytes, over an older file, leaving no
		// temporary file behind.
		dir := t.TempDir()
		out := filepath.Join(dir, s.File)
		os.WriteFile(out, []byte("old"), 0o644)
		if err := run(context.Background(), []string{"collect", "--print-script", s.Name, "-o", out}, nil, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
			t.Errorf("%s: -o wrote %d bytes, want %d", s.Name, len(got), len(want))
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%s: %d files in the directory, want 1", s.Name, len(ents))
		}
	}
}

func TestParseCollectErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "give --print-script windows|windows-cmd|linux, or --vip VIP to collect this host's facts"},
		{[]string{"--print-script", "macos"}, `--print-script: no collector script "macos" (there are windows, windows-cmd, linux)`},
		{[]string{"--print-script", "linux", "--vip", "192.0.2.10"}, "--print-script and --vip are two uses of collect: give one"},
		{[]string{"--vip", "web01"}, `--vip: "web01" is not an address`},
		{[]string{"--vip", "192.0.2.10", "--port", "any"}, "--port: name the VIP's ports (at most 16), as for doctor"},
		{[]string{"--vip", "192.0.2.10", "extra"}, `unexpected argument "extra"`},
	} {
		_, err := parseCollect(tc.args, &bytes.Buffer{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: %v, want %s", tc.args, err, tc.want)
		}
	}
}

// TestCollectReplay runs the PowerShell collector in its replay mode on the
// raw outputs of a sample, where PowerShell (pwsh or powershell) is
// installed: the file it writes must give the sample's verdict. With no
// object source recorded, every fact comes from the raw outputs, the path
// a host takes when its queries fail.
func TestCollectReplay(t *testing.T) {
	var shell string
	for _, s := range []string{"pwsh", "powershell"} {
		if p, err := exec.LookPath(s); err == nil {
			shell = p
			break
		}
	}
	if shell == "" {
		t.Skip("no PowerShell here: the replay mode is checked where it exists")
	}
	b, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "collected", "win2008r2-en-before.txt"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := hostfacts.SplitCollected(string(b))
	if err != nil {
		t.Fatal(err)
	}
	replay, out := t.TempDir(), t.TempDir()
	replayName := regexp.MustCompile(`[^A-Za-z0-9]+`)
	for _, o := range collectedOutputs(c.Outputs) {
		name := strings.Trim(replayName.ReplaceAllString(o[0], "_"), "_") + ".txt"
		if err := os.WriteFile(filepath.Join(replay, name), []byte(o[1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script, _ := filepath.Abs(filepath.Join("..", "..", "collect", "slbdiag-collect.ps1"))
	cmd := exec.Command(shell, "-NoProfile", "-ExecutionPolicy", "Bypass", "-File", script, "-Vip", "192.0.2.10", "-ReplayDir", replay, "-OutDir", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", shell, err, msg)
	}
	files, _ := filepath.Glob(filepath.Join(out, "slbdiag-facts-*.txt"))
	if len(files) != 1 {
		t.Fatalf("the collector wrote %q, want one facts file", files)
	}
	got, code := doctorJSON(t, files[0])
	if d := cmp.Diff(collectVerdict{"PROBLEM", []string{"strong-host-receive"}, []string{"11"}}, got); d != "" || code != exitProblems {
		t.Errorf("exit %d (-want +got):\n%s", code, d)
	}
}

// collectedOutputs splits the raw outputs of a collector's file at its
// prompt lines ("PS slbdiag> COMMAND"), as the script writes them: command
// and text.
func collectedOutputs(raw string) [][2]string {
	var outs [][2]string
	for _, line := range strings.SplitAfter(raw, "\n") {
		if cmd, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "PS slbdiag> "); ok {
			outs = append(outs, [2]string{cmd, ""})
			continue
		}
		if len(outs) > 0 {
			outs[len(outs)-1][1] += line
		}
	}
	return outs
}

// TestCollectHintQuoted: the doctor command collect suggests names the
// written file quoted for a shell, so a name with spaces or ; pastes as one
// word and runs nothing else.
func TestCollectHintQuoted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("collect --vip reads this host on Linux")
	}
	name := filepath.Join(t.TempDir(), "web 1;touch x.txt")
	r := slbdiag(t, nil, "collect", "--vip", "192.0.2.10", "-o", name)
	if want := "--host-facts '" + name + "'"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q lacks %q", r.stderr, want)
	}
}
