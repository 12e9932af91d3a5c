package hostfacts

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
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
	iface, name := rest[:i], rest[i+1:]
	var conf *IPv4Conf
	switch iface {
	case "all":
		conf = &f.ConfAll
	case "default":
		conf = &f.ConfDefault
	default:
		ifc := f.iface(iface)
		conf = &ifc.Conf
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

// ParseIPAddrJSON reads `ip -j addr` (iproute2's JSON) into interfaces.
func ParseIPAddrJSON(text string) ([]Interface, error) {
	var raw []ipAddrJSON
	if err := json.Unmarshal([]byte(strings.TrimPrefix(strings.TrimSpace(text), "\ufeff")), &raw); err != nil {
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
				ifc.Addrs = append(ifc.Addrs, netip.PrefixFrom(ip, p.Bits()))
			}
		}
		out = append(out, ifc)
	}
	return out, nil
}

// ParseSS reads `ss -ltn` (with or without -p): the local address of each
// listening TCP socket.
func ParseSS(text string) ([]netip.AddrPort, error) {
	var out []netip.AddrPort
	seen := false
	for _, l := range lines(text) {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == "State" {
			seen = true
			continue
		}
		if len(f) < 4 || f[0] != "LISTEN" {
			continue
		}
		if ap, ok := ssAddrPort(f[3]); ok {
			out = append(out, ap)
		}
	}
	if !seen {
		return nil, fmt.Errorf("ss -ltn: %w", ErrFormat)
	}
	return out, nil
}

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
