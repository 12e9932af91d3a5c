package hostfacts

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// tcpListen is the LISTEN state in /proc/net/tcp.
const tcpListen = "0A"

// ParseProcNetTCP reads /proc/net/tcp or /proc/net/tcp6 and returns the
// local addresses of the sockets in LISTEN. Addresses are hex words in host
// byte order (little-endian on the machines Linux runs slbdiag on), ports
// hex big-endian.
func ParseProcNetTCP(text string) ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	ls := lines(text)
	if len(ls) == 0 || !strings.Contains(ls[0], "local_address") {
		return nil, fmt.Errorf("/proc/net/tcp: %w", ErrFormat)
	}
	for _, l := range ls[1:] {
		f := strings.Fields(l)
		if len(f) < 4 || f[3] != tcpListen {
			continue
		}
		ap, err := procAddrPort(f[1])
		if err != nil {
			return out, fmt.Errorf("/proc/net/tcp: %w", err)
		}
		if !slices.Contains(out, ap) { // SO_REUSEPORT: one socket per worker
			out = append(out, ap)
		}
	}
	return out, nil
}

// procAddrPort reads "0100007F:01BB" or a 32-digit IPv6 form.
func procAddrPort(s string) (netip.AddrPort, error) {
	h, p, ok := strings.Cut(s, ":")
	port, err := strconv.ParseUint(p, 16, 16)
	raw, herr := hex.DecodeString(h)
	if !ok || err != nil || herr != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	// Each 32-bit word was printed as a host-order integer.
	var b [16]byte
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(b[i:], binary.LittleEndian.Uint32(raw[i:]))
	}
	a, _ := netip.AddrFromSlice(b[:len(raw)])
	return netip.AddrPortFrom(a.Unmap(), uint16(port)), nil
}

// ApplySysctl records one "net.ipv4.conf.IFACE.KEY = VALUE" line (as
// `sysctl -a` prints it, or a /proc/sys path with the value) in f. Other
// keys are ignored. It reports whether the line was one of the keys.
func (f *Facts) ApplySysctl(line string) bool {
	return f.applySysctl(line, f.iface)
}

// applySysctl is ApplySysctl with the interfaces looked up by iface.
func (f *Facts) applySysctl(line string, iface func(string) *Interface) bool {
	key, val, ok := strings.Cut(line, "=")
	if !ok {
		return false
	}
	key = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(key), "/proc/sys/"), "/", ".")
	rest, ok := strings.CutPrefix(key, "net.ipv4.conf.")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '.')
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if i < 0 || err != nil {
		return false
	}
	ifname, name := rest[:i], rest[i+1:]
	var conf *IPv4Conf
	switch ifname {
	case "all":
		conf = &f.ConfAll
	case "default":
		conf = &f.ConfDefault
	default:
		conf = &iface(ifname).Conf
	}
	switch name {
	case "arp_ignore":
		conf.ARPIgnore = n
	case "arp_announce":
		conf.ARPAnnounce = n
	case "rp_filter":
		conf.RPFilter = n
	default:
		return false
	}
	return true
}

// iface returns the interface named name, adding it if it is new.
func (f *Facts) iface(name string) *Interface {
	for i := range f.Interfaces {
		if f.Interfaces[i].Name == name {
			return &f.Interfaces[i]
		}
	}
	f.Interfaces = append(f.Interfaces, Interface{Name: name, Conf: unreadConf, Loopback: name == "lo"})
	return &f.Interfaces[len(f.Interfaces)-1]
}

// ipAddrJSON is one interface of `ip -j addr`.
type ipAddrJSON struct {
	Index    int      `json:"ifindex"`
	Name     string   `json:"ifname"`
	Flags    []string `json:"flags"`
	LinkType string   `json:"link_type"`
	Addrs    []struct {
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
	} `json:"addr_info"`
}

// ParseIPAddr reads `ip addr` in any of its forms: JSON (-j), the usual
// text (with -4 or -6 too), or brief (-br).
func ParseIPAddr(text string) ([]Interface, error) {
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if strings.HasPrefix(t, "[") {
		return ParseIPAddrJSON(t)
	}
	ifs, err := parseIPAddrText(t)
	if err != nil {
		first, _, _ := strings.Cut(t, "\n")
		if first = strings.TrimSpace(first); first != "" && len(first) < 200 {
			// What ip said instead: `Option "-j" is unknown, try "ip -help".`
			return nil, fmt.Errorf("%w: it printed %q", err, first)
		}
		return nil, err
	}
	return ifs, nil
}

