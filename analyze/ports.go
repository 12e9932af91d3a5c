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
	parts, err := listEntries(spec, "port list")
	if err != nil {
		return s, err
	}
	for _, part := range parts {
		if part == "any" {
			s.any = true
			continue
		}
		first, last, err := parsePortRange(part)
		if err != nil {
			return s, err
		}
		for p := first; p <= last; p++ {
			s.bits[p/64] |= 1 << (p % 64)
		}
	}
	return s, nil
}

// parsePortRange parses "443" or "8000-8100". A leading minus ("-1") is
// a port that is not one, not a range with its start missing.
func parsePortRange(part string) (first, last int, err error) {
	lo, hi, isRange := strings.Cut(part, "-")
	if !isRange || lo == "" {
		n, ok := parsePort(part)
		if !ok {
			return 0, 0, fmt.Errorf("%q is not a port (1-65535)", part)
		}
		return n, n, nil
	}
	first, okLo := parsePort(lo)
	last, okHi := parsePort(hi)
	switch {
	case !okLo || !okHi:
		return 0, 0, fmt.Errorf("%q is not a port range (FIRST-LAST, each 1-65535)", part)
	case last < first:
		return 0, 0, fmt.Errorf("port range %q runs backwards", part)
	}
	return first, last, nil
}

func parsePort(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 1 && n <= 65535
}

// Has reports whether port p is in the set.
func (s *PortSet) Has(p uint16) bool {
	return s.any || s.bits[p/64]&(1<<(p%64)) != 0
}

// String returns the list as it was given.
func (s *PortSet) String() string { return s.spec }

// Ports lists the ports in the set, in order; nil for "any".
func (s *PortSet) Ports() []uint16 {
	if s.any {
		return nil
	}
	var ports []uint16
	for i, w := range s.bits {
		for ; w != 0; w &= w - 1 {
			ports = append(ports, uint16(i*64+bits.TrailingZeros64(w)))
		}
	}
	return ports
}

// Any reports whether the set is "any" port.
func (s *PortSet) Any() bool { return s.any }

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
