package report

import (
	"regexp"
	"strings"
	"unicode"
)

// A command line quoted in prose ("which interface holds it (ip -br addr,
// or Get-NetIPAddress -IPAddress 192.0.2.10)") must reach the reader
// whole: the text report never breaks a line inside it, and Markdown puts
// it in one code span. What such a command is, is declared here once for
// both.

// proseCommands are the programs whose command lines the reports quote in
// prose, and proseSubcommands the words that may follow such a name to
// make it a command rather than a word of the sentence ("nft list
// ruleset", not "nft 规则集").
var (
	proseCommands    = []string{"ip", "nft", "iptables", "ip6tables", "netsh", "sysctl", "ss", "tcpdump", "tshark", "pktmon"}
	proseSubcommands = []string{"addr", "route", "link", "list", "interface", "http", "advfirewall", "trace", "start", "stop", "filter", "etl2pcap", "net."}
	// cmdletVerbs are the PowerShell verbs of the cmdlets quoted, so that
	// Get-NetIPAddress is one and Hyper-V or SYN-ACK is none.
	cmdletVerbs = []string{"Get", "Set", "New", "Remove", "Add", "Enable", "Disable", "Start", "Stop", "Test", "Invoke"}
)

// proseWords end a command line quoted in prose: the words that go on
// the sentence around it.
var proseWords = map[string]bool{"and": true, "or": true, "to": true, "then": true, "on": true, "in": true, "for": true,
	"with": true, "the": true, "a": true, "from": true, "that": true, "is": true, "are": true, "shows": true, "first": true}

// proseCommandRE matches where such a command begins, for Markdown's
// scan: its program and the word after it, or a cmdlet.
var proseCommandRE = `(?:` + strings.Join(proseCommands, "|") + `) (?:-|` + strings.ReplaceAll(strings.Join(proseSubcommands, "|"), ".", `\.`) + `)|(?:` +
	strings.Join(cmdletVerbs, "|") + `)-[A-Z][a-z][A-Za-z]*\b`

var proseCommandStart = regexp.MustCompile(`^(?:` + proseCommandRE + `)`)

// startsCommand says a command line quoted in prose begins at word, next
// being the word after it ("" at the end): the same test as Markdown's.
func startsCommand(word, next string) bool {
	if word == "slbdiag" {
		return true
	}
	return proseCommandStart.MatchString(word + " " + next)
}

// endsCommand says a command line quoted in prose ends before word, a
// word of the sentence around it.
func endsCommand(word string) bool {
	return proseWords[strings.TrimRight(word, ".,;:)")]
}

// isFlag: "-x", "--x".
func isFlag(s string) bool {
	return len(s) > 1 && s[0] == '-' && (unicode.IsLetter(rune(s[1])) || s[1] == '-')
}
