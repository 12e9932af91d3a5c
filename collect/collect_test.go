package collect

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/scripts.golden")

// TestScriptsGolden keeps each script's version and digest in a golden
// file: a change to a script fails here until the golden is rewritten, so
// it shows in review beside the version the script ships as.
func TestScriptsGolden(t *testing.T) {
	var b strings.Builder
	for _, s := range Scripts {
		_, text, err := Lookup(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s version=%s sha256=%x\n", s.Name, s.File, scriptVersion(t, s, text), sha256.Sum256(text))
	}
	golden := filepath.Join("testdata", "scripts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("scripts changed (raise the script's version, then run go test ./collect -update):\n got %s\nwant %s", got, want)
	}
}

var reVersion = map[string]*regexp.Regexp{
	"slbdiag-collect.ps1": regexp.MustCompile(`(?m)^\$ScriptVersion = '(\d+)'`),
	"slbdiag-collect.cmd": regexp.MustCompile(`(?m)script=slbdiag-collect\.cmd version=(\d+)`),
	"slbdiag-collect.sh":  regexp.MustCompile(`(?m)script=slbdiag-collect\.sh version=(\d+)`),
}

func scriptVersion(t *testing.T, s Script, text []byte) string {
	t.Helper()
	m := reVersion[s.File].FindSubmatch(text)
	if m == nil {
		t.Fatalf("%s names no version", s.File)
	}
	return string(m[1])
}

// TestScriptsText: ASCII only (any code page reads it, and PowerShell 2.0
// reads a BOM-less file as ANSI), CRLF line ends in the Windows scripts
// (cmd.exe misreads labels in LF files) and LF in the shell script.
func TestScriptsText(t *testing.T) {
	for _, s := range Scripts {
		_, text, err := Lookup(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range text {
			if c > 0x7e || (c < 0x20 && c != '\r' && c != '\n' && c != '\t') {
				t.Errorf("%s: byte %d is %#x: not printable ASCII", s.File, i, c)
				break
			}
		}
		windows := strings.HasPrefix(s.Name, "windows")
		lf := bytes.Count(text, []byte("\n"))
		crlf := bytes.Count(text, []byte("\r\n"))
		switch {
		case windows && lf != crlf:
			t.Errorf("%s: %d of %d line ends are not CRLF", s.File, lf-crlf, lf)
		case !windows && crlf != 0:
			t.Errorf("%s: %d CRLF line ends in a shell script", s.File, crlf)
		case !bytes.HasSuffix(text, []byte("\n")):
			t.Errorf("%s does not end with a line end", s.File)
		}
	}
}

func TestLookup(t *testing.T) {
	if _, _, err := Lookup("macos"); err == nil || err.Error() != `no collector script "macos" (there are windows, windows-cmd, linux)` {
		t.Errorf("Lookup(macos): %v", err)
	}
	s, _, err := Lookup("windows-cmd")
	if err != nil || s.File != "slbdiag-collect.cmd" {
		t.Errorf("Lookup(windows-cmd) = %+v, %v", s, err)
	}
}

// ps2Rules are the constructs Windows PowerShell 2.0 cannot parse or run
// (docs: the notes on old Windows hosts). PowerShell parses a whole script
// before it runs a line of it, so one of them anywhere fails the whole
// collection on Server 2008 R2.
var ps2Rules = []struct {
	name string
	re   *regexp.Regexp
}{
	{"[ordered]", regexp.MustCompile(`(?i)\[ordered\]`)},
	{"[pscustomobject]", regexp.MustCompile(`(?i)\[pscustomobject\]`)},
	{"::new()", regexp.MustCompile(`(?i)\]::new\s*\(`)},
	{"class", regexp.MustCompile(`(?im)^\s*class\s+\w`)},
	{"enum", regexp.MustCompile(`(?im)^\s*enum\s+\w`)},
	{"-in / -notin", regexp.MustCompile(`(?i)\s-(not)?in\s`)},
	{".ForEach() / .Where()", regexp.MustCompile(`(?i)\.(ForEach|Where)\s*\(`)},
	{"$PSItem", regexp.MustCompile(`(?i)\$PSItem\b`)},
	{"Where-Object simplified syntax", regexp.MustCompile(`(?i)(\bWhere-Object|\|\s*where|\|\s*\?)\s+[A-Za-z]`)},
	{"ForEach-Object simplified syntax", regexp.MustCompile(`(?i)(\bForEach-Object|\|\s*foreach|\|\s*%)\s+[A-Za-z]`)},
	{"Get-Content -Raw", regexp.MustCompile(`(?i)\s-Raw\b`)},
	{"-shl / -shr", regexp.MustCompile(`(?i)\s-sh[lr]\b`)},
	{"-LiteralPath on Import-Clixml / Export-Clixml", regexp.MustCompile(`(?i)(Import|Export)-Clixml\s[^|\n]*-LiteralPath`)},
	{"-ErrorAction Ignore", regexp.MustCompile(`(?i)-ErrorAction\s+Ignore\b|-EA\s+Ignore\b`)},
	{"$PSScriptRoot", regexp.MustCompile(`(?i)\$PSScriptRoot\b`)},
	{"#requires -RunAsAdministrator", regexp.MustCompile(`(?i)#requires\s+-RunAsAdministrator`)},
	{"ConvertTo-Json / ConvertFrom-Json", regexp.MustCompile(`(?i)Convert(To|From)-Json`)},
	{"Get-CimInstance", regexp.MustCompile(`(?i)\b(Get|New|Invoke)-Cim`)},
	{"Invoke-WebRequest / Invoke-RestMethod", regexp.MustCompile(`(?i)Invoke-(WebRequest|RestMethod)`)},
	{"Compress-Archive", regexp.MustCompile(`(?i)Compress-Archive|Expand-Archive`)},
	{"Unblock-File", regexp.MustCompile(`(?i)Unblock-File`)},
	{"-NoNewline", regexp.MustCompile(`(?i)-NoNewline\b`)},
	{"Get-ChildItem -File / -Directory", regexp.MustCompile(`(?i)(Get-ChildItem|\bgci|\bls|\bdir)\b[^|\r\n]*\s-(File|Directory)\b`)},
	// Not a parse error, but what the collector exists to avoid: `>` and
	// Out-File write UTF-16LE, Set-Content the ANSI code page.
	{"redirection or Out-File", regexp.MustCompile(`(?i)(Out-File|Set-Content|Add-Content|[^2]>|>>)`)},
	{"Start-Transcript", regexp.MustCompile(`(?i)Start-Transcript`)},
	// Member enumeration ($array.Property) has no syntax of its own; the
	// script keeps to foreach loops, and this catches the usual slip:
	// a property read straight off a cmdlet's output.
	{"member enumeration on a cmdlet's output", regexp.MustCompile(`(?i)\((Get-(Net\w+|WmiObject|ChildItem|Service|Process)|Import-Clixml)\b[^()]*\)\.[A-Za-z]+\b[^(]`)},
}

// TestPowerShell2 scans the PowerShell script, comments and here-strings
// left out, for what PowerShell 2.0 cannot parse or run.
func TestPowerShell2(t *testing.T) {
	_, text, _ := Lookup("windows")
	code := psNoStrings(psCode(string(text)))
	for _, r := range ps2Rules {
		if loc := r.re.FindStringIndex(code); loc != nil {
			line := strings.Count(code[:loc[0]], "\n") + 1
			t.Errorf("slbdiag-collect.ps1 line %d: %s is not PowerShell 2.0: %q", line, r.name, code[loc[0]:min(loc[1]+20, len(code))])
		}
	}
}

// TestPowerShell2Rules: each rule catches its construct, so that a rule
// that can never match is not mistaken for a passing check.
func TestPowerShell2Rules(t *testing.T) {
	bad := map[string]string{
		"[ordered]":                        `$h = [ordered]@{}`,
		"[pscustomobject]":                 `[pscustomobject]@{a=1}`,
		"::new()":                          `[Text.StringBuilder]::new()`,
		"class":                            "class Foo { }",
		"enum":                             "enum Color { Red }",
		"-in / -notin":                     `if ($a -in $b) {}`,
		".ForEach() / .Where()":            `$x.Where({ $_ })`,
		"$PSItem":                          `$PSItem.Name`,
		"Where-Object simplified syntax":   `Get-Service | Where-Object Status -eq Running`,
		"ForEach-Object simplified syntax": `Get-Service | ForEach-Object Name`,
		"Get-Content -Raw":                 `Get-Content x.txt -Raw`,
		"-shl / -shr":                      `$b -band (1 -shl $k)`,
		"-LiteralPath on Import-Clixml / Export-Clixml": `Import-Clixml -LiteralPath $p`,
		"-ErrorAction Ignore":                           `Get-Item x -ErrorAction Ignore`,
		"$PSScriptRoot":                                 `Join-Path $PSScriptRoot x`,
		"#requires -RunAsAdministrator":                 `#requires -RunAsAdministrator`,
		"ConvertTo-Json / ConvertFrom-Json":             `$x | ConvertTo-Json`,
		"Get-CimInstance":                               `Get-CimInstance Win32_OperatingSystem`,
		"Invoke-WebRequest / Invoke-RestMethod":         `Invoke-WebRequest http://x`,
		"Compress-Archive":                              `Compress-Archive x y`,
		"Unblock-File":                                  `Unblock-File x`,
		"-NoNewline":                                    `Write-Host x -NoNewline`,
		"Get-ChildItem -File / -Directory":              `Get-ChildItem C:\ -File`,
		"redirection or Out-File":                       `netsh http show sslcert > x.txt`,
		"Start-Transcript":                              `Start-Transcript -Path x`,
		"member enumeration on a cmdlet's output":       `(Get-NetAdapter).Name -join ','`,
	}
	for _, r := range ps2Rules {
		src, ok := bad[r.name]
		if !ok {
			t.Errorf("rule %q has no example", r.name)
			continue
		}
		if !r.re.MatchString(psNoStrings(psCode(src))) {
			t.Errorf("rule %q misses %q", r.name, src)
		}
	}
}

// psCode blanks a PowerShell script's comments (# and <# #>) and
// here-strings, keeping line breaks, so rules see only code.
func psCode(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	blank := func(m string) string { return regexp.MustCompile(`[^\n]`).ReplaceAllString(m, " ") }
	s = regexp.MustCompile(`(?s)<#.*?#>`).ReplaceAllStringFunc(s, blank)
	s = regexp.MustCompile(`(?s)@'\n.*?\n'@`).ReplaceAllStringFunc(s, blank)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if i := commentStart(l); i >= 0 && !strings.HasPrefix(strings.TrimSpace(l[i:]), "#requires") {
			l = l[:i]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// psNoStrings blanks the insides of quoted strings, which rules must not
// read as code: ' 2>&1' is cmd.exe's redirection, not PowerShell's.
func psNoStrings(s string) string {
	b := []byte(s)
	var q byte
	for i, c := range b {
		switch {
		case q != 0 && c == q:
			q = 0
		case q != 0 && c != '\n':
			b[i] = ' '
		case q == 0 && (c == '\'' || c == '"'):
			q = c
		}
	}
	return string(b)
}

// commentStart finds a # that starts a comment: outside quotes.
func commentStart(l string) int {
	var q byte
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '\'' || c == '"'):
			q = c
		case q == 0 && c == '#':
			return i
		}
	}
	return -1
}

// TestNetCmdletsDetected: every Get-Net* cmdlet the script calls is one it
// asked the host for first (Server 2008 R2 has none of them, whatever
// PowerShell it runs).
func TestNetCmdletsDetected(t *testing.T) {
	_, text, _ := Lookup("windows")
	code := psCode(string(text))
	detected := map[string]bool{}
	for _, m := range regexp.MustCompile(`Test-Source '[^']+' '(Get-Net\w+)'`).FindAllStringSubmatch(code, -1) {
		detected[m[1]] = true
	}
	calls := regexp.MustCompile(`\bGet-Net\w+`).FindAllString(code, -1)
	if len(calls) == 0 {
		t.Fatal("the script calls no Get-Net* cmdlet: the test sees nothing")
	}
	for _, c := range calls {
		if !detected[c] {
			t.Errorf("slbdiag-collect.ps1 calls %s without Test-Source for it", c)
		}
	}
	if strings.Contains(code, "PSVersion.Major") || regexp.MustCompile(`OSVersion\.Version\.(Major|Build)\s*-(lt|le|gt|ge|eq)`).MatchString(code) {
		t.Error("slbdiag-collect.ps1 decides by a version number: detect the feature instead")
	}
}

// TestShellScript checks slbdiag-collect.sh with sh -n, dash -n and shellcheck,
// where they are installed.
func TestShellScript(t *testing.T) {
	ran := 0
	for _, c := range [][]string{{"sh", "-n"}, {"dash", "-n"}, {"shellcheck", "-s", "sh"}} {
		if _, err := exec.LookPath(c[0]); err != nil {
			continue
		}
		ran++
		out, err := exec.Command(c[0], append(c[1:], "slbdiag-collect.sh")...).CombinedOutput()
		if err != nil {
			t.Errorf("%s slbdiag-collect.sh: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	if ran == 0 {
		t.Skip("no sh, dash or shellcheck")
	}
}

// TestPowerShellAST parses the PowerShell script with tree-sitter-powershell
// where SLBDIAG_TREE_SITTER names a directory whose node_modules holds
// tree-sitter and tree-sitter-powershell (npm): a second opinion beside
// the PowerShell 2.0 scan, not PowerShell's own parser.
func TestPowerShellAST(t *testing.T) {
	dir := os.Getenv("SLBDIAG_TREE_SITTER")
	if dir == "" {
		t.Skip("SLBDIAG_TREE_SITTER is not set (npm install tree-sitter tree-sitter-powershell there)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node")
	}
	check, err := os.ReadFile(filepath.Join("testdata", "ps-ast.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	parse := func(file string) ([]byte, error) {
		cmd := exec.Command("node", "--no-deprecation", "--input-type=module", "-e", string(check), file)
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}
	script, _ := filepath.Abs(Scripts[0].File)
	if out, err := parse(script); err != nil {
		t.Errorf("%s does not parse: %v\n%s", Scripts[0].File, err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.ps1")
	os.WriteFile(bad, []byte("if ($a -eq {\r\n"), 0o644)
	if out, err := parse(bad); err == nil {
		t.Errorf("the check passes a script that does not parse:\n%s", out)
	}
}
