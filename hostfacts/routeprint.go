package hostfacts

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// reRouteIface is a line of `route print`'s interface list: " 15...00 50
// 56 a1 3c 0d ......Intel(R) 82574L Gigabit Network Connection", "
// 1...........................Software Loopback Interface 1".
var reRouteIface = regexp.MustCompile(`^\s*(\d+)\.{3}((?:[0-9a-fA-F]{2} )*)\.*(.*)$`)

// RoutePrint is what `route print` (or `netstat -rn`) says: each
// interface's index and description, and the local addresses of the
// interfaces that hold an IPv4 default route with a gateway.
type RoutePrint struct {
	Ifaces   []Interface
	Gateways []netip.Addr
}

// ParseRoutePrint reads `route print`. Its section titles are translated
// ("Interface List", "接口列表"; "On-link", "在链路上"), so it keys on the
// shape of the lines: the interface list's dots, and the five columns of
// an active route (destination, mask, gateway, interface, metric).
func ParseRoutePrint(text string) (RoutePrint, error) {
	var rp RoutePrint
	for _, l := range lines(text) {
		if m := reRouteIface.FindStringSubmatch(l); m != nil {
			idx, _ := strconv.Atoi(m[1])
			rp.Ifaces = append(rp.Ifaces, Interface{Index: idx, Description: strings.TrimSpace(m[3])})
			continue
		}
		f := strings.Fields(l)
		if len(f) != 5 || f[0] != "0.0.0.0" || f[1] != "0.0.0.0" {
			continue
		}
		gw, gerr := netip.ParseAddr(f[2])
		local, lerr := netip.ParseAddr(f[3])
		if gerr == nil && lerr == nil && !gw.IsUnspecified() {
			rp.Gateways = append(rp.Gateways, local)
		}
	}
	if len(rp.Ifaces) == 0 {
		return rp, fmt.Errorf("route print: no interface list: %w", ErrFormat)
	}
	return rp, nil
}
