package capture

import (
	"net/netip"
	"strings"
)

// DefaultFilter is the BPF filter live capture uses without -f. It keeps
// what the causes need and little else: TCP on the
// watched ports, anything to or from the VIPs, ARP (a VIP that leaks), and
// ICMP/ICMPv6 errors (unreachable, time exceeded, parameter problem,
// packet too big) plus IPv6 neighbour discovery. Ports are as --port gave
// them, already checked.
func DefaultFilter(vips []netip.Prefix, ports string) string {
	tcp := "tcp"
	var ps []string
	for _, p := range strings.Split(ports, ",") {
		p = strings.TrimSpace(p)
		if p == "any" {
			ps = nil
			break
		}
		if strings.Contains(p, "-") {
			ps = append(ps, "portrange "+p)
		} else {
			ps = append(ps, "port "+p)
		}
	}
	if len(ps) > 0 {
		tcp = "(tcp and (" + strings.Join(ps, " or ") + "))"
	}
	parts := []string{tcp}
	for _, v := range vips {
		parts = append(parts, "net "+v.String())
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
