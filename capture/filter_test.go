package capture

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const icmpErrs = " or arp or (icmp and (icmp[0] == 3 or icmp[0] == 11 or icmp[0] == 12))" +
	" or (icmp6 and (ip6[40] == 1 or ip6[40] == 2 or ip6[40] == 3 or ip6[40] == 4 or ip6[40] == 135 or ip6[40] == 136))"

// portList is the ports first..last, every step-th.
func portList(first, last, step int) []uint16 {
	var ps []uint16
	for p := first; p <= last; p += step {
		ps = append(ps, uint16(p))
	}
	return ps
}

func TestDefaultFilter(t *testing.T) {
	vips := []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32"), netip.MustParsePrefix("2001:db8::/64")}
	var manyVIPs []netip.Prefix
	for i := range 17 {
		manyVIPs = append(manyVIPs, netip.MustParsePrefix(fmt.Sprintf("192.0.2.%d/32", i+1)))
	}
	tests := []struct {
		vips  []netip.Prefix
		ports []uint16
		want  string
	}{
		{nil, []uint16{443}, "(tcp and (port 443))" + icmpErrs},
		{vips, append([]uint16{443}, portList(8000, 8100, 1)...), "(tcp and (port 443 or portrange 8000-8100)) or net 192.0.2.10/32 or net 2001:db8::/64" + icmpErrs},
		{nil, nil, "tcp" + icmpErrs}, // any
		// Adjacent ports are one range, however they were given.
		{nil, []uint16{80, 81, 82, 443, 8443, 8444}, "(tcp and (portrange 80-82 or port 443 or portrange 8443-8444))" + icmpErrs},
		{nil, []uint16{1, 65535}, "(tcp and (port 1 or port 65535))" + icmpErrs},
		{nil, portList(1, 65535, 1), "(tcp and (portrange 1-65535))" + icmpErrs},
		// 16 terms are kept; 17 or 300 (which took libpcap 26 s) are all of TCP.
		{nil, portList(1000, 1030, 2), "(tcp and (port 1000 or port 1002 or port 1004 or port 1006 or port 1008 or port 1010 or port 1012 or port 1014" +
			" or port 1016 or port 1018 or port 1020 or port 1022 or port 1024 or port 1026 or port 1028 or port 1030))" + icmpErrs},
		{nil, portList(1000, 1032, 2), "tcp" + icmpErrs},
		{nil, portList(1000, 1598, 2), "tcp" + icmpErrs},
		{manyVIPs, []uint16{443}, "(tcp and (port 443))" + icmpErrs},
	}
	for _, tt := range tests {
		got := DefaultFilter(tt.vips, tt.ports)
		tt.want += " or (vlan and (" + tt.want + " or (vlan and (" + tt.want + "))))"
		if got != tt.want {
			t.Errorf("DefaultFilter(%v, %v):\n got %s\nwant %s", tt.vips, tt.ports, got, tt.want)
		}
		if err := checkFilterSize(got); err != nil {
			t.Errorf("the default filter is past the bounds of -f: %v", err)
		}
		if !LiveAvailable {
			continue
		}
		start := time.Now()
		if err := CheckFilter(got, DefaultSnaplen); err != nil {
			t.Errorf("the default filter does not compile: %v", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("the default filter for %d ports and %d VIPs took %v to compile", len(tt.ports), len(tt.vips), took)
		}
	}
}

// The largest default filter (16 port terms, 16 IPv6 VIPs) stays inside
// the bounds a -f filter has, and compiles fast.
func TestDefaultFilterLargest(t *testing.T) {
	var vips []netip.Prefix
	for i := range 16 {
		vips = append(vips, netip.MustParsePrefix(fmt.Sprintf("2001:db8:ffff:ffff:ffff:ffff:ffff:%x/128", 0xff00+i)))
	}
	f := DefaultFilter(vips, portList(10000, 10030, 2))
	if err := checkFilterSize(f); err != nil {
		t.Fatal(err)
	}
	if LiveAvailable {
		start := time.Now()
		if err := CheckFilter(f, DefaultSnaplen); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("took %v to compile", took)
		}
	}
}

func TestFilterTerms(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   int
	}{
		{"tcp", 1},
		{"tcp port 443", 1},
		{"tcp and port 443", 2},
		{"host 10.0.0.1 or host 10.0.0.2 and not port 22", 3},
		{"port 1||port 2&&port 3", 3},
		{"(port 1)or(port 2)", 2},
		{"host android and host oracle", 2}, // words holding and/or are not operators
		{strings.Repeat("port 1 or ", 3000) + "port 2", 3001},
	} {
		if got := filterTerms(tc.filter); got != tc.want {
			t.Errorf("filterTerms(%q) = %d, want %d", tc.filter, got, tc.want)
		}
	}
}

// A filter past the bounds is refused before libpcap sees it, with an
// error that says the bound: 3,000 'port N' terms sat in libpcap's
// optimizer for over ten minutes.
func TestFilterBounds(t *testing.T) {
	var ports []string
	for i := range 3000 {
		ports = append(ports, fmt.Sprint("port ", i+1))
	}
	for _, tc := range []struct {
		filter string
		want   string
	}{
		{strings.Join(ports, " or "), "the most is 8192"},
		{strings.Join(ports[:201], " or "), "201 terms joined by and/or, the most is 200"},
		{"host " + strings.Repeat("a", 9000), "9005 bytes long, the most is 8192"},
	} {
		start := time.Now()
		err := CheckFilter(tc.filter, DefaultSnaplen)
		if !LiveAvailable {
			err = checkFilterSize(tc.filter)
		}
		if !errors.Is(err, ErrFilterTooBig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40q…: error %v, want ErrFilterTooBig saying %q", tc.filter, err, tc.want)
		}
		if took := time.Since(start); took > 100*time.Millisecond {
			t.Errorf("%.40q…: refused after %v, want at once", tc.filter, took)
		}
	}
	if err := checkFilterSize(strings.Join(ports[:200], " or ")); err != nil {
		t.Errorf("200 terms: %v, want accepted", err)
	}
}

// A compile that takes too long, or that a stop interrupts, is left
// behind: the caller gets its answer at once.
func TestCompileWithin(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	slow := func() error { <-block; return nil }
	start := time.Now()
	abandoned, err := compileWithin(t.Context(), 50*time.Millisecond, slow)
	if !abandoned || !errors.Is(err, ErrFilterTooBig) || !strings.Contains(err.Error(), "took longer than 50ms") {
		t.Errorf("slow compile: abandoned %v, error %v", abandoned, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("returned after %v", took)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if abandoned, err := compileWithin(ctx, time.Hour, slow); !abandoned || !errors.Is(err, context.Canceled) {
		t.Errorf("stopped compile: abandoned %v, error %v", abandoned, err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	quick := func() error { time.Sleep(50 * time.Millisecond); return nil }
	if abandoned, err := compileWithin(ctx, time.Hour, quick); abandoned || err != nil {
		t.Errorf("compile past a deadline: abandoned %v, error %v; want it waited for", abandoned, err)
	}
	want := errors.New("syntax error")
	if abandoned, err := compileWithin(t.Context(), time.Hour, func() error { return want }); abandoned || err != want {
		t.Errorf("quick compile: abandoned %v, error %v", abandoned, err)
	}
}
