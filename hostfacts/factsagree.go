package hostfacts

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codePages are the OEM code pages a cmd.exe collector's file may be in
// (it cannot re-encode what netsh prints): its header names the one.
var codePages = map[int]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 1250: charmap.Windows1250, 1251: charmap.Windows1251,
	1252: charmap.Windows1252, 932: japanese.ShiftJIS, 936: simplifiedchinese.GBK,
	949: korean.EUCKR, 950: traditionalchinese.Big5,
}

var reOEMCP = regexp.MustCompile(`\boem_cp=(\d+)\b`)

// decodeFile decodes a saved file: a collector's file that is not UTF-8
// in the OEM code page its header names, anything else as Decode does.
func decodeFile(b []byte) (string, error) {
	body := bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if bytes.HasPrefix(body, []byte(collectMagic)) && !utf8.Valid(body) {
		head := body[:min(len(body), 4096)]
		if m := reOEMCP.FindSubmatch(head); m != nil {
			cp, _ := strconv.Atoi(string(m[1]))
			if enc, ok := codePages[cp]; ok {
				if s, err := enc.NewDecoder().Bytes(body); err == nil && looksLikeText(string(s)) {
					return string(s), nil
				}
			}
		}
	}
	return Decode(b)
}

// readCollected reads a collector's file: the facts block first, then the
// raw outputs, which fill what the block lacks and must agree with it
// where both hold a fact.
func readCollected(ctx context.Context, source, text string) (*Facts, error) {
	c, err := SplitCollected(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	f := c.FactsFromBlock(source)
	if strings.TrimSpace(c.Outputs) != "" {
		raw, err := Parse(ctx, source, c.Outputs)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err == nil:
			agree(f, raw)
		}
	}
	if f.OS == "" {
		return nil, fmt.Errorf("%s: the collector's file names no operating system: %w", source, ErrFormat)
	}
	if !c.Complete {
		f.Unread = append(f.Unread, "the collector's file ends before its footer: the collection was cut short, and whatever it had not reached is missing")
	}
	for _, s := range c.Failed {
		if !strings.HasPrefix(s, "raw ") {
			continue // named by an unread fact already
		}
		f.Unread = append(f.Unread, "collector step failed: "+s)
	}
	return f, nil
}

// agree checks f (from the facts block) against raw (from the raw
// outputs): a fact both hold and on which they differ is listed in
// f.Disagree and, for a setting, made unknown; a kind of fact only raw
// read is taken from it.
func agree(f, raw *Facts) {
	if f.OSVersion == "" {
		f.OSVersion = raw.OSVersion
	}
	disagree := func(format string, a ...any) {
		f.Disagree = append(f.Disagree, fmt.Sprintf(format, a...))
	}
	agreeHostModels(f, raw, disagree)
	if !f.AddrsRead && raw.AddrsRead {
		takeAddrs(f, raw)
	} else if f.AddrsRead && raw.AddrsRead {
		compareSets("address", hostAddrs(f), hostAddrs(raw), disagree)
	}
	if !f.RoutesRead && raw.RoutesRead {
		f.RoutesRead = true
		for _, r := range raw.Interfaces {
			if ifc := sameInterface(f, &r); ifc != nil && r.Gateway {
				ifc.Gateway = true
			}
		}
	}
	switch {
	case !f.ListenersRead && raw.ListenersRead:
		f.Listeners, f.ListenersRead = raw.Listeners, true
	case f.ListenersRead && raw.ListenersRead:
		compareSets("listening socket", strs(f.Listeners), strs(raw.Listeners), disagree)
	}
	switch {
	case !f.SSLRead && raw.SSLRead:
		f.SSLBindings, f.SSLRead = raw.SSLBindings, true
	case f.SSLRead && raw.SSLRead:
		compareSets("HTTP.sys certificate binding", sslNames(f), sslNames(raw), disagree)
	}
	switch {
	case !f.SitesRead && raw.SitesRead:
		f.Sites, f.SitesRead = raw.Sites, true
	case f.SitesRead && raw.SitesRead:
		compareSets("IIS binding", siteBindings(f), siteBindings(raw), disagree)
		for i := range f.Sites {
			for _, r := range raw.Sites {
				if r.ID == f.Sites[i].ID && f.Sites[i].State == "" {
					f.Sites[i].State = r.State // applicationHost.config holds no run state
				}
			}
		}
	}
	switch {
	case !f.IPListenRead && raw.IPListenRead:
		f.IPListen, f.IPListenRead = raw.IPListen, true
	case f.IPListenRead && raw.IPListenRead:
		compareSets("HTTP.sys listen address", strs(f.IPListen), strs(raw.IPListen), disagree)
	}
	// The facts block holds no packet filter rules for a verdict (the
	// Windows collector lists the rules covering the ports for a person
	// to read): the raw outputs' filters are taken as they are, and so are
	// the outputs read that held nothing usable.
	if len(f.Filters) == 0 {
		f.Filters = raw.Filters
	}
	f.NoFacts = append(f.NoFacts, raw.NoFacts...)
	f.Changes = append(f.Changes, raw.Changes...)
	agreeFirewall(f, raw, disagree)
	agreeSysctls(f, raw, disagree)
}

