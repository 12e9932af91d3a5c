package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doctorVerdict is what the table compares of `doctor --format json`.
type doctorVerdict struct {
	Verdict    string
	Confidence string
	Causes     []string // the findings' causes, most certain first
	NICs       []string // the receiving NIC(s): index on Windows, name on Linux
	NICsBy     string
	FixIdx     []int // interface indexes in the commands of the host's own platform's fixes
}

var reFixIdx = regexp.MustCompile(`(?:set interface|-InterfaceIndex) (\d+)\b`)

// doctorSample is one row of TestDoctorSamples: a saved sample and what
// doctor must conclude from it.
type doctorSample struct {
	file    string
	args    []string
	want    doctorVerdict
	has     []string // in the text output: the key fact and fix lines
	hasNot  []string
	exitVal int
}

// TestDoctorSamples runs doctor over every saved sample of
// testdata/hostfacts. The expectations are what an engineer concludes
// reading the same outputs (testdata/hostfacts/README.md says, per file,
// what they show), not what the code printed.
func TestDoctorSamples(t *testing.T) {
	const vip = "192.0.2.10"
	for _, tc := range append(doctorSampleRows(), newSamples...) {
		name := tc.file + strings.Join(tc.args, " ")
		path := filepath.Join(hostFactsDir, tc.file)
		r := slbdiag(t, nil, append([]string{"doctor", "--vip", vip, "--format", "json", "--host-facts", path}, tc.args...)...)
		var out struct {
			Checks []struct {
				Verdict    string `json:"verdict"`
				Confidence string `json:"confidence"`
				NICs       []struct {
					Index int    `json:"index"`
					Name  string `json:"name"`
				} `json:"receiving_nics"`
				NICsBy   string `json:"receiving_nics_by"`
				Findings []struct {
					Cause string `json:"cause"`
					Fix   map[string]struct {
						Steps []struct {
							Commands []string `json:"commands"`
						} `json:"steps"`
					} `json:"fix"`
				} `json:"findings"`
			} `json:"checks"`
			Facts struct {
				OS string `json:"os"`
			} `json:"facts"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Checks) != 1 {
			t.Errorf("%s: %v, want one check\n%s%s", name, err, r.stdout, r.stderr)
			continue
		}
		doc := out.Checks[0]
		got := doctorVerdict{Verdict: doc.Verdict, Confidence: doc.Confidence, NICsBy: doc.NICsBy}
		for _, n := range doc.NICs {
			if out.Facts.OS == "windows" {
				got.NICs = append(got.NICs, strconv.Itoa(n.Index))
			} else {
				got.NICs = append(got.NICs, n.Name)
			}
		}
		for _, f := range doc.Findings {
			got.Causes = append(got.Causes, f.Cause)
			for _, st := range f.Fix[out.Facts.OS].Steps {
				for _, c := range st.Commands {
					for _, m := range reFixIdx.FindAllStringSubmatch(c, -1) {
						if i, _ := strconv.Atoi(m[1]); !slices.Contains(got.FixIdx, i) {
							got.FixIdx = append(got.FixIdx, i)
						}
					}
				}
			}
		}
		slices.Sort(got.FixIdx)
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
		if r.code != tc.exitVal {
			t.Errorf("%s: exit %d, want %d", name, r.code, tc.exitVal)
		}
		text := slbdiag(t, nil, append([]string{"doctor", "--vip", vip, "--host-facts", path}, tc.args...)...)
		for _, s := range tc.has {
			if !reads(text.stdout, s) {
				t.Errorf("%s: output lacks %q:\n%s", name, s, text.stdout)
			}
		}
		for _, s := range tc.hasNot {
			if strings.Contains(text.stdout, s) {
				t.Errorf("%s: output has %q:\n%s", name, s, text.stdout)
			}
		}
	}
}

// TestDoctorSiteName: the fix binds the site the facts name, quoted for
// PowerShell, and keeps the placeholder for a name unsafe in a command.
func TestDoctorSiteName(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", hostFactsDir, "windows/en/2016-twonic-half.txt"))
	if err != nil {
		t.Fatal(err)
	}
	const site = `SITE "Default Web Site" (id:1,bindings:http/*:80:,https/*:443:,state:Started)`
	for _, tc := range []struct{ name, want string }{
		{"Contoso Shop", "New-WebBinding -Name 'Contoso Shop' -Protocol https -IPAddress 192.0.2.10 -Port 443"},
		{"Shop$(Remove-Item C:\\x)", `New-WebBinding -Name "<SITE-NAME>" -Protocol https -IPAddress 192.0.2.10 -Port 443`},
	} {
		// The site is bound to the host's own address only: the fix must
		// bind it to the VIP.
		text := strings.Replace(string(b), site, `SITE "`+tc.name+`" (id:3,bindings:https/10.0.0.5:443:,state:Started)`, 1)
		file := filepath.Join(t.TempDir(), "facts.txt")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		r := slbdiag(t, nil, "doctor", "--vip", "192.0.2.10", "--host-facts", file)
		if !strings.Contains(r.stdout, tc.want) || strings.Contains(r.stdout, "add sslcert") {
			t.Errorf("site %q: output lacks %q, or adds a certificate 0.0.0.0:443 already covers:\n%s", tc.name, tc.want, r.stdout)
		}
	}
}

// doctorSampleRows are the first round's samples (testdata/hostfacts/README.md).
func doctorSampleRows() []doctorSample {
	return []doctorSample{
		// The seed, before the fix (Server 2022): the VIP nowhere, the only
		// connected NIC (12; "Ethernet 2" is disconnected) strong host.
		{file: "windows/en/before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"12"}, "only", []int{12}}, exitVal: exitProblems},
		// Server 2012 R2 after the fix: VIP on KM-TEST 14, weak host set,
		// the site takes the VIP by host name with an SNI certificate.
		// Windows Firewall is on and its rules were not read: OK, not sure.
		{file: "windows/en/after.txt", want: doctorVerdict{"OK", "medium", nil, []string{"12"}, "only", nil},
			has: []string{"Not read: the Windows Firewall rules (netsh advfirewall firewall show rule name=all verbose)"}, exitVal: exitOK},
		{file: "windows/zh/before.txt", args: []string{"--lang", "zh"}, want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"12"}, "only", []int{12}}, exitVal: exitProblems},
		// Half-way: the loopback 14 is set up, the NIC 12 is not; only the
		// NIC's command is left.
		{file: "windows/zh/half.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"12"}, "only", []int{12}},
			hasNot: []string{"hdwwiz.exe", "set interface 14"}, exitVal: exitProblems},
		{file: "windows/en/2008r2-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"11"}, "only", []int{11}},
			has: []string{"Windows Server 2008 R2 (6.1.7601)"}, exitVal: exitProblems},
		// UTF-16LE transcript of PowerShell 4, after the fix.
		{file: "windows/en/2012r2-transcript-utf16.txt", want: doctorVerdict{"OK", "medium", nil, []string{"12"}, "only", nil},
			has: []string{"Windows Server 2012 R2 (6.3.9600)"}, exitVal: exitOK},
		// Two NICs; only "Ethernet" (15) has the default gateway: the SYNs
		// come in there. Before, half-way and after the seed's fix.
		{file: "windows/en/2016-twonic-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"15"}, "default-route", []int{15}},
			has: []string{"<LOOPBACK-IDX>", "hdwwiz.exe"}, hasNot: []string{"<NIC-IDX>", "set interface 17"}, exitVal: exitProblems},
		{file: "windows/en/2016-twonic-half.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"15"}, "default-route", []int{15}},
			hasNot: []string{"hdwwiz.exe", "set interface 29", "New-WebBinding", "add sslcert"}, exitVal: exitProblems},
		{file: "windows/en/2016-twonic-after.txt", want: doctorVerdict{"OK", "medium", nil, []string{"15"}, "default-route", nil}, exitVal: exitOK},
		// The probes come from the second NIC's subnet: that one receives.
		{file: "windows/en/2016-twonic-before.txt", args: []string{"--probe-net", "192.168.100.0/24"},
			want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"17"}, "probe-subnet", []int{17}}, exitVal: exitProblems},
		// Both NICs with a default gateway: the facts cannot tell which
		// receives. After the fix every candidate accepts: fine. Before,
		// the fix names both.
		{file: "windows/en/2016-twogw-after.txt", want: doctorVerdict{"OK", "medium", nil, []string{"15", "17"}, "candidates", nil}, exitVal: exitOK},
		{file: "windows/en/2016-twogw-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"15", "17"}, "candidates", []int{15, 17}}, exitVal: exitProblems},
		// Npcap's loopback adapter (a renamed KM-TEST adapter) is no VIP
		// loopback: the fix installs one, and never names interface 13.
		{file: "windows/en/2019-npcap-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"6"}, "only", []int{6}},
			has: []string{"hdwwiz.exe", "<LOOPBACK-IDX>"}, hasNot: []string{"set interface 13", "Npcap Loopback Adapter\" 192.0.2.10"}, exitVal: exitProblems},
		// Over Enter-PSSession: the host model is set up, but HTTP.sys has a
		// certificate for the host's own address only.
		{file: "windows/en/2022-remoting-owncert.txt", want: doctorVerdict{"PROBLEM", "high", []string{"tls-binding-missing"}, []string{"4"}, "only", nil},
			has: []string{"netsh http add sslcert ipport=192.0.2.10:443"}, hasNot: []string{"New-WebBinding"}, exitVal: exitProblems},
		// No ipconfig: where the VIP is was not read.
		{file: "windows/en/2022-no-ipconfig.txt", want: doctorVerdict{"UNKNOWN", "low", nil, nil, "", nil},
			has: []string{"ipconfig /all"}, exitVal: exitNothing},
		// GBK from cmd.exe on Chinese Server 2008 R2; Npcap adapter present.
		{file: "windows/zh/2008r2-gbk-before.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"11"}, "only", []int{11}},
			has: []string{"Windows Firewall: 域 enabled, 专用 enabled, 公用 enabled.", "Windows Server 2008 R2 (6.1.7601)"}, hasNot: []string{"set interface 24"}, exitVal: exitProblems},
		// Chinese Server 2019 copied from an 80-column console: the NIC 5's
		// description goes on on the next line; "以太网 2" is disconnected.
		{file: "windows/zh/2019-wrapped-half.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"5"}, "only", []int{5}},
			has: []string{"(Embedded Port 1) #2", "interface 7 (以太网 3), loopback, Microsoft KM-TEST 环回适配器"}, hasNot: []string{"hdwwiz.exe", "set interface 7"}, exitVal: exitProblems},
		{file: "linux/backend.txt", want: doctorVerdict{"PROBLEM", "high", []string{"no-listener-on-vip", "vip-answers-arp"}, []string{"eth0"}, "only", nil},
			hasNot: []string{"ip addr del"}, exitVal: exitProblems},
		// CentOS 7: `ip -j` unknown, then `ip addr` shows the VIP on lo:0.
		// No firewall output: OK at medium, naming what to paste.
		{file: "linux/centos7-text-after.txt", want: doctorVerdict{"OK", "medium", nil, []string{"eth0"}, "only", nil},
			has: []string{"Not read: the firewall rules (iptables -S, or nft list ruleset)"}, hasNot: []string{"Not read: ip"}, exitVal: exitOK},
		{file: "linux/ubuntu-glued-arp.txt", want: doctorVerdict{"PROBLEM", "high", []string{"vip-answers-arp"}, []string{"ens3"}, "only", nil},
			has: []string{"skipped (commands slbdiag does not read): hostnamectl"}, hasNot: []string{"ip addr del", "Not read: ip", "Not read: sysctl"}, exitVal: exitProblems},
		{file: "linux/twonic-nowhere.txt", want: doctorVerdict{"PROBLEM", "high", []string{"strong-host-receive"}, []string{"eth0"}, "default-route", nil},
			has: []string{"ip addr add 192.0.2.10/32 dev lo"}, exitVal: exitProblems},
	}
}
