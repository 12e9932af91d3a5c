package capture

import (
	"net/netip"
	"testing"
)

const icmpErrs = " or arp or (icmp and (icmp[0] == 3 or icmp[0] == 11 or icmp[0] == 12))" +
	" or (icmp6 and (ip6[40] == 1 or ip6[40] == 2 or ip6[40] == 3 or ip6[40] == 4 or ip6[40] == 135 or ip6[40] == 136))"

func TestDefaultFilter(t *testing.T) {
	vips := []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32"), netip.MustParsePrefix("2001:db8::/64")}
	tests := []struct {
		vips  []netip.Prefix
		ports string
		want  string
	}{
		{nil, "443", "(tcp and (port 443))" + icmpErrs},
		{vips, "443, 8000-8100", "(tcp and (port 443 or portrange 8000-8100)) or net 192.0.2.10/32 or net 2001:db8::/64" + icmpErrs},
		{nil, "443,any", "tcp" + icmpErrs},
	}
	for _, tt := range tests {
		got := DefaultFilter(tt.vips, tt.ports)
		tt.want += " or (vlan and (" + tt.want + " or (vlan and (" + tt.want + "))))"
		if got != tt.want {
			t.Errorf("DefaultFilter(%v, %q):\n got %s\nwant %s", tt.vips, tt.ports, got, tt.want)
		}
		if !LiveAvailable {
			continue
		}
		if err := CheckFilter(got, DefaultSnaplen); err != nil {
			t.Errorf("the default filter does not compile: %v", err)
		}
	}
}
