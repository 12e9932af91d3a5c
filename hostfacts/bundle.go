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
)

var (
	reNetshIface = regexp.MustCompile(`^netsh\s+int(?:erface)?\s+(ipv4|ipv6|ip)\s+sh(?:ow)?\s+int(?:erfaces?)?(?:\s+(?:interface=)?"?([^"]+?)"?)?\s*$`)
	reSSLCert    = regexp.MustCompile(`^netsh\s+http\s+sh(?:ow)?\s+sslcert\b`)
	reFirewall   = regexp.MustCompile(`^netsh\s+advfirewall\s+sh(?:ow)?\s+(allprofiles|currentprofile)\b`)
	reAppcmd     = regexp.MustCompile(`(?:^|[\\/])appcmd(?:\.exe)?"?\s+list\s+sites?\b`)
	reNetIPIface = regexp.MustCompile(`^get-netipinterface\b.*\|\s*(format-list|fl)\b`)
	reIPAddr     = regexp.MustCompile(`^ip\s+(?:-\S+\s+)*a(?:d(?:d(?:r(?:e(?:s(?:s)?)?)?)?)?)?(?:\s+(?:show|list|ls|sh|s)\b.*)?\s*$`)
	reIPRoute    = regexp.MustCompile(`^ip\s+(?:-\S+\s+)*r(?:o(?:u(?:t(?:e)?)?)?)?(?:\s+(?:show|list|ls|sh|s)\b.*)?\s*$`)
	reRouteN     = regexp.MustCompile(`^route\s+-n\s*$`)
	reSysctl     = regexp.MustCompile(`^sysctl\b`)
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
	case strings.HasPrefix(c, "ipconfig") && strings.Contains(c, "/all"):
		return kIpconfig, "", ""
	case reNetIPIface.MatchString(c):
		return kNetIPInterface, "", ""
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

// SplitBundle splits one text file of concatenated command outputs, each
// introduced by the prompt and command line that printed it, into
// outputs. Each output ends at the next prompt line (or transcript rule),
// whatever its command: a command slbdiag does not read still ends the one
// before it. Lines before the first prompt are dropped, but for the
// version lines of a console (Microsoft Windows [Version …]) or a
// transcript header, which become "ver" and "Start-Transcript" outputs.
func SplitBundle(text string) []Output {
	out, _ := splitBundle(context.Background(), text)
	return out
}

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
			cur = &Output{Command: cmd}
			continue
		}
		if reTranscriptRule.MatchString(t) {
			flush()
			continue
		}
		if cur == nil {
			switch {
			case reTranscriptMachine.MatchString(t):
				out = append(out, Output{Command: "Start-Transcript", Text: t})
			case verLine.MatchString(t):
				out = append(out, Output{Command: "ver", Text: t})
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

// FromOutputs reads facts from command outputs. A command slbdiag does not
// read is noted in Ignored; one whose output does not parse is noted in
// Unread with the error, unless another command gave the same facts.
// Reading goes on past either.
func FromOutputs(source string, outs []Output) (*Facts, error) {
	return fromOutputs(context.Background(), source, outs)
}

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
	case kIpconfig, kIPAddr:
		return "addresses"
	case kNetshIface:
		return "hostmodel " + arg
	case kNetIPInterface:
		return "hostmodel"
	case kSS, kProcNetTCP:
		return "listeners"
	case kIPRoute, kRouteN:
		return "routes"
	case kVer, kTranscript:
		return "version"
	}
	return strconv.Itoa(int(k))
}

// builder joins the outputs' partial views of the interfaces: netsh
// knows indexes, ipconfig names, descriptions and addresses. Interfaces are
// found by index and name through maps, so a paste of thousands of them
// reads in linear time.
type builder struct {
	f       *Facts
	details []NetshDetail
	fams    []string
	ipcfg   []Interface
	byIdx   map[int]int
	byName  map[string]int
	failed  []failure
	done    map[string]bool
}

type failure struct{ group, text string }

func newBuilder(f *Facts) *builder {
	return &builder{f: f, byIdx: map[int]int{}, byName: map[string]int{}, done: map[string]bool{}}
}

func (b *builder) fail(group, text string) { b.failed = append(b.failed, failure{group, text}) }

// addIface adds an interface and indexes it.
func (b *builder) addIface(ifc Interface) int {
	b.f.Interfaces = append(b.f.Interfaces, ifc)
	i := len(b.f.Interfaces) - 1
	if ifc.Index > 0 {
		b.byIdx[ifc.Index] = i
	}
	if ifc.Name != "" {
		b.byName[strings.ToLower(ifc.Name)] = i
	}
	return i
}

// index returns the interface with OS index idx, adding it if new.
func (b *builder) index(idx int, name string) *Interface {
	i, ok := b.byIdx[idx]
	if !ok && name != "" {
		// Known by name only so far (ipconfig): give it its index.
		if j, ok2 := b.byName[strings.ToLower(name)]; ok2 && b.f.Interfaces[j].Index == 0 {
			i, ok = j, true
			b.f.Interfaces[j].Index = idx
			b.byIdx[idx] = j
		}
	}
	if !ok {
		i = b.addIface(Interface{Index: idx, Name: name, Conf: unreadConf})
	}
	ifc := &b.f.Interfaces[i]
	if ifc.Name == "" && name != "" {
		ifc.Name = name
		b.byName[strings.ToLower(name)] = i
	}
	return ifc
}

