package report

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

func TestCommandHostName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"www.example.com", true},
		{"*.example.com", true},
		{"xn--fiqs8s.example", true},
		{"localhost", true},
		{"a.com;calc;#&calc&rem", false},
		{"a.com&calc", false},
		{"a.com|calc", false},
		{"$(calc).com", false},
		{"`calc`.com", false},
		{"a.com'", false},
		{`a.com"`, false},
		{"a.com%PATH%", false},
		{"a.com\x1b]0;x\x07", false},
		{"a .com", false},
		{"*", false},
		{"a.*.com", false},
		{"-a.com", false},
		{"a-.com", false},
		{"a..com", false},
		{".", false},
		{"", false},
		{strings.Repeat("a", 64) + ".com", false},
		{"under_score.com", false},
	} {
		if got := commandHostName(tc.name); got != tc.ok {
			t.Errorf("commandHostName(%q) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

func TestQuotes(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{psQuote("it's"), `'it''s'`},
		{shQuote("it's"), `'it'\''s'`},
		{cmdQuote("a.com:443"), `"a.com:443"`},
		{ShellQuote("port 1' ; id ; '"), `'port 1'\'' ; id ; '\'''`},
		{ShellQuote("a\x1b[2J\u009b\u202e\nb"), `'a\x1b[2J\u009b\u202e\x0ab'`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

// TestHostileSNIStaysOutOfCommands renders the capture whose clients ask
// for names that are shell commands: no command may carry them, and the
// text shows the name as data.
func TestHostileSNIStaysOutOfCommands(t *testing.T) {
	r := analyzeFile(t, filepath.Join("..", "testdata", "pcaps", "hostile-sni.pcapng"))
	if len(r.Findings) == 0 || r.Findings[0].Cause != analyze.TLSBindingMissing {
		t.Fatalf("findings %v, want tls-binding-missing first", r.Findings)
	}
	for _, l := range []Lang{English, Chinese} {
		fxs := fixes(&r.Findings[0], l)
		if len(fxs) == 0 {
			t.Fatal("no fix")
		}
		placeholders := 0
		for _, fx := range fxs {
			for _, st := range fx.Steps {
				for _, c := range st.Commands {
					if strings.Contains(c, "calc") || strings.ContainsAny(c, ";&`$") {
						t.Errorf("--lang %s: command %q carries the hostile name", l, c)
					}
					placeholders += strings.Count(c, phHostName)
				}
			}
		}
		if placeholders != 3 {
			t.Errorf("--lang %s: %d commands keep %s, want 3 (netsh, New-WebBinding, openssl)", l, placeholders, phHostName)
		}
	}
	var b bytes.Buffer
	if err := Text(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), `The name the clients asked for, "a.com;calc;#&calc&rem", is not a valid DNS name`) {
		t.Errorf("the report does not show the name as data:\n%s", b.String())
	}
}

// TestValidSNIQuoted: a valid name goes into each command quoted for its
// shell.
func TestValidSNIQuoted(t *testing.T) {
	f := &analyze.Finding{Cause: analyze.TLSBindingMissing, Server: netip.MustParseAddrPort("192.0.2.10:443"),
		Evidence: []analyze.Evidence{{Kind: analyze.EvHelloClosed, Count: 1, Names: []string{"*.example.com"}}}}
	var cmds []string
	for _, fx := range fixes(f, English) {
		for _, st := range fx.Steps {
			cmds = append(cmds, st.Commands...)
		}
	}
	all := strings.Join(cmds, "\n")
	for _, want := range []string{`hostnameport="*.example.com:443"`, `-HostHeader '*.example.com'`, `-servername '*.example.com'`} {
		if !strings.Contains(all, want) {
			t.Errorf("no %s in:\n%s", want, all)
		}
	}
}

// TestHostileInterfaceName: an interface name from a facts file that
// cmd.exe or PowerShell would act on stays out of the commands.
func TestHostileInterfaceName(t *testing.T) {
	fx := Fix{Steps: []Step{{Commands: []string{`netsh interface ipv4 add address "<LOOPBACK-NAME>" 192.0.2.10`}}}}
	for _, tc := range []struct {
		name string
		in   bool
	}{
		{"Loopback", true},
		{"vEthernet (Default Switch)", true},
		{"以太网 2", true},
		{`Loop"&calc&"back`, false},
		{"Loop%PATH%", false},
		{"Loop$(calc)", false},
		{"Loop\x1b]0;x\x07", false},
	} {
		h := &analyze.HostConfig{OS: "windows", Source: "facts.txt", Loopback: analyze.HostIface{Index: 14, Name: tc.name}}
		got := fillInterfaces(fx, h, English)
		c := got.Steps[len(got.Steps)-1].Commands[0]
		if strings.Contains(c, tc.name) != tc.in || strings.Contains(c, phLoopName) == tc.in {
			t.Errorf("name %q: command %q", tc.name, c)
		}
		if strings.ContainsAny(got.Steps[0].Text, "\x1b\x07") {
			t.Errorf("name %q: raw control characters in %q", tc.name, got.Steps[0].Text)
		}
	}
}
