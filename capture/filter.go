package capture

import (
	"net/netip"
	"strconv"
	"strings"
)

// Bounds of the default filter: libpcap's optimizer grows much faster than
// the filter (300 single 'port N' terms, repeated for 802.1Q and QinQ,
// took 26 s and 347 MB to compile). Past them the filter keeps plain
// 'tcp', or leaves the VIPs out, and slbdiag's own port check (analyze's
// PortSet, which every packet passes) does the rest: fewer packets are
// kept out by the kernel, none that matters is lost.
const (
	defaultFilterPortTerms = 16 // 'port N' and 'portrange A-B' terms, adjacent ports merged
	defaultFilterVIPs      = 16 // 'net VIP' terms
)

// DefaultFilter is the BPF filter live capture uses without -f. It keeps
// what the causes need and little else: TCP on the
// watched ports, anything to or from the VIPs, ARP (a VIP that leaks), and
// ICMP/ICMPv6 errors (unreachable, time exceeded, parameter problem,
// packet too big) plus IPv6 neighbour discovery. ports are the watched
// ports in order (analyze.PortSet.Ports), nil for any. Adjacent ports
// become one portrange; more than defaultFilterPortTerms terms keep all of
// TCP, more than defaultFilterVIPs VIPs leave them out (see above), so the
// filter stays within MaxFilterTerms and compiles in milliseconds.
func DefaultFilter(vips []netip.Prefix, ports []uint16) string {
	tcp := "tcp"
	if ps := portTerms(ports); len(ps) > 0 && len(ps) <= defaultFilterPortTerms {
		tcp = "(tcp and (" + strings.Join(ps, " or ") + "))"
	}
	parts := []string{tcp}
	if len(vips) <= defaultFilterVIPs {
		for _, v := range vips {
			parts = append(parts, "net "+v.String())
		}
	}
	parts = append(parts, "arp",
		"(icmp and (icmp[0] == 3 or icmp[0] == 11 or icmp[0] == 12))",
		"(icmp6 and (ip6[40] == 1 or ip6[40] == 2 or ip6[40] == 3 or ip6[40] == 4 or ip6[40] == 135 or ip6[40] == 136))")
	f := strings.Join(parts, " or ")
	// The same behind an 802.1Q tag, and behind two (QinQ): each 'vlan'
	// moves the offsets that follow past a tag, so trunk ports and tagged
	// NICs are captured too.
	return f + " or (vlan and (" + f + " or (vlan and (" + f + "))))"
}

// portTerms are ports, in order, as 'port N' and 'portrange A-B' terms,
// each run of adjacent ports one range; it stops counting past
// defaultFilterPortTerms.
func portTerms(ports []uint16) []string {
	var terms []string
	for i := 0; i < len(ports) && len(terms) <= defaultFilterPortTerms; {
		j := i
		for j+1 < len(ports) && int(ports[j+1]) <= int(ports[j])+1 {
			j++
		}
		if ports[j] == ports[i] {
			terms = append(terms, "port "+strconv.Itoa(int(ports[i])))
		} else {
			terms = append(terms, "portrange "+strconv.Itoa(int(ports[i]))+"-"+strconv.Itoa(int(ports[j])))
		}
		i = j + 1
	}
	return terms
}