var (
	reIPAddrHeader = regexp.MustCompile(`^(\d+):\s+([^\s:@]+)(?:@[^\s:]+)?:\s+<([^>]*)>(.*)$`)
	reIPAddrInet   = regexp.MustCompile(`^\s+inet6?\s+(\S+)(?:\s+peer\s+\S+)?`)
)

// parseIPAddrText reads `ip addr`'s text: "2: eth0: <BROADCAST,…,UP>
// mtu … state UP" headers, then "    inet 10.0.0.5/24 … scope global eth0"
// lines (a labelled "lo:0" address belongs to lo).
func parseIPAddrText(text string) ([]Interface, error) {
	var out []Interface
	for _, l := range lines(text) {
		if m := reIPAddrHeader.FindStringSubmatch(l); m != nil {
			idx, _ := strconv.Atoi(m[1])
			flags := strings.Split(m[3], ",")
			out = append(out, Interface{Index: idx, Name: m[2], Conf: unreadConf,
				Loopback: slices.Contains(flags, "LOOPBACK"),
				Down:     !slices.Contains(flags, "UP") || strings.Contains(m[4], "state DOWN")})
			continue
		}
		if m := reIPAddrInet.FindStringSubmatch(l); m != nil && len(out) > 0 {
			if p, ok := parsePrefix(m[1]); ok {
				out[len(out)-1].Addrs = append(out[len(out)-1].Addrs, p)
			}
		}
	}
	if len(out) == 0 {
		return parseIPAddrBrief(text)
	}
	return out, nil
}

// parseIPAddrBrief reads `ip -br addr`: "eth0  UP  10.0.0.5/24 fe80::1/64".
func parseIPAddrBrief(text string) ([]Interface, error) {
	var out []Interface
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if len(f) < 2 || !slices.Contains([]string{"UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", "DORMANT"}, f[1]) {
			continue
		}
		name, _, _ := strings.Cut(f[0], "@")
		ifc := Interface{Name: name, Conf: unreadConf, Loopback: name == "lo", Down: f[1] == "DOWN"}
		for _, a := range f[2:] {
			if p, ok := parsePrefix(a); ok {
				ifc.Addrs = append(ifc.Addrs, p)
			}
		}
		out = append(out, ifc)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ip addr: no interface: %w", ErrFormat)
	}
	return out, nil
}

// parsePrefix reads "10.0.0.5/24" or a peer address without a length.
func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return netip.PrefixFrom(p.Addr().WithZone(""), p.Bits()), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a.WithZone(""), a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// ParseDefaultRoutes returns the interfaces that hold a default route, from
// `ip route` ("default via 10.0.0.1 dev eth0 …") or, with routeN, from
// `route -n` (destination and mask 0.0.0.0, the interface last).
func ParseDefaultRoutes(text string, routeN bool) ([]string, error) {
	var devs []string
	seen := false
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if routeN {
			if len(f) > 0 && (f[0] == "Destination" || f[0] == "Kernel") {
				seen = true
			}
			if len(f) >= 8 && f[0] == "0.0.0.0" && f[2] == "0.0.0.0" {
				devs = append(devs, f[len(f)-1])
			}
			continue
		}
		if len(f) > 0 && (strings.Contains(f[0], "/") || f[0] == "default" || net4(f[0])) {
			seen = true
		}
		if len(f) >= 3 && f[0] == "default" {
			if i := slices.Index(f, "dev"); i >= 0 && i+1 < len(f) {
				devs = append(devs, f[i+1])
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf("no route: %w", ErrFormat)
	}
	return devs, nil
}

func net4(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

// ParseIPAddrJSON reads `ip -j addr` (iproute2's JSON) into interfaces.
func ParseIPAddrJSON(text string) ([]Interface, error) {
	var raw []ipAddrJSON
	// Decode the first value only: whatever follows it is not JSON.
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(strings.TrimSpace(text), "\ufeff")))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("ip -j addr: %w: %v", ErrFormat, err)
	}
	out := make([]Interface, 0, len(raw))
	for _, r := range raw {
		ifc := Interface{Index: r.Index, Name: r.Name, Conf: unreadConf,
			Loopback: r.LinkType == "loopback" || slices.Contains(r.Flags, "LOOPBACK")}
		for _, a := range r.Addrs {
			ip, err := netip.ParseAddr(a.Local)
			if err != nil {
				continue
			}
			if p, err := ip.Prefix(a.PrefixLen); err == nil {
				ifc.Addrs = append(ifc.Addrs, netip.PrefixFrom(ip.WithZone(""), p.Bits()))
			}
		}
		ifc.Down = !slices.Contains(r.Flags, "UP")
		out = append(out, ifc)
	}
	return out, nil
}

