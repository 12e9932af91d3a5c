package hostfacts

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Output is one command's output, with the command line that printed it.
type Output struct {
	Command string
	Text    string
	Line    int // the line of the file the command is on, from 1; 0 if not from a file
}

// kind is a command whose output slbdiag reads.
type kind int

const (
	kUnknown kind = iota
	kNetshIfaces
	kNetshIface
	kIpconfig
	kNetIPInterface
	kSSLCert
	kAppcmd
	kFirewall
	kVer
	kTranscript
	kIPAddr
	kIPRoute
	kRouteN
	kSysctl
	kSS
	kProcNetTCP
	kNetIPAddress
	kNetAdapter
	kNetRoute
	kRoutePrint
	kFirewallRules
	kNetFirewallRule
	kIPListen
	kIptables
	kNft
	kNetstat
	kUfw
	kNetFirewallProfile
	kWebBinding
	kFirewallCmd
)

var (
	reNetshIface = regexp.MustCompile(`^netsh\s+int(?:erface)?\s+(ipv4|ipv6|ip)\s+sh(?:ow)?\s+int(?:erfaces?)?(?:\s+(?:interface=)?"?([^"]+?)"?)?\s*$`)
	reSSLCert    = regexp.MustCompile(`^netsh\s+http\s+sh(?:ow)?\s+sslcert\b`)
	reFirewall   = regexp.MustCompile(`^netsh\s+advfirewall\s+sh(?:ow)?\s+(allprofiles|currentprofile)\b`)
	reAppcmd     = regexp.MustCompile(`(?:^|[\\/])appcmd(?:\.exe)?"?\s+list\s+sites?\b`)
	reNetIPIface = regexp.MustCompile(`^get-netipinterface\b`)
	reNetIPAddr  = regexp.MustCompile(`^get-netipaddress\b`)
	reNetAdapter = regexp.MustCompile(`^get-netadapter(?:\s|\||$)`)
	reNetRoute   = regexp.MustCompile(`^get-netroute\b`)
	reRoutePrint = regexp.MustCompile(`^route(?:\.exe)?\s+print\b`)
	reFwRules    = regexp.MustCompile(`^netsh\s+advfirewall\s+firewall\s+sh(?:ow)?\s+rule\b`)
	reIPListen   = regexp.MustCompile(`^netsh\s+http\s+sh(?:ow)?\s+iplisten\b`)
	reIptables   = regexp.MustCompile(`^iptables(?:-legacy|-nft)?(?:-save)?(?:\s|$)`)
	reNft        = regexp.MustCompile(`^nft\s+(?:-\S+\s+)*list\s+(?:ruleset|table)\b`)
	reIPAddr     = regexp.MustCompile(`^ip\s+(?:-\S+\s+)*a(?:d(?:d(?:r(?:e(?:s(?:s)?)?)?)?)?)?(?:\s+(?:show|list|ls|sh|s)\b.*)?\s*$`)
	reIPRoute    = regexp.MustCompile(`^ip\s+(?:-\S+\s+)*r(?:o(?:u(?:t(?:e)?)?)?)?(?:\s+(?:show|list|ls|sh|s)\b.*)?\s*$`)
	reRouteN     = regexp.MustCompile(`^route\s+-n\s*$`)
	reSysctl     = regexp.MustCompile(`^(?:sysctl\b|(?:grep|head|tail|cat)\b.*/proc/sys/net/ipv4/conf/)`)
	reNetstat    = regexp.MustCompile(`^netstat\s+-[a-z]*l[a-z]*\b`)
	reSS         = regexp.MustCompile(`^ss\s+-[a-z46]*l[a-z46]*\b`)
	reProcTCP    = regexp.MustCompile(`^cat\s+/proc/net/tcp6?\s*$`)
)

