package hostfacts

import (
	"fmt"
	"regexp"
	"slices"
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
	kIPAddrJSON
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
	reIPAddrJSON = regexp.MustCompile(`^ip\s+(?:-\w+\s+)*-j(?:son)?\s+(?:-\w+\s+)*a(?:ddr(?:ess)?)?\b`)
	reSysctl     = regexp.MustCompile(`^(?:sudo\s+)?sysctl\b`)
	reSS         = regexp.MustCompile(`^(?:sudo\s+)?ss\s+-[a-z]*l[a-z]*\b`)
	reProcTCP    = regexp.MustCompile(`^cat\s+/proc/net/tcp6?\s*$`)
)

// classify names the command and, for netsh, its family ("ipv4"/"ipv6")
// and the interface a detail listing is about.
func classify(cmd string) (k kind, family, arg string) {
	c := strings.ToLower(strings.Join(strings.Fields(cmd), " "))
	c = strings.TrimPrefix(c, "cmd /c ")
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
	case c == "ver":
		return kVer, "", ""
	case reIPAddrJSON.MatchString(c):
		return kIPAddrJSON, "", ""
	case reSysctl.MatchString(c):
		return kSysctl, "", ""
	case reSS.MatchString(c):
		return kSS, "", ""
	case reProcTCP.MatchString(c):
		return kProcNetTCP, "", ""
	}
	return kUnknown, "", ""
}

// Prompts a customer's saved outputs show before each command: PowerShell
// (PS C:\> ), cmd.exe (C:\Windows\system32>), and Linux shells ($ , # ,
// user@host:~$ , [root@host ~]# ).
var rePrompt = regexp.MustCompile(`^(?:PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|[\w.-]+@[\w.-]+:[^$#]*[$#]|\[[^\]]+\][$#]|[$#])\s*(.+)$`)

// SplitBundle splits one text file of concatenated command outputs, each
// introduced by the prompt and command line that printed it, into
// outputs. Lines before the first known command are dropped.
func SplitBundle(text string) []Output {
	var out []Output
	var cur *Output
	var body []string
	flush := func() {
		if cur != nil {
			cur.Text = strings.Join(body, "\n")
			out = append(out, *cur)
		}
	}
	for _, l := range lines(text) {
		if m := rePrompt.FindStringSubmatch(strings.TrimLeft(l, " ")); m != nil {
			if k, _, _ := classify(m[1]); k != kUnknown {
				flush()
				cur, body = &Output{Command: strings.TrimSpace(m[1])}, nil
				continue
			}
		}
		body = append(body, l)
	}
	flush()
	return out
}

// FromOutputs reads facts from command outputs. A command slbdiag does not
// read is noted in Unread; one whose output does not parse is noted with
// the error. Reading goes on past either.
func FromOutputs(source string, outs []Output) (*Facts, error) {
	f := &Facts{Source: source, ConfAll: unreadConf, ConfDefault: unreadConf}
	b := &winBuilder{f: f}
	known := 0
	for _, o := range outs {
		k, family, arg := classify(o.Command)
		if k == kUnknown {
			f.Unread = append(f.Unread, fmt.Sprintf("%s: not a command slbdiag reads", o.Command))
			continue
		}
		known++
		if err := b.add(k, family, arg, o.Text); err != nil {
			f.Unread = append(f.Unread, fmt.Sprintf("%s: %v", o.Command, err))
		}
	}
	if known == 0 {
		return nil, fmt.Errorf("%s: no output of a command slbdiag reads (each must follow its command line, e.g. \"PS C:\\> netsh interface ipv4 show interfaces\")", source)
	}
	b.finish()
	return f, nil
}

// winBuilder joins the outputs' partial views of the interfaces: netsh
// knows indexes, ipconfig names, descriptions and addresses.
type winBuilder struct {
	f       *Facts
	details []NetshDetail
	fams    []string
	ipcfg   []Interface
}

