package hostfacts

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// A collector's file (docs/FACTSFILE.md) is what the scripts of package
// collect and `slbdiag collect` write: a first line naming the format, a
// header line, the facts block between facts-begin and facts-end (one
// fact per line: a kind, then key=value pairs with percent-encoded
// values), the raw outputs after outputs-begin, each behind a prompt
// line, and a footer line that says the collection finished. This file is
// the format's one home in Go: the parser and the writer.
const (
	collectMagic   = "slbdiag-collect/"
	collectVersion = "1"
	factsBegin     = "facts-begin"
	factsEnd       = "facts-end"
	outputsBegin   = "outputs-begin"
	collectEnd     = "slbdiag-collect-end"
)

// Collected is a collector's file split into its parts.
type Collected struct {
	Script   string            // the collector that wrote it: "slbdiag-collect.ps1", "slbdiag-collect.sh", "slbdiag"
	Header   map[string]string // host, time, os_build, oem_cp, vip, ports, …
	Lines    []FactLine        // the facts block
	Outputs  string            // the raw outputs, prompt lines included
	Complete bool              // the footer was found: the collection finished
	Failed   []string          // the steps the footer names as failed
	ETL      string            // the capture the footer names, if any
}

// FactLine is one line of the facts block.
type FactLine struct {
	Line   int // 1-based, in the file
	Kind   string
	Fields map[string]string
}

// IsCollected reports whether text is a collector's file.
func IsCollected(text string) bool {
	return strings.HasPrefix(strings.TrimPrefix(text, "\ufeff"), collectMagic)
}

