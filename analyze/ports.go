package analyze

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// PortSet is a set of TCP ports, tested in constant time per packet.
type PortSet struct {
	bits [65536 / 64]uint64
	any  bool
	spec string
}

// ParsePorts parses a port list such as "443", "443,8443", "8000-8100" or "any".
func ParsePorts(spec string) (PortSet, error) {
	var s PortSet
	s.spec = spec
	if strings.TrimSpace(spec) == "" {
		return s, fmt.Errorf("empty port list")
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "any" {
			s.any = true
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := parsePort(lo)
		if err != nil {
			return s, err
		}
		last := first
		if isRange {
			if last, err = parsePort(hi); err != nil {
				return s, err
			}
			if last < first {
				return s, fmt.Errorf("port range %q runs backwards", part)
			}
		}
		for p := first; p <= last; p++ {
			s.bits[p/64] |= 1 << (p % 64)
		}
	}
	return s, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port (1-65535)", s)
	}
	return n, nil
}

// Has reports whether port p is in the set.
func (s *PortSet) Has(p uint16) bool {
	return s.any || s.bits[p/64]&(1<<(p%64)) != 0
}

// String returns the list as it was given.
func (s *PortSet) String() string { return s.spec }

// Single returns the port when the set holds exactly one.
func (s *PortSet) Single() (uint16, bool) {
	if s.any {
		return 0, false
	}
	port, n := 0, 0
	for i, w := range s.bits {
		for ; w != 0; w &= w - 1 {
			n++
			port = i*64 + bits.TrailingZeros64(w)
		}
	}
	return uint16(port), n == 1
}
