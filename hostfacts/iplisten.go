package hostfacts

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseIPListen reads `netsh http show iplisten`: a localised title, a
// rule of dashes, then one address per line. An empty list is valid: then
// HTTP.sys listens on every address; a list holds the only addresses it
// listens on.
func ParseIPListen(text string) ([]netip.Addr, error) {
	out := []netip.Addr{}
	seen := false
	for _, l := range lines(text) {
		t := strings.TrimSpace(l)
		if !seen {
			seen = isDashes(t) && strings.HasPrefix(t, "---")
			continue
		}
		if t == "" {
			continue
		}
		host := strings.Trim(t, "[]")
		if ap, err := netip.ParseAddrPort(t); err == nil {
			host = ap.Addr().String()
		}
		a, err := netip.ParseAddr(host)
		if err != nil {
			break // the next paragraph: a message, not an address
		}
		out = append(out, a.Unmap().WithZone(""))
	}
	if !seen {
		return nil, fmt.Errorf("netsh http show iplisten: %w", ErrFormat)
	}
	return out, nil
}

// ListensHTTP reports whether HTTP.sys's IP listen list lets it listen on
// a: an empty list (or one not read) takes every address, 0.0.0.0 and ::
// every address of their family.
func (f *Facts) ListensHTTP(a netip.Addr) bool {
	if !f.IPListenRead || len(f.IPListen) == 0 {
		return true
	}
	a = a.Unmap()
	for _, l := range f.IPListen {
		if l == a || (l.IsUnspecified() && l.Is4() == a.Is4()) {
			return true
		}
	}
	return false
}