func (b *winBuilder) add(k kind, family, arg, text string) error {
	f := b.f
	var err error
	switch k {
	case kNetshIfaces:
		var ifs []Interface
		if ifs, err = ParseNetshInterfaces(text); err == nil {
			f.OS = "windows"
			for _, ifc := range ifs {
				b.byIndex(ifc.Index, ifc.Name)
			}
		}
	case kNetshIface:
		var d NetshDetail
		if d, err = ParseNetshInterface(text); err == nil {
			f.OS = "windows"
			b.details, b.fams = append(b.details, d), append(b.fams, family)
		}
	case kIpconfig:
		if b.ipcfg, err = ParseIpconfig(text); err == nil {
			f.OS = "windows"
		}
	case kNetIPInterface:
		var ns []NetIPInterface
		if ns, err = ParseNetIPInterface(text); err == nil {
			f.OS = "windows"
			for _, n := range ns {
				ifc := b.byIndex(n.Index, n.Alias)
				if n.IPv6 {
					ifc.IPv6 = n.Model
				} else {
					ifc.IPv4 = n.Model
				}
			}
		}
	case kSSLCert:
		f.SSLBindings, err = ParseSSLCert(text)
	case kAppcmd:
		f.Sites, err = ParseAppcmdSites(text)
	case kFirewall:
		f.Firewall, err = ParseFirewallProfiles(text)
	case kVer:
		if f.OSVersion, err = ParseVer(text); err == nil {
			f.OS = "windows"
		}
	default:
		return b.addLinux(k, text)
	}
	return err
}

func (b *winBuilder) addLinux(k kind, text string) error {
	f := b.f
	switch k {
	case kIPAddrJSON:
		ifs, err := ParseIPAddrJSON(text)
		if err != nil {
			return err
		}
		f.OS = "linux"
		for _, ifc := range ifs {
			cur := f.iface(ifc.Name)
			cur.Index, cur.Addrs, cur.Loopback = ifc.Index, ifc.Addrs, ifc.Loopback
		}
	case kSysctl:
		for _, l := range lines(text) {
			if f.ApplySysctl(l) {
				f.OS = "linux"
			}
		}
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
		for _, l := range ls {
			if !slices.Contains(f.Listeners, l) {
				f.Listeners = append(f.Listeners, l)
			}
		}
	}
	return nil
}

// byIndex returns the interface with index idx, adding it if new.
func (b *winBuilder) byIndex(idx int, name string) *Interface {
	if ifc := b.f.ByIndex(idx); ifc != nil {
		if ifc.Name == "" {
			ifc.Name = name
		}
		return ifc
	}
	b.f.Interfaces = append(b.f.Interfaces, Interface{Index: idx, Name: name, Conf: unreadConf, Loopback: isPseudoLoopback(name)})
	return &b.f.Interfaces[len(b.f.Interfaces)-1]
}

// finish joins the detail listings (by index) and ipconfig (by name).
func (b *winBuilder) finish() {
	for i, d := range b.details {
		ifc := b.byIndex(d.Index, d.Name)
		if b.fams[i] == "ipv6" {
			ifc.IPv6 = d.Model
		} else {
			ifc.IPv4 = d.Model
		}
	}
	for _, c := range b.ipcfg {
		ifc := b.byName(c.Name)
		ifc.Description, ifc.Addrs = c.Description, c.Addrs
		ifc.Loopback = ifc.Loopback || c.Loopback
	}
	if b.f.OS != "windows" {
		return
	}
	for i := range b.f.Interfaces {
		ifc := &b.f.Interfaces[i]
		if ifc.Description == "" && !ifc.Loopback {
			// Without ipconfig's description, the name is the only
			// hint; people name the adapter after what it is.
			n := strings.ToLower(ifc.Name)
			ifc.Loopback = strings.Contains(n, "loopback") || strings.Contains(n, "环回")
		}
	}
}

func (b *winBuilder) byName(name string) *Interface {
	for i := range b.f.Interfaces {
		if equalFold(b.f.Interfaces[i].Name, name) {
			return &b.f.Interfaces[i]
		}
	}
	b.f.Interfaces = append(b.f.Interfaces, Interface{Name: name, Conf: unreadConf})
	return &b.f.Interfaces[len(b.f.Interfaces)-1]
}
