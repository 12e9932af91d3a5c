package hostfacts

import (
	"regexp"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/collect"
)

// psVars are the values the PowerShell collector's command lines are built
// from: each family, and an interface index the script found.
var psVars = map[string][]string{"$fam": {"ipv4", "ipv6"}, "$matches[1]": {"12"}}

// promptCommands returns the command lines a collector writes behind its
// prompt lines, as they appear there.
func promptCommands(t *testing.T, name string) []string {
	t.Helper()
	_, b, err := collect.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	var out []string
	switch name {
	case "windows":
		re := regexp.MustCompile(`Invoke-Raw \(?((?:'[^']*'|\$[\w\[\]]+)(?:\s*\+\s*(?:'[^']*'|\$[\w\[\]]+))*)\)?`)
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			out = append(out, psConcat(t, m[1])...)
		}
		for _, m := range regexp.MustCompile(`(?m)^\s*\$shown = '([^']*)'`).FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
	case "windows-cmd":
		for _, m := range regexp.MustCompile(`(?m)call :raw (.*)$`).FindAllStringSubmatch(text, -1) {
			c := strings.NewReplacer("%%i", "12", "%%windir%%", "%windir%").Replace(m[1])
			out = append(out, c)
		}
	case "linux":
		for _, m := range regexp.MustCompile(`(?m)^\s*(?:if .*then )?raw ([^;]*?)(?:; fi)?$`).FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// psConcat evaluates 'a' + $var + 'b' over every value of each variable.
func psConcat(t *testing.T, expr string) []string {
	t.Helper()
	outs := []string{""}
	for _, part := range regexp.MustCompile(`\s*\+\s*`).Split(expr, -1) {
		vals := []string{strings.Trim(part, "'")}
		if strings.HasPrefix(part, "$") {
			var ok bool
			if vals, ok = psVars[part]; !ok {
				t.Fatalf("command built from %s: add its values to psVars", part)
			}
		}
		var next []string
		for _, o := range outs {
			for _, v := range vals {
				next = append(next, o+v)
			}
		}
		outs = next
	}
	return outs
}

// TestCollectorCommandsClassified: every command a collector writes behind
// a prompt is one doctor reads, or its output would be skipped unread.
func TestCollectorCommandsClassified(t *testing.T) {
	want := map[string]int{"windows": 12, "windows-cmd": 11, "linux": 6}
	for _, s := range collect.Scripts {
		cmds := promptCommands(t, s.Name)
		if len(cmds) != want[s.Name] {
			t.Errorf("%s: found %d commands behind prompts, want %d: %q", s.Name, len(cmds), want[s.Name], cmds)
		}
		for _, c := range cmds {
			if k, _, _ := classify(c); k == kUnknown {
				t.Errorf("%s writes %q behind a prompt: doctor does not read it", s.Name, c)
			}
		}
	}
	for _, c := range linuxCommands {
		if k, _, _ := classify(strings.Join(c, " ")); k == kUnknown {
			t.Errorf("slbdiag collect runs %q: doctor does not read it", c)
		}
	}
}
