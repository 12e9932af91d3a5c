package analyze

import (
	"net/netip"
	"testing"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		spec    string
		in, out []uint16
		err     string
	}{
		{spec: "443", in: []uint16{443}, out: []uint16{80, 442, 444}},
		{spec: "443, 8443", in: []uint16{443, 8443}, out: []uint16{8444}},
		{spec: "8000-8002,443", in: []uint16{8000, 8001, 8002, 443}, out: []uint16{7999, 8003}},
		{spec: "any", in: []uint16{1, 443, 65535}},
		{spec: "", err: "empty port list"},
		{spec: "0", err: `"0" is not a port (1-65535)`},
		{spec: "65536", err: `"65536" is not a port (1-65535)`},
		{spec: "https", err: `"https" is not a port (1-65535)`},
		{spec: "90-80", err: `port range "90-80" runs backwards`},
		{spec: "80-", err: `"80-" is not a port range (FIRST-LAST, each 1-65535)`},
		{spec: "80-x", err: `"80-x" is not a port range (FIRST-LAST, each 1-65535)`},
		{spec: "-1", err: `"-1" is not a port (1-65535)`},
		{spec: "-1-5", err: `"-1-5" is not a port (1-65535)`},
		{spec: "443,", err: `"443," has an empty entry: remove the stray comma`},
		{spec: "443,,8443", err: `"443,,8443" has an empty entry: remove the stray comma`},
		{spec: " ", err: "empty port list"},
	}
	for _, tt := range tests {
		s, err := ParsePorts(tt.spec)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParsePorts(%q) error = %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParsePorts(%q): %v", tt.spec, err)
		}
		for _, p := range tt.in {
			if !s.Has(p) {
				t.Errorf("ParsePorts(%q) lacks %d", tt.spec, p)
			}
		}
		for _, p := range tt.out {
			if s.Has(p) {
				t.Errorf("ParsePorts(%q) has %d", tt.spec, p)
			}
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		spec    string
		in, out []string
		err     string
	}{
		{spec: "192.0.2.10", in: []string{"192.0.2.10", "::ffff:192.0.2.10"}, out: []string{"192.0.2.11"}},
		{spec: "192.0.2.0/24,2001:db8::10", in: []string{"192.0.2.200", "2001:db8::10"}, out: []string{"2001:db8::11", "192.0.3.1"}},
		{spec: "192.0.2.7/24", in: []string{"192.0.2.1"}},
		{spec: "2001:db8::/64", in: []string{"2001:db8::1"}, out: []string{"2001:db8:0:1::1"}},
		{spec: "fe80::1%eth0", in: []string{"fe80::1"}, out: []string{"fe80::2"}},
		{spec: "vip", err: `"vip" is not an address or CIDR`},
		{spec: "10.0.0.0/33", err: `"10.0.0.0/33" is not an address or CIDR`},
		{spec: " , ", err: `" , " has an empty entry: remove the stray comma`},
		{spec: "", err: "empty address list"},
		{spec: "192.0.2.10,", err: `"192.0.2.10," has an empty entry: remove the stray comma`},
		{spec: ",192.0.2.10", err: `",192.0.2.10" has an empty entry: remove the stray comma`},
	}
	for _, tt := range tests {
		s, err := ParsePrefixes(tt.spec)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParsePrefixes(%q) error = %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParsePrefixes(%q): %v", tt.spec, err)
		}
		for _, a := range tt.in {
			if !s.Contains(netip.MustParseAddr(a)) {
				t.Errorf("ParsePrefixes(%q) lacks %s", tt.spec, a)
			}
		}
		for _, a := range tt.out {
			if s.Contains(netip.MustParseAddr(a)) {
				t.Errorf("ParsePrefixes(%q) has %s", tt.spec, a)
			}
		}
	}
}
