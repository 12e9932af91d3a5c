package hostfacts

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrFormat is returned by a parser given text that is not the output it reads.
var ErrFormat = errors.New("not the expected command output")

// ParseNetshInterfaces reads `netsh interface ipv4 show interfaces`: a
// table of Idx, Met, MTU, State and Name. The headers are localised, so the
// columns come from the rule of dashes under them; the name runs to the end
// of the line and may hold spaces.
func ParseNetshInterfaces(text string) ([]Interface, error) {
	cols := 0 // how many columns the rule of dashes shows
	var out []Interface
	wrapped := false // the last row filled the console's width: its name may go on
	for _, l := range lines(text) {
		if cols == 0 {
			if isDashes(l) && strings.HasPrefix(l, "---") {
				cols = len(strings.Fields(l))
			}
			continue
		}
		if strings.TrimSpace(l) == "" {
			wrapped = false
			continue
		}
		f := columns(l, cols)
		idx := -1
		if len(f) >= 2 && f[len(f)-1] != "" {
			if n, err := strconv.Atoi(f[0]); err == nil {
				idx = n
			}
		}
		if idx < 0 {
			if wrapped && len(out) > 0 {
				// A console copy breaks a long row at the width, mid-word.
				out[len(out)-1].Name += strings.TrimRight(l, " ")
			}
			wrapped = false
			continue
		}
		name := f[len(f)-1]
		ifc := Interface{Index: idx, Name: name}
		// Whether it is a loopback adapter is decided with ipconfig's
		// description, or by name at the end; software it is by name.
		_, ifc.Software = adapterKind(name, "")
		if cols >= 5 {
			ifc.Down = isDown(f[3])
		}
		out = append(out, ifc)
		wrapped = displayWidth(l) >= 79
	}
	if cols == 0 || len(out) == 0 {
		return nil, fmt.Errorf("netsh interface show interfaces: %w", ErrFormat)
	}
	return out, nil
}

// columns splits a row into its first n-1 cells (numbers and a state
// word, never with spaces) and the name, which runs to the end of the line
// and may hold spaces. Columns are aligned by display width, which differs
// from bytes and runes once the name or state is Chinese, so the rule's
// positions are not used to cut.
func columns(row string, n int) []string {
	var cells []string
	rest := row
	for len(cells) < n-1 {
		rest = strings.TrimLeft(rest, " \t")
		j := strings.IndexAny(rest, " \t")
		if j < 0 {
			return nil
		}
		cells, rest = append(cells, rest[:j]), rest[j:]
	}
	return append(cells, strings.TrimSpace(rest))
}

// NetshDetail is what `netsh interface ipv4 show interface N` says of one
// interface.
type NetshDetail struct {
	Index int
	Name  string
	Model HostModel
}

// ParseNetshInterface reads `netsh interface ipv4 show interface N` (or
// ipv6), and `show interfaces level=verbose`, which prints the same block
// for every interface: each block is headed "Interface NAME Parameters"
// (接口 NAME 参数) over a rule of dashes, and holds IfIndex and the weak
// host settings. A block without them is left out; none at all is an
// error.
func ParseNetshInterface(text string) ([]NetshDetail, error) {
	var out []NetshDetail
	ls := lines(text)
	var d NetshDetail
	flush := func() {
		if d.Index != 0 && d.Model.WeakHostSend != Unknown && d.Model.WeakHostReceive != Unknown {
			out = append(out, d)
		}
		d = NetshDetail{}
	}
	for i, l := range ls {
		if i+1 < len(ls) && isDashes(ls[i+1]) && strings.TrimSpace(l) != "" && !isDashes(l) {
			if _, _, kv := splitKV(l); !kv {
				flush()
				d.Name = detailName(strings.TrimSpace(l))
				continue
			}
		}
		if v, ok := knownKV(l, lblIfIndex); ok {
			if d.Index != 0 {
				flush() // a block pasted without its header
			}
			d.Index, _ = strconv.Atoi(v)
		} else if v, ok := knownKV(l, lblWeakSend); ok {
			d.Model.WeakHostSend = setting(v)
		} else if v, ok := knownKV(l, lblWeakRecv); ok {
			d.Model.WeakHostReceive = setting(v)
		}
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("netsh interface show interface: no IfIndex or weak host settings: %w", ErrFormat)
	}
	return out, nil
}