// agreeHostModels compares the weak host settings per interface index and
// family: a setting they disagree on becomes unknown.
func agreeHostModels(f, raw *Facts, disagree func(string, ...any)) {
	for _, r := range raw.Interfaces {
		ifc := sameInterface(f, &r)
		if ifc == nil {
			continue
		}
		for _, fam := range []struct {
			name   string
			mine   *HostModel
			theirs HostModel
		}{{"ipv4", &ifc.IPv4, r.IPv4}, {"ipv6", &ifc.IPv6, r.IPv6}} {
			for _, s := range []struct {
				name   string
				mine   *Setting
				theirs Setting
			}{{"weakhostsend", &fam.mine.WeakHostSend, fam.theirs.WeakHostSend}, {"weakhostreceive", &fam.mine.WeakHostReceive, fam.theirs.WeakHostReceive}} {
				switch {
				case s.theirs == Unknown:
				case *s.mine == Unknown:
					*s.mine = s.theirs
				case *s.mine != s.theirs:
					disagree("%s (%s) of interface %d: %s in the facts block, %s in the raw outputs; taken as unknown", s.name, fam.name, ifc.Index, *s.mine, s.theirs)
					*s.mine = Unknown
				}
			}
		}
	}
}

// match finds raw's interface r among f's: by index, else by name.
func sameInterface(f *Facts, r *Interface) *Interface {
	if r.Index > 0 {
		if ifc := f.ByIndex(r.Index); ifc != nil {
			return ifc
		}
	}
	for i := range f.Interfaces {
		if r.Name != "" && strings.EqualFold(f.Interfaces[i].Name, r.Name) {
			return &f.Interfaces[i]
		}
	}
	return nil
}

// takeAddrs takes the addresses (and descriptions) the raw outputs hold
// when the facts block has none.
func takeAddrs(f, raw *Facts) {
	f.AddrsRead = true
	for _, r := range raw.Interfaces {
		ifc := sameInterface(f, &r)
		if ifc == nil {
			f.Interfaces = append(f.Interfaces, r)
			continue
		}
		ifc.Addrs = r.Addrs
		if ifc.Description == "" {
			ifc.Description = r.Description
			if f.OS == "windows" {
				ifc.Loopback, ifc.Software = adapterKind(ifc.Name, ifc.Description)
			}
		}
		ifc.Gateway = ifc.Gateway || r.Gateway
	}
}

// hostAddrs are the host's addresses that every source lists: loopback
// and link-local ones are left out (ipconfig shows neither 127.0.0.1 nor
// every zone).
func hostAddrs(f *Facts) []string {
	var out []string
	for _, ifc := range f.Interfaces {
		for _, p := range ifc.Addrs {
			if a := p.Addr(); !a.IsLoopback() && !a.IsLinkLocalUnicast() {
				out = append(out, a.String())
			}
		}
	}
	return out
}

func strs[T fmt.Stringer](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func sslNames(f *Facts) []string {
	var out []string
	for _, b := range f.SSLBindings {
		if b.Hostname != "" {
			out = append(out, b.Hostname+":"+strconv.Itoa(int(b.Port)))
		} else {
			out = append(out, b.IPPort.String())
		}
	}
	return out
}

func siteBindings(f *Facts) []string {
	var out []string
	for _, s := range f.Sites {
		for _, b := range s.Bindings {
			ip := "*"
			if b.Addr.IsValid() {
				ip = b.Addr.String()
			}
			out = append(out, fmt.Sprintf("%s/%s:%d:%s", b.Protocol, ip, b.Port, b.Host))
		}
	}
	return out
}

// compareSets reports what one side lists and the other does not.
func compareSets(what string, block, raw []string, disagree func(string, ...any)) {
	for _, a := range block {
		if !slices.Contains(raw, a) {
			disagree("%s %s: in the facts block, not in the raw outputs", what, a)
		}
	}
	for _, a := range raw {
		if !slices.Contains(block, a) {
			disagree("%s %s: in the raw outputs, not in the facts block", what, a)
		}
	}
}

// agreeFirewall compares the profiles' states in their order (Domain,
// Private, Public): netsh names them in the host's language.
func agreeFirewall(f, raw *Facts, disagree func(string, ...any)) {
	switch {
	case !f.FirewallRead && raw.FirewallRead:
		f.Firewall, f.FirewallRead = raw.Firewall, true
	case f.FirewallRead && raw.FirewallRead && len(f.Firewall) == len(raw.Firewall):
		for i := range f.Firewall {
			if r := raw.Firewall[i].On; r != Unknown && r != f.Firewall[i].On {
				disagree("Windows Firewall profile %s: %s in the facts block, %s in the raw outputs; taken as unknown", f.Firewall[i].Name, f.Firewall[i].On, r)
				f.Firewall[i].On = Unknown
			}
		}
	}
}

// agreeSysctls compares Linux's ARP and reverse-path sysctls.
func agreeSysctls(f, raw *Facts, disagree func(string, ...any)) {
	if !raw.SysctlRead {
		return
	}
	if !f.SysctlRead {
		f.SysctlRead, f.ConfAll, f.ConfDefault = true, raw.ConfAll, raw.ConfDefault
	}
	one := func(name string, mine *IPv4Conf, theirs IPv4Conf) {
		for _, k := range []struct {
			key    string
			mine   *int
			theirs int
		}{{"arp_ignore", &mine.ARPIgnore, theirs.ARPIgnore}, {"arp_announce", &mine.ARPAnnounce, theirs.ARPAnnounce}, {"rp_filter", &mine.RPFilter, theirs.RPFilter}} {
			switch {
			case k.theirs < 0:
			case *k.mine < 0:
				*k.mine = k.theirs
			case *k.mine != k.theirs:
				disagree("net.ipv4.conf.%s.%s: %d in the facts block, %d in the raw outputs", name, k.key, *k.mine, k.theirs)
			}
		}
	}
	one("all", &f.ConfAll, raw.ConfAll)
	one("default", &f.ConfDefault, raw.ConfDefault)
	for _, r := range raw.Interfaces {
		for i := range f.Interfaces {
			if f.Interfaces[i].Name == r.Name {
				one(r.Name, &f.Interfaces[i].Conf, r.Conf)
			}
		}
	}
}
