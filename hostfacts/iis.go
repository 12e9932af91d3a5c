package hostfacts

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// ParseSSLCert reads `netsh http show sslcert`: one block per binding,
// introduced by "IP:port" (IP:端口), "Hostname:port" (主机名:端口) or "Central
// Certificate Store" (中央证书存储), followed by its certificate hash. Output
// that lists no binding is valid and gives none.
func ParseSSLCert(text string) ([]SSLBinding, error) {
	var out []SSLBinding
	seen := false
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "SSL ") || strings.HasPrefix(t, "SSL Certificate") {
			seen = true // "SSL Certificate bindings:", "SSL 证书绑定:"
		}
		label, value, ok := splitKV(l)
		if !ok {
			continue
		}
		low := strings.ToLower(label)
		switch {
		case strings.HasPrefix(low, "ip:"):
			ap, err := netip.ParseAddrPort(value)
			if err != nil {
				return out, fmt.Errorf("netsh http show sslcert: %q is not an IP:port", value)
			}
			out = append(out, SSLBinding{IPPort: ap, Port: ap.Port()})
			seen = true
		case strings.HasPrefix(low, "hostname:") || strings.HasPrefix(label, "主机名:") || strings.HasPrefix(low, "central certificate store") || strings.HasPrefix(label, "中央证书存储"):
			host, port := value, ""
			if i := strings.LastIndexByte(value, ':'); i >= 0 {
				host, port = value[:i], value[i+1:]
			}
			p, err := strconv.ParseUint(port, 10, 16)
			if err != nil {
				return out, fmt.Errorf("netsh http show sslcert: %q is not a name:port", value)
			}
			if _, err := strconv.Atoi(host); err == nil {
				host = "*" // the central certificate store binds by port only
			}
			out = append(out, SSLBinding{Hostname: host, Port: uint16(p)})
			seen = true
		case oneOf(label, lblCertHash) && len(out) > 0:
			out[len(out)-1].CertHash = value
		}
	}
	if !seen {
		return nil, fmt.Errorf("netsh http show sslcert: %w", ErrFormat)
	}
	if out == nil {
		out = []SSLBinding{} // read, and none
	}
	return out, nil
}

var appcmdSite = regexp.MustCompile(`^SITE "(.*)" \(id:(\d+),bindings:(.*),state:([^,)]*)\)\s*$`)

