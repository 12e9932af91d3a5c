package analyze

import (
	"fmt"
	"net/netip"
	"strings"
)

// PrefixSet is a list of addresses and networks, such as the --vip list.
type PrefixSet []netip.Prefix

// ParsePrefixes parses a comma-separated list of addresses and CIDRs, IPv4 or IPv6.
func ParsePrefixes(spec string) (PrefixSet, error) {
	parts, err := listEntries(spec, "address list")
	if err != nil {
		return nil, err
	}
	var set PrefixSet
	for _, part := range parts {
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", part)
			}
			set = append(set, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR", part)
		}
		// A zone (fe80::1%eth0) names an interface, not part of the
		// address packets carry: drop it rather than never match.
		a = a.Unmap().WithZone("")
		set = append(set, netip.PrefixFrom(a, a.BitLen()))
	}
	return set, nil
}

// Contains reports whether a is in one of the prefixes.
func (s PrefixSet) Contains(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range s {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