// SplitCollected splits a collector's file into its parts. A file cut
// short (no footer) is no error: Complete says so.
func SplitCollected(text string) (*Collected, error) {
	ls := lines(text)
	first := strings.Fields(ls[0])
	if len(first) == 0 || !strings.HasPrefix(first[0], collectMagic) {
		return nil, fmt.Errorf("not a collector's file: its first line does not start with %q: %w", collectMagic, ErrFormat)
	}
	if v := strings.TrimPrefix(first[0], collectMagic); v != collectVersion {
		return nil, fmt.Errorf("collector's file format %q: this slbdiag reads format %s (a newer slbdiag reads it)", v, collectVersion)
	}
	c := &Collected{Header: map[string]string{}}
	if kv, err := fields(first[1:]); err == nil {
		c.Script = kv["script"]
	}
	end := len(ls)
	for i := len(ls) - 1; i > 0; i-- {
		if t := strings.TrimSpace(ls[i]); t == "" {
			continue
		} else if strings.HasPrefix(t, collectEnd) {
			c.Complete, end = true, i
			kv, _ := fields(strings.Fields(t)[1:])
			c.ETL = kv["etl"]
			for _, s := range strings.Split(kv["failed"], ",") {
				if s != "" {
					c.Failed = append(c.Failed, unescape(s))
				}
			}
		}
		break
	}
	state := 0 // 0 header, 1 facts, 2 after the facts, 3 outputs
	var out strings.Builder
	for i := 1; i < end; i++ {
		l := ls[i]
		switch t := strings.TrimSpace(l); {
		case state == 3:
			out.WriteString(l)
			out.WriteByte('\n')
		case t == factsBegin && state == 0:
			state = 1
		case t == factsEnd && state == 1:
			state = 2
		case t == outputsBegin && state != 1:
			state = 3
		case t == "":
		case state == 0 && strings.HasPrefix(t, "header "):
			kv, err := fields(strings.Fields(t)[1:])
			if err != nil {
				return nil, fmt.Errorf("line %d: header: %w", i+1, err)
			}
			for k, v := range kv {
				c.Header[k] = v
			}
		case state == 1:
			f := strings.Fields(t)
			kv, err := fields(f[1:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			c.Lines = append(c.Lines, FactLine{Line: i + 1, Kind: f[0], Fields: kv})
		}
	}
	c.Outputs = out.String()
	return c, nil
}

// fields reads key=value pairs and unescapes the values.
func fields(fs []string) (map[string]string, error) {
	kv := make(map[string]string, len(fs))
	for _, f := range fs {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value: %w", f, ErrFormat)
		}
		kv[k] = unescape(v)
	}
	return kv, nil
}

// unescape decodes a percent-encoded value; a value that is not (a
// stray %) is taken as it is.
func unescape(v string) string {
	if s, err := url.PathUnescape(v); err == nil {
		return s
	}
	return v
}

// escape percent-encodes every byte but letters, digits and -_.~, as
// .NET's Uri.EscapeDataString does for the PowerShell collector.
func escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// FactsFromBlock reads the facts block alone. A line it cannot read is
// noted in Unread and skipped: the rest still counts.
func (c *Collected) FactsFromBlock(source string) *Facts {
	f := &Facts{Source: source, ConfAll: unreadConf, ConfDefault: unreadConf}
	byIdx := map[int]int{}
	iface := func(idx int) *Interface {
		if i, ok := byIdx[idx]; ok {
			return &f.Interfaces[i]
		}
		f.Interfaces = append(f.Interfaces, Interface{Index: idx, Conf: unreadConf})
		byIdx[idx] = len(f.Interfaces) - 1
		return &f.Interfaces[len(f.Interfaces)-1]
	}
	components := map[int]string{}
	for _, l := range c.Lines {
		if err := f.applyFact(l, iface, components); err != nil {
			f.Unread = append(f.Unread, fmt.Sprintf("facts block, line %d (%s): %v", l.Line, l.Kind, err))
		}
	}
	for i := range f.Interfaces {
		ifc := &f.Interfaces[i]
		if f.OS != "windows" {
			continue
		}
		ifc.Loopback, ifc.Software = adapterKind(ifc.Name, ifc.Description)
		// The component ID is the same in every language; a renamed
		// adapter (Npcap's) stays software.
		if strings.EqualFold(components[ifc.Index], "*msloop") && !ifc.Software {
			ifc.Loopback = true
		}
	}
	return f
}

// applyFact records one fact line in f.
func (f *Facts) applyFact(l FactLine, iface func(int) *Interface, components map[int]string) error {
	kv := l.Fields
	idx := func() (*Interface, error) {
		n, err := strconv.Atoi(kv["idx"])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("idx %q is not an interface index", kv["idx"])
		}
		return iface(n), nil
	}
	switch l.Kind {
	case "os":
		f.OS, f.OSVersion = kv["name"], kv["version"]
	case "iface":
		ifc, err := idx()
		if err != nil {
			return err
		}
		ifc.Name, ifc.Description = kv["name"], kv["desc"]
		ifc.Down, ifc.Loopback = kv["down"] == "yes", kv["loopback"] == "yes"
		components[ifc.Index] = kv["component"]
	case "hostmodel":
		ifc, err := idx()
		if err != nil {
			return err
		}
		m := HostModel{WeakHostSend: setting(kv["send"]), WeakHostReceive: setting(kv["receive"])}
		switch kv["family"] {
		case "ipv4":
			ifc.IPv4 = m
		case "ipv6":
			ifc.IPv6 = m
		default:
			return fmt.Errorf("family %q is neither ipv4 nor ipv6", kv["family"])
		}
	case "addr":
		ifc, err := idx()
		if err != nil {
			return err
		}
		p, ok := parsePrefix(strings.TrimSuffix(kv["prefix"], "/"))
		if !ok {
			return fmt.Errorf("prefix %q is not an address/length", kv["prefix"])
		}
		ifc.Addrs = append(ifc.Addrs, netip.PrefixFrom(p.Addr().Unmap(), min(p.Bits(), p.Addr().Unmap().BitLen())))
	case "route":
		ifc, err := idx()
		if err != nil {
			return err
		}
		if kv["prefix"] == "0.0.0.0/0" || kv["prefix"] == "::/0" {
			ifc.Gateway = true
		}
	case "listen":
		a, aerr := netip.ParseAddr(kv["ip"])
		p, perr := strconv.ParseUint(kv["port"], 10, 16)
		if aerr != nil || perr != nil {
			return fmt.Errorf("%q port %q is not an address and port", kv["ip"], kv["port"])
		}
		f.Listeners = append(f.Listeners, netip.AddrPortFrom(a.Unmap().WithZone(""), uint16(p)))
	case "sysctl":
		// The interface's name may hold any character but / and spaces
		// ("=" too): it is looked up apart from the line applySysctl reads.
		rest, _ := strings.CutPrefix(kv["key"], "net.ipv4.conf.")
		i := strings.LastIndexByte(rest, '.')
		name, line := "", ""
		if i > 0 {
			name = rest[:i]
			line = "net.ipv4.conf." + name + "." + rest[i+1:] + " = " + kv["value"]
			if name != "all" && name != "default" {
				line = "net.ipv4.conf.IFACE." + rest[i+1:] + " = " + kv["value"]
			}
		}
		if !f.applySysctl(line, func(string) *Interface { return f.iface(name) }) {
			return fmt.Errorf("%q = %q is no ARP or reverse-path sysctl", kv["key"], kv["value"])
		}
	case "fwprofile":
		on := Disabled
		if kv["on"] == "yes" {
			on = Enabled
		}
		f.Firewall = append(f.Firewall, FirewallProfile{Name: kv["name"], On: on})
	case "iplisten":
		a, err := netip.ParseAddr(strings.Trim(kv["addr"], "[]"))
		if err != nil {
			return fmt.Errorf("%q is not an address", kv["addr"])
		}
		f.IPListen = append(f.IPListen, a.Unmap())
	case "sslcert":
		return f.applySSLFact(kv)
	case "site":
		id, _ := strconv.Atoi(kv["id"])
		f.Sites = append(f.Sites, Site{ID: id, Name: kv["name"], State: kv["state"]})
	case "binding":
		id, _ := strconv.Atoi(kv["site"])
		for i := range f.Sites {
			if f.Sites[i].ID == id {
				if b, ok := siteBinding(kv["binding"]); ok {
					f.Sites[i].Bindings = append(f.Sites[i].Bindings, b)
				}
				return nil
			}
		}
		return fmt.Errorf("binding of site %q, which no site line names", kv["site"])
	case "read":
		return f.markRead(kv["what"])
	case "unread":
		f.Unread = append(f.Unread, "collector step "+kv["step"]+": "+kv["reason"])
	}
	// Other kinds (fwrule) are for a person to read: no verdict rests on
	// them yet.
	return nil
}

