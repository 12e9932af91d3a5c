package report

import (
	"strings"
	"unicode"

	"github.com/slbdiag/slbdiag/analyze"
)

// Strings from packets and facts files go into the suggested commands only
// when they are valid for the place they take, and quoted for the shell
// the command is meant for; anything else stays out, shown as data in
// the step's text, and the command keeps its placeholder. Any client on the
// Internet chooses its SNI: "a.com;calc;#&calc&rem" must not become a
// command an engineer pastes.

// commandHostName reports whether n is a DNS name (labels of letters,
// digits and '-', not starting or ending with '-', joined by dots),
// optionally a wildcard "*.name": nothing any shell treats specially once
// quoted.
func commandHostName(n string) bool {
	n = strings.TrimPrefix(n, "*.")
	if n == "" || len(n) > 253 {
		return false
	}
	for _, label := range strings.Split(n, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// commandIfaceName reports whether an interface name may go between double
// quotes in a cmd.exe (netsh) or PowerShell command: letters, digits,
// spaces and - _ . ( ) # , +, as Windows names interfaces ("Ethernet 2",
// "vEthernet (Default Switch)", "以太网 2"). Quotes, %, !, $, ` and
// controls, which cmd.exe or PowerShell would act on inside double quotes,
// are not.
func commandIfaceName(n string) bool {
	if n == "" || len(n) > 256 {
		return false
	}
	for _, r := range n {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || strings.ContainsRune(" -_.()#,+", r)) {
			return false
		}
	}
	return true
}

// cmdQuote quotes a checked name for cmd.exe and netsh.
func cmdQuote(s string) string { return `"` + s + `"` }

// psQuote quotes a string for PowerShell: single quotes expand nothing.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// shQuote quotes a string for a POSIX shell.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ShellQuote is s as one word of a POSIX shell command that a hint
// suggests: the characters that could act on a terminal are escaped first
// (see Printable; line breaks too, so the command stays on one line), then
// the result is quoted as the fixes quote. Pasted, it runs nothing but the
// command it is part of.
func ShellQuote(s string) string { return shQuote(printable(s)) }

// rerunCommand is the command that analyzes the result's inputs again
// with flags added, each file name quoted for a POSIX shell; a name that
// is not printable as it is stands as FILE, to be filled in.
func rerunCommand(r *analyze.Result, flags ...string) string {
	parts := append([]string{"slbdiag", "analyze"}, flags...)
	for _, in := range r.Inputs {
		name := in.Name
		if printable(name) != name {
			name = "FILE"
		} else {
			name = shQuote(name)
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, " ")
}