// named returns the interface named name, adding it if new.
func (b *builder) named(name string) *Interface {
	if i, ok := b.byName[strings.ToLower(name)]; ok {
		return &b.f.Interfaces[i]
	}
	return &b.f.Interfaces[b.addIface(Interface{Name: name, Conf: unreadConf})]
}

func (b *builder) add(k kind, family, arg, text string) error {
	f := b.f
	var err error
	switch k {
	case kNetshIfaces:
		var ifs []Interface
		if ifs, err = ParseNetshInterfaces(text); err == nil {
			f.OS = "windows"
			for _, ifc := range ifs {
				b.index(ifc.Index, ifc.Name).Down = ifc.Down
			}
		}
	case kNetshIface:
		var d NetshDetail
		if d, err = ParseNetshInterface(text); err == nil {
			f.OS = "windows"
			b.details, b.fams = append(b.details, d), append(b.fams, family)
		}
	case kIpconfig:
		var ifs []Interface
		if ifs, err = ParseIpconfig(text); err == nil {
			f.OS, f.AddrsRead, f.RoutesRead = "windows", true, true
			b.ipcfg = append(b.ipcfg, ifs...)
		}
	case kNetIPInterface:
		var ns []NetIPInterface
		if ns, err = ParseNetIPInterface(text); err == nil {
			f.OS = "windows"
			for _, n := range ns {
				ifc := b.index(n.Index, n.Alias)
				if n.IPv6 {
					ifc.IPv6 = n.Model
				} else {
					ifc.IPv4 = n.Model
				}
			}
		}
	case kSSLCert:
		if f.SSLBindings, err = ParseSSLCert(text); err == nil {
			f.SSLRead = true
		}
	case kAppcmd:
		if f.Sites, err = ParseAppcmdSites(text); err == nil {
			f.SitesRead = true
		}
	case kFirewall:
		if f.Firewall, err = ParseFirewallProfiles(text); err == nil {
			f.FirewallRead = true
		}
	case kVer:
		if f.OSVersion, err = ParseVer(text); err == nil {
			f.OS = "windows"
		}
	case kTranscript:
		if m := reTranscriptMachine.FindStringSubmatch(text); m != nil && f.OSVersion == "" {
			f.OSVersion, f.OS = m[1], "windows"
		}
	default:
		return b.addLinux(k, text)
	}
	return err
}

func (b *builder) addLinux(k kind, text string) error {
	f := b.f
	switch k {
	case kIPAddr:
		ifs, err := ParseIPAddr(text)
		if err != nil {
			return err
		}
		f.OS, f.AddrsRead = "linux", true
		for _, ifc := range ifs {
			cur := b.named(ifc.Name)
			if ifc.Index > 0 {
				cur.Index = ifc.Index
			}
			cur.Addrs, cur.Loopback, cur.Down = ifc.Addrs, ifc.Loopback, ifc.Down
		}
	case kIPRoute, kRouteN:
		devs, err := ParseDefaultRoutes(text, k == kRouteN)
		if err != nil {
			return err
		}
		f.OS, f.RoutesRead = "linux", true
		for _, d := range devs {
			b.named(d).Gateway = true
		}
	case kSysctl:
		n := 0
		for _, l := range lines(text) {
			if f.applySysctl(l, b.named) {
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("no net.ipv4.conf arp_ignore, arp_announce or rp_filter line: %w", ErrFormat)
		}
		f.OS, f.SysctlRead = "linux", true
	case kSS, kProcNetTCP:
		parse := ParseSS
		if k == kProcNetTCP {
			parse = ParseProcNetTCP
		}
		ls, err := parse(text)
		if err != nil {
			return err
		}
		f.OS, f.ListenersRead = "linux", true
		seen := make(map[string]bool, len(f.Listeners))
		for _, l := range f.Listeners {
			seen[l.String()] = true
		}
		for _, l := range ls {
			if !seen[l.String()] {
				seen[l.String()] = true
				f.Listeners = append(f.Listeners, l)
			}
		}
	}
	return nil
}

// finish joins the detail listings (by index) and ipconfig (by name),
// tells the loopback adapters from the software interfaces, and lists
// what failed and was not read from another command either.
func (b *builder) finish() {
	for i, d := range b.details {
		ifc := b.index(d.Index, d.Name)
		if b.fams[i] == "ipv6" {
			ifc.IPv6 = d.Model
		} else {
			ifc.IPv4 = d.Model
		}
	}
	for _, c := range b.ipcfg {
		ifc := b.named(c.Name)
		ifc.Description, ifc.Addrs = c.Description, c.Addrs
		ifc.Gateway = c.Gateway
		ifc.Down = ifc.Down || c.Down
	}
	for _, fl := range b.failed {
		if b.done[fl.group] || (strings.HasPrefix(fl.group, "hostmodel ") && b.done["hostmodel"]) {
			continue
		}
		b.f.Unread = append(b.f.Unread, fl.text)
	}
	if b.f.OS != "windows" {
		for i := range b.f.Interfaces {
			if b.f.Interfaces[i].Name == "lo" {
				b.f.Interfaces[i].Loopback = true
			}
		}
		return
	}
	for i := range b.f.Interfaces {
		ifc := &b.f.Interfaces[i]
		ifc.Loopback, ifc.Software = adapterKind(ifc.Name, ifc.Description)
	}
}