// ParseAppcmdSites reads `appcmd list site`: one line per site,
// SITE "NAME" (id:N,bindings:PROTO/IP:PORT:HOST,...,state:Started). appcmd
// does not localise these keys; site names may be in any language.
func ParseAppcmdSites(text string) ([]Site, error) {
	var out []Site
	for _, l := range lines(text) {
		m := appcmdSite.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		id, _ := strconv.Atoi(m[2])
		s := Site{Name: m[1], ID: id, State: m[4]}
		for _, b := range strings.Split(m[3], ",") {
			if sb, ok := siteBinding(b); ok {
				s.Bindings = append(s.Bindings, sb)
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("appcmd list site: no SITE line: %w", ErrFormat)
	}
	return out, nil
}

// siteBinding reads "https/*:443:www.example.com" or
// "https/[2001:db8::10]:443:". Non-IP bindings (net.tcp/808:*) are skipped.
func siteBinding(b string) (SiteBinding, bool) {
	proto, info, ok := strings.Cut(b, "/")
	if !ok || (proto != "http" && proto != "https") {
		return SiteBinding{}, false
	}
	i := strings.LastIndexByte(info, ':') // before the host header
	if i < 0 {
		return SiteBinding{}, false
	}
	ipport, host := info[:i], info[i+1:]
	j := strings.LastIndexByte(ipport, ':')
	if j < 0 {
		return SiteBinding{}, false
	}
	port, err := strconv.ParseUint(ipport[j+1:], 10, 16)
	if err != nil {
		return SiteBinding{}, false
	}
	sb := SiteBinding{Protocol: proto, Port: uint16(port), Host: host}
	if ip := strings.Trim(ipport[:j], "[]"); ip != "*" && ip != "" {
		if sb.Addr, err = netip.ParseAddr(ip); err != nil {
			return SiteBinding{}, false
		}
	}
	return sb, true
}

// ParseFirewallProfiles reads `netsh advfirewall show allprofiles state`:
// a section per profile ("Public Profile Settings:", "公用配置文件 设置:")
// with its State line (ON/OFF, 启用/关闭).
func ParseFirewallProfiles(text string) ([]FirewallProfile, error) {
	var out []FirewallProfile
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		if name, ok := profileHeader(t); ok {
			out = append(out, FirewallProfile{Name: name})
			continue
		}
		f := strings.Fields(t)
		if len(out) > 0 && len(f) == 2 && oneOf(f[0], lblState) {
			out[len(out)-1].On = firewallState(f[1])
		}
		if len(out) > 0 && len(f) == 1 {
			// "状态打开": a console copy may squeeze the padding away.
			for _, lbl := range lblState {
				if v, ok := strings.CutPrefix(f[0], lbl); ok && v != "" {
					out[len(out)-1].On = firewallState(v)
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("netsh advfirewall show allprofiles: %w", ErrFormat)
	}
	return out, nil
}

// profileHeader reads "Domain Profile Settings:" or "域配置文件 设置:"
// (spacing varies between releases) and returns the profile's name.
func profileHeader(t string) (string, bool) {
	t = strings.TrimSuffix(strings.TrimSuffix(t, ":"), "：")
	if name, ok := strings.CutSuffix(t, " Profile Settings"); ok {
		return strings.TrimSpace(name), true
	}
	if i := strings.Index(t, "配置文件"); i > 0 && strings.HasSuffix(strings.ReplaceAll(t[i:], " ", ""), "配置文件设置") {
		return strings.TrimSpace(t[:i]), true
	}
	return "", false
}

// firewallState reads a profile's state: ON/OFF, and on Chinese Windows
// 启用/关闭 or 打开/关闭, as releases differ.
func firewallState(v string) Setting {
	switch {
	case oneOf(v, []string{"ON", "启用", "打开", "开", "开启", "已启用"}):
		return Enabled
	case oneOf(v, []string{"OFF", "关闭", "关", "禁用", "已禁用"}):
		return Disabled
	}
	return Unknown
}

var verLine = regexp.MustCompile(`Microsoft Windows \[\S+ (\d+\.\d+\.\d+)(\.\d+)?\]`)

// ParseVer reads `ver`: "Microsoft Windows [Version 10.0.20348.2849]"
// ("[版本 …]" in Chinese) and returns "10.0.20348".
func ParseVer(text string) (string, error) {
	m := verLine.FindStringSubmatch(text)
	if m == nil {
		return "", fmt.Errorf("ver: %w", ErrFormat)
	}
	return m[1], nil
}

// WindowsName names a Windows Server release by its version, as far as the
// host model goes: 6.0 Server 2008 and later are strong host by default.
func WindowsName(version string) string {
	parts := strings.Split(version, ".")
	if len(parts) < 3 {
		return ""
	}
	build, _ := strconv.Atoi(parts[2])
	switch mm := parts[0] + "." + parts[1]; {
	case mm == "5.2":
		return "Windows Server 2003"
	case mm == "6.0":
		return "Windows Server 2008"
	case mm == "6.1":
		return "Windows Server 2008 R2"
	case mm == "6.2":
		return "Windows Server 2012"
	case mm == "6.3":
		return "Windows Server 2012 R2"
	case mm == "10.0" && build >= 26100:
		return "Windows Server 2025"
	case mm == "10.0" && build >= 20348:
		return "Windows Server 2022"
	case mm == "10.0" && build >= 17763:
		return "Windows Server 2019"
	case mm == "10.0" && build >= 14393:
		return "Windows Server 2016"
	}
	return ""
}