func (f *Facts) applySSLFact(kv map[string]string) error {
	b := SSLBinding{CertHash: kv["hash"]}
	switch {
	case kv["ipport"] != "":
		ap, err := netip.ParseAddrPort(kv["ipport"])
		if err != nil {
			return fmt.Errorf("%q is not an IP:port", kv["ipport"])
		}
		b.IPPort, b.Port = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), ap.Port()
	case kv["host"] != "" || kv["ccs"] != "":
		v := kv["host"] + kv["ccs"]
		i := strings.LastIndexByte(v, ':')
		p, err := strconv.ParseUint(v[i+1:], 10, 16)
		if err != nil {
			return fmt.Errorf("%q is not a name:port", v)
		}
		b.Hostname, b.Port = v[:max(i, 0)], uint16(p)
		if kv["ccs"] != "" {
			b.Hostname = "*" // the central certificate store binds by port only
		}
	default:
		return fmt.Errorf("no ipport, host or ccs")
	}
	f.SSLBindings = append(f.SSLBindings, b)
	return nil
}

// markRead sets the flag of a kind of fact the collector read: an empty
// list then means none.
func (f *Facts) markRead(what string) error {
	switch what {
	case "addresses":
		f.AddrsRead = true
	case "routes":
		f.RoutesRead = true
	case "listeners":
		f.ListenersRead = true
	case "sysctl":
		f.SysctlRead = true
	case "firewall":
		f.FirewallRead = true
	case "ssl":
		f.SSLRead = true
		if f.SSLBindings == nil {
			f.SSLBindings = []SSLBinding{}
		}
	case "sites":
		f.SitesRead = true
	case "iplisten":
		f.IPListenRead = true
	case "hostmodel":
		// Per interface: a setting not read stays unknown.
	default:
		return fmt.Errorf("unknown kind of fact %q", what)
	}
	return nil
}

// CollectedFile is what WriteCollected writes.
type CollectedFile struct {
	Header  [][2]string // key, value, in order
	Facts   *Facts
	Outputs []Output // each written behind Prompt
	Prompt  string   // "$ " on Linux
	Failed  []string // the steps that failed
}

// WriteCollected writes a collector's file, as the scripts do, with a
// UTF-8 BOM.
func WriteCollected(w io.Writer, c *CollectedFile) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "\ufeff%s%s script=slbdiag version=1\n", collectMagic, collectVersion)
	bw.WriteString("header")
	for _, kv := range c.Header {
		fmt.Fprintf(bw, " %s=%s", kv[0], escape(kv[1]))
	}
	bw.WriteString("\n" + factsBegin + "\n")
	writeFactLines(bw, c.Facts)
	bw.WriteString(factsEnd + "\n" + outputsBegin + "\n")
	for _, o := range c.Outputs {
		fmt.Fprintf(bw, "%s%s\n%s\n\n", c.Prompt, o.Command, strings.TrimRight(o.Text, "\n"))
	}
	var failed []string
	for _, s := range c.Failed {
		failed = append(failed, escape(s))
	}
	fmt.Fprintf(bw, "%s status=complete failed=%s etl=\n", collectEnd, strings.Join(failed, ","))
	return bw.Flush()
}