// detailName takes the interface name out of "Interface Ethernet 2
// Parameters" or "接口 以太网 2 参数".
func detailName(h string) string {
	for _, pre := range []string{"Interface ", "接口 "} {
		h = strings.TrimPrefix(h, pre)
	}
	for _, suf := range []string{" Parameters", " 参数"} {
		h = strings.TrimSuffix(h, suf)
	}
	return strings.TrimSpace(h)
}

// ParseIpconfig reads `ipconfig /all`: one section per adapter, headed
// "Ethernet adapter NAME:" (以太网适配器 NAME:), with its description and
// addresses. Addresses come with "(Preferred)" (首选) and IPv6 ones with a
// zone; an IPv4 address takes its prefix from the Subnet Mask line after it.
func ParseIpconfig(text string) ([]Interface, error) {
	var out []Interface
	var cur *Interface
	last := "" // the label of the line before: a value may go on on the next line
	for _, l := range lines(text) {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			if name, ok := adapterHeader(l); ok {
				out = append(out, Interface{Name: name})
				cur, last = &out[len(out)-1], ""
				continue
			}
			if cur != nil && last != "" && oneOf(last, lblDescription) {
				// A console copy broke a long description at the width.
				cur.Description += strings.TrimRight(l, " ")
				cur.Loopback, cur.Software = adapterKind(cur.Name, cur.Description)
				continue
			}
			if strings.HasSuffix(strings.TrimSpace(l), ":") || strings.HasSuffix(strings.TrimSpace(l), "：") {
				cur = nil // "Windows IP Configuration" and the like
			}
			continue
		}
		label, value, ok := splitKV(l)
		if cur == nil {
			continue
		}
		if !ok {
			// A further value of the label before: DNS servers, or the
			// IPv4 gateway after an IPv6 one.
			if oneOf(last, lblGateway) && strings.TrimSpace(l) != "" {
				cur.Gateway = true
			}
			continue
		}
		last = label
		switch {
		case oneOf(label, lblDescription):
			cur.Description = value
			cur.Loopback, cur.Software = adapterKind(cur.Name, value)
		case oneOf(label, lblMediaState):
			cur.Down = isDown(value)
		case oneOf(label, lblGateway):
			cur.Gateway = value != ""
		case oneOf(label, lblSubnetMask):
			if n := len(cur.Addrs); n > 0 && cur.Addrs[n-1].Addr().Is4() {
				if bits, ok := maskBits(value); ok {
					cur.Addrs[n-1] = netip.PrefixFrom(cur.Addrs[n-1].Addr(), bits)
				}
			}
		case strings.Contains(label, "IPv4") || strings.Contains(label, "IPv6") || oneOf(label, []string{"IP Address", "IP 地址"}):
			if a, ok := ipconfigAddr(value); ok {
				cur.Addrs = append(cur.Addrs, netip.PrefixFrom(a, a.BitLen()))
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ipconfig /all: no adapter section: %w", ErrFormat)
	}
	return out, nil
}

// adapterHeader recognises "Ethernet adapter Ethernet 2:", "Unknown
// adapter Loopback:", "以太网适配器 以太网 2:" and returns the name.
func adapterHeader(l string) (string, bool) {
	l = strings.TrimSpace(l)
	if !strings.HasSuffix(l, ":") && !strings.HasSuffix(l, "：") {
		return "", false
	}
	l = strings.TrimSuffix(strings.TrimSuffix(l, ":"), "：")
	for _, sep := range []string{" adapter ", "适配器 "} {
		if i := strings.Index(l, sep); i >= 0 {
			return strings.TrimSpace(l[i+len(sep):]), true
		}
	}
	return "", false
}

// ipconfigAddr reads "10.0.0.5(Preferred)", "fe80::1%12(首选)".
func ipconfigAddr(v string) (netip.Addr, bool) {
	if i := strings.IndexAny(v, "(（"); i >= 0 {
		v = v[:i]
	}
	a, err := netip.ParseAddr(strings.TrimSpace(v))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone(""), true
}

func maskBits(v string) (int, bool) {
	m, err := netip.ParseAddr(strings.TrimSpace(v))
	if err != nil || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	bits := 0
	for n&0x80000000 != 0 {
		bits++
		n <<= 1
	}
	return bits, n == 0
}

// NetIPInterface is one Get-NetIPInterface object: an interface in one
// address family.
type NetIPInterface struct {
	Index int
	Alias string
	IPv6  bool
	Down  bool // ConnectionState Disconnected
	Model HostModel
}