// ParseSS reads `ss -ltn` (with or without -p, with a Netid column from
// -a or -u, old or new iproute2): the local address of each listening TCP
// socket.
func ParseSS(text string) ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	seen := false
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if len(f) > 0 && (f[0] == "State" || f[0] == "Netid") {
			seen = true
			continue
		}
		i := slices.Index(f, "LISTEN")
		if i < 0 || i > 1 || len(f) < i+4 || (i == 1 && f[0] != "tcp") {
			continue
		}
		if ap, ok := ssAddrPort(f[i+3]); ok {
			if strings.HasPrefix(f[i+3], "[::]:") {
				// iproute2 4.14 and later print a dual-stack wildcard
				// as *:PORT and an IPv6-only one (IPV6_V6ONLY, nginx's
				// listen [::]:443) as [::]:PORT.
				ap = netip.AddrPortFrom(v6OnlyAny, ap.Port())
			}
			out = append(out, ap)
		}
	}
	if !seen {
		return nil, fmt.Errorf("ss -ltn: %w", ErrFormat)
	}
	return out, nil
}

// v6OnlyAny is how Listeners hold an IPv6-only wildcard socket ([::] in
// ss of iproute2 4.14 and later): the zone marks it, as no address from
// the kernel has one.
var v6OnlyAny = netip.IPv6Unspecified().WithZone("v6only")

// ssAddrPort reads ss's local address: "0.0.0.0:443", "[::]:443",
// "*:443" (a dual-stack socket), "127.0.0.1%lo:53" (bound to a device).
func ssAddrPort(s string) (netip.AddrPort, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return netip.AddrPort{}, false
	}
	host, port := strings.Trim(s[:i], "[]"), s[i+1:]
	if j := strings.IndexByte(host, '%'); j >= 0 {
		host = host[:j]
	}
	if host == "*" {
		host = "::"
	}
	a, err := netip.ParseAddr(host)
	p, perr := strconv.ParseUint(port, 10, 16)
	if err != nil || perr != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(a.Unmap(), uint16(p)), true
}

// procSysLine turns what grep and cat print of /proc/sys into sysctl's
// "key = value": "/proc/sys/net/ipv4/conf/all/arp_ignore:1" (grep . over
// several files), or a bare "1" from `cat` of one file, named by the
// command.
func procSysLine(l, cmd string) string {
	t := strings.TrimSpace(l)
	if strings.HasPrefix(t, "/proc/sys/") && !strings.Contains(t, "=") {
		if k, v, ok := strings.Cut(t, ":"); ok {
			return k + " = " + v
		}
	}
	if _, err := strconv.Atoi(t); err == nil {
		if f := strings.Fields(cmd); len(f) == 2 && f[0] == "cat" && strings.HasPrefix(f[1], "/proc/sys/") {
			return f[1] + " = " + t
		}
	}
	return l
}

// ParseNetstat reads Linux `netstat -ltn` (net-tools): "tcp 0 0
// 0.0.0.0:443 0.0.0.0:* LISTEN" and "tcp6 … :::443 :::* LISTEN", whose
// ::: does not say whether the socket is IPv6-only.
func ParseNetstat(text string) ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	seen := false
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if len(f) > 0 && (f[0] == "Proto" || strings.HasPrefix(l, "Active Internet")) {
			seen = true
			continue
		}
		if len(f) < 6 || (f[0] != "tcp" && f[0] != "tcp6") || f[5] != "LISTEN" {
			continue
		}
		if ap, ok := ssAddrPort(f[3]); ok {
			out = append(out, ap)
		}
	}
	if !seen {
		return nil, fmt.Errorf("netstat -ltn: %w", ErrFormat)
	}
	return out, nil
}