// writeFactLines writes f as fact lines.
func writeFactLines(w io.Writer, f *Facts) {
	line := func(kind string, kv ...string) {
		fmt.Fprint(w, kind)
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(w, " %s=%s", kv[i], escape(kv[i+1]))
		}
		fmt.Fprintln(w)
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	line("os", "name", f.OS, "version", f.OSVersion)
	for _, ifc := range f.Interfaces {
		idx := strconv.Itoa(ifc.Index)
		line("iface", "idx", idx, "name", ifc.Name, "desc", ifc.Description, "down", yes(ifc.Down), "loopback", yes(ifc.Loopback))
		for _, a := range ifc.Addrs {
			line("addr", "idx", idx, "prefix", a.String())
		}
		if ifc.Gateway {
			line("route", "idx", idx, "prefix", "0.0.0.0/0")
		}
		for _, m := range []struct {
			fam string
			m   HostModel
		}{{"ipv4", ifc.IPv4}, {"ipv6", ifc.IPv6}} {
			if m.m.WeakHostSend != Unknown || m.m.WeakHostReceive != Unknown {
				line("hostmodel", "idx", idx, "family", m.fam, "send", m.m.WeakHostSend.String(), "receive", m.m.WeakHostReceive.String())
			}
		}
		for _, c := range []struct {
			name string
			v    int
		}{{"arp_ignore", ifc.Conf.ARPIgnore}, {"arp_announce", ifc.Conf.ARPAnnounce}, {"rp_filter", ifc.Conf.RPFilter}} {
			if c.v >= 0 {
				line("sysctl", "key", "net.ipv4.conf."+ifc.Name+"."+c.name, "value", strconv.Itoa(c.v))
			}
		}
	}
	for _, c := range []struct {
		name string
		conf IPv4Conf
	}{{"all", f.ConfAll}, {"default", f.ConfDefault}} {
		for _, k := range []struct {
			name string
			v    int
		}{{"arp_ignore", c.conf.ARPIgnore}, {"arp_announce", c.conf.ARPAnnounce}, {"rp_filter", c.conf.RPFilter}} {
			if k.v >= 0 {
				line("sysctl", "key", "net.ipv4.conf."+c.name+"."+k.name, "value", strconv.Itoa(k.v))
			}
		}
	}
	for _, l := range f.Listeners {
		line("listen", "ip", l.Addr().String(), "port", strconv.Itoa(int(l.Port())))
	}
	for _, p := range f.Firewall {
		line("fwprofile", "name", p.Name, "on", yes(p.On == Enabled))
	}
	for _, a := range f.IPListen {
		line("iplisten", "addr", a.String())
	}
	for _, b := range f.SSLBindings {
		switch {
		case b.Hostname == "*":
			line("sslcert", "ccs", "0.0.0.0:"+strconv.Itoa(int(b.Port)), "hash", b.CertHash)
		case b.Hostname != "":
			line("sslcert", "host", b.Hostname+":"+strconv.Itoa(int(b.Port)), "hash", b.CertHash)
		default:
			line("sslcert", "ipport", b.IPPort.String(), "hash", b.CertHash)
		}
	}
	for _, st := range f.Sites {
		id := strconv.Itoa(st.ID)
		line("site", "id", id, "name", st.Name, "state", st.State)
		for _, b := range st.Bindings {
			ip := "*"
			if b.Addr.IsValid() {
				ip = b.Addr.String()
				if b.Addr.Is6() {
					ip = "[" + ip + "]"
				}
			}
			line("binding", "site", id, "binding", b.Protocol+"/"+ip+":"+strconv.Itoa(int(b.Port))+":"+b.Host)
		}
	}
	for _, r := range []struct {
		what string
		read bool
	}{{"addresses", f.AddrsRead}, {"routes", f.RoutesRead}, {"sysctl", f.SysctlRead}, {"listeners", f.ListenersRead},
		{"firewall", f.FirewallRead}, {"ssl", f.SSLRead}, {"sites", f.SitesRead}, {"iplisten", f.IPListenRead}} {
		if r.read {
			line("read", "what", r.what)
		}
	}
	for _, u := range f.Unread {
		line("unread", "step", "read", "reason", u)
	}
}