// classify names the command and, for netsh, its family ("ipv4"/"ipv6")
// and the interface a detail listing is about.
func classify(cmd string) (k kind, family, arg string) {
	c := strings.ToLower(strings.Join(strings.Fields(cmd), " "))
	c = strings.TrimPrefix(c, "cmd /c ")
	c = strings.TrimPrefix(c, "sudo ")
	switch m := reNetshIface.FindStringSubmatch(c); {
	case m != nil && m[2] != "":
		fam := m[1]
		if fam == "ip" {
			fam = "ipv4"
		}
		return kNetshIface, fam, m[2]
	case m != nil:
		return kNetshIfaces, m[1], ""
	case c == "ipconfig" || c == "ipconfig.exe" || strings.HasPrefix(c, "ipconfig") && strings.Contains(c, "/all"):
		return kIpconfig, "", ""
	case reNetIPIface.MatchString(c):
		return kNetIPInterface, "", ""
	case reNetIPAddr.MatchString(c):
		return kNetIPAddress, "", ""
	case reNetAdapter.MatchString(c):
		return kNetAdapter, "", ""
	case reNetRoute.MatchString(c):
		return kNetRoute, "", ""
	case reRoutePrint.MatchString(c):
		return kRoutePrint, "", ""
	case reFwRules.MatchString(c):
		return kFirewallRules, "", ""
	case strings.HasPrefix(c, "get-netfirewallprofile"):
		return kNetFirewallProfile, "", ""
	case strings.HasPrefix(c, "get-webbinding"):
		return kWebBinding, "", ""
	case strings.HasPrefix(c, "get-netfirewallrule"):
		return kNetFirewallRule, "", ""
	case reIPListen.MatchString(c):
		return kIPListen, "", ""
	case reIptables.MatchString(c):
		return kIptables, "", ""
	case reNft.MatchString(c):
		return kNft, "", ""
	case reSSLCert.MatchString(c):
		return kSSLCert, "", ""
	case reAppcmd.MatchString(c):
		return kAppcmd, "", ""
	case reFirewall.MatchString(c):
		return kFirewall, "", ""
	case c == "ver" || c == "cmd /c ver":
		return kVer, "", ""
	case c == "start-transcript":
		return kTranscript, "", ""
	case reIPAddr.MatchString(c):
		return kIPAddr, "", ""
	case reIPRoute.MatchString(c):
		return kIPRoute, "", ""
	case reRouteN.MatchString(c):
		return kRouteN, "", ""
	case strings.HasPrefix(c, "firewall-cmd") && strings.Contains(c, "--list-all"):
		return kFirewallCmd, "", ""
	case strings.HasPrefix(c, "ufw status"):
		return kUfw, "", ""
	case reNetstat.MatchString(c):
		return kNetstat, "", ""
	case reSysctl.MatchString(c):
		return kSysctl, "", ""
	case reSS.MatchString(c):
		return kSS, "", ""
	case reProcTCP.MatchString(c):
		return kProcNetTCP, "", ""
	}
	return kUnknown, "", ""
}

// Prompts a customer's saved outputs show before each command. Any of
// them ends the output before it, whatever the command: an output never
// runs on into the next command's.
var prompts = []*regexp.Regexp{
	// PowerShell: "PS C:\Users\x> ", remoting "[web01]: PS C:\x> ", bare "PS> ".
	regexp.MustCompile(`^(?:\[[^\]]+\]:\s*)?PS(?:\s+[^>]*)?>\s?(.*)$`),
	// cmd.exe: "C:\Windows\system32>".
	regexp.MustCompile(`^[A-Za-z]:\\[^>]*>(.*)$`),
	// Linux shells: "user@host:~$ ", "root@host:/etc# ", "[root@host ~]# ".
	regexp.MustCompile(`^[\w.-]+@[\w.-]+(?::[^$#]*)?\s?[$#]\s?(.*)$`),
	regexp.MustCompile(`^\[[^\]@]+@[^\]]+\][$#]\s?(.*)$`),
	// A bare "$ cmd" or "# cmd".
	regexp.MustCompile(`^[$#](?:\s+(.*))?$`),
}

var (
	// reTranscriptRule is the line of stars around a Start-Transcript
	// header and footer: it ends the output before it.
	reTranscriptRule = regexp.MustCompile(`^\*{10,}\s*$`)
	// reTranscriptMachine is the header's "Machine: WEB01 (Microsoft
	// Windows NT 10.0.17763.0)".
	reTranscriptMachine = regexp.MustCompile(`^Machine\s*:.*\(Microsoft Windows NT (\d+\.\d+\.\d+)`)
)

// promptCommand returns the command on a prompt line, and whether the line
// is a prompt.
func promptCommand(l string) (string, bool) {
	for _, re := range prompts {
		if m := re.FindStringSubmatch(l); m != nil {
			return strings.TrimSpace(m[1]), true
		}
	}
	return "", false
}

