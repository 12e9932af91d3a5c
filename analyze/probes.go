package analyze

import "net/netip"

// DefaultProbeNets are the source ranges of cloud load balancers' health
// probes (DESIGN.md): Alibaba Cloud SLB 100.64.0.0/10, Azure
// 168.63.129.16, Google Cloud 35.191.0.0/16 and 130.211.0.0/22.
var DefaultProbeNets = PrefixSet{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("168.63.129.16/32"),
	netip.MustParsePrefix("35.191.0.0/16"),
	netip.MustParsePrefix("130.211.0.0/22"),
}

// probeNets is the known probe ranges plus those given with --probe-net.
func probeNets(extra PrefixSet) PrefixSet {
	return append(append(PrefixSet(nil), DefaultProbeNets...), extra...)
}