// splitBundle splits one text file of concatenated command outputs, each
// introduced by the prompt and command line that printed it, into
// outputs. Each output ends at the next prompt line (or transcript rule),
// whatever its command: a command slbdiag does not read still ends the one
// before it. Lines before the first prompt are dropped, but for the
// version lines of a console (Microsoft Windows [Version …]) or a
// transcript header, which become "ver" and "Start-Transcript" outputs.
func splitBundle(ctx context.Context, text string) ([]Output, error) {
	var out []Output
	var cur *Output
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.Text = strings.TrimRight(body.String(), "\n")
			out = append(out, *cur)
		}
		cur = nil
		body.Reset()
	}
	for n, l := range lines(text) {
		if n&0xfff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		t := strings.TrimLeft(l, " ")
		if cmd, ok := promptCommand(t); ok {
			flush()
			cur = &Output{Command: cmd, Line: n + 1}
			continue
		}
		if reTranscriptRule.MatchString(t) {
			flush()
			continue
		}
		if cur == nil {
			switch {
			case reTranscriptMachine.MatchString(t):
				out = append(out, Output{Command: "Start-Transcript", Text: t, Line: n + 1})
			case verLine.MatchString(t):
				out = append(out, Output{Command: "ver", Text: t, Line: n + 1})
			}
			continue
		}
		body.WriteString(l)
		body.WriteByte('\n')
	}
	flush()
	return out, nil
}

// Parse reads facts from the text of a customer's saved command outputs.
// It stops, with ctx's error, when ctx is done.
func Parse(ctx context.Context, source, text string) (*Facts, error) {
	outs, err := splitBundle(ctx, text)
	if err != nil {
		return nil, err
	}
	return fromOutputs(ctx, source, outs)
}

// fromOutputs reads facts from command outputs, in their order: the
// latest read-back of a fact wins. A command slbdiag does not read is
// noted in Ignored; one whose output does not parse is noted in Unread
// with the error, unless another command gave the same facts. Reading
// goes on past either.
func fromOutputs(ctx context.Context, source string, outs []Output) (*Facts, error) {
	f := &Facts{Source: source, ConfAll: unreadConf, ConfDefault: unreadConf}
	b := newBuilder(f)
	known := 0
	for _, o := range outs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k, family, arg := classify(o.Command)
		if k == kUnknown {
			if !silent(o.Command) && len(f.Ignored) < 50 {
				f.Ignored = append(f.Ignored, o.Command)
			}
			continue
		}
		if k != kTranscript && k != kVer {
			known++
		}
		b.cur = o
		if err := b.add(k, family, arg, o.Text); err != nil {
			msg := err.Error()
			if first := strings.Fields(o.Command)[0]; !strings.HasPrefix(strings.ToLower(msg), strings.ToLower(first)) {
				msg = o.Command + ": " + msg
			}
			b.fail(group(k, arg), msg)
		} else {
			b.done[group(k, arg)] = true
		}
	}
	if known == 0 {
		return nil, fmt.Errorf("%s: no output of a command slbdiag reads (each must follow its command line, e.g. \"PS C:\\> netsh interface ipv4 show interfaces\")", source)
	}
	b.finish()
	boundNames(f)
	return f, nil
}

// silent says a command prints nothing to read and is not worth noting
// as skipped: an empty prompt, a session or transcript starting or ending.
func silent(cmd string) bool {
	c := strings.ToLower(strings.TrimSpace(cmd))
	first, _, _ := strings.Cut(c, " ")
	switch first {
	case "", "exit", "cls", "clear", "stop-transcript", "start-transcript", "enter-pssession", "exit-pssession", "chcp":
		return true
	}
	return false
}

// group is the kind of fact a command gives: a failed command is not
// reported as unread when another gave the same facts (`ip addr` after
// `ip -j addr` failed on an old iproute2).
func group(k kind, arg string) string {
	switch k {
	case kIpconfig, kIPAddr, kNetIPAddress:
		return "addresses"
	case kNetshIface:
		return "hostmodel " + arg
	case kNetIPInterface:
		return "hostmodel"
	case kSS, kProcNetTCP, kNetstat:
		return "listeners"
	case kIPRoute, kRouteN, kNetRoute, kRoutePrint:
		return "routes"
	case kFirewallRules, kIptables, kNft, kUfw, kFirewallCmd:
		return "filter"
	case kVer, kTranscript:
		return "version"
	}
	return strconv.Itoa(int(k))
}
