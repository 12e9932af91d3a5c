package scenario

import "net/netip"

// recorded are captures recorded from a real kernel by
// testdata/lab/record-linux-dsr.sh, not generated. What they must give
// was read off them with tshark (TestTsharkAgrees checks it still holds)
// and is written here by hand: rerecording changes ports and ISNs, so
// update these with the new files.
func recorded() []built {
	cl := func(port uint16) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr("10.0.0.23"), port) }
	own := ap("10.0.0.8:443")
	v := ap("192.0.2.10:443")
	before := Scenario{
		Name:  "lab-linux-before",
		Files: []string{"lab-linux-before.pcap"},
		Description: "Recorded from Linux 6.18 in two network namespaces by testdata/lab/record-linux-dsr.sh " +
			"(tcpdump on the backend's veth): the client routes the VIP 192.0.2.10 to the backend's MAC as a " +
			"direct-server-return load balancer would; the backend does not have the VIP, so its kernel drops those " +
			"SYNs and the client retransmits them, while connections to the backend's own address 10.0.0.8:443 complete.",
		Expect: []Expect{
			{"lab-linux-before.pcap", cl(59886), own, 2003514981, "completed", 1, 1},
			{"lab-linux-before.pcap", cl(33352), v, 2946108755, "unanswered", 4, 8},
			{"lab-linux-before.pcap", cl(37280), own, 2504766437, "completed", 1, 12},
			{"lab-linux-before.pcap", cl(36952), v, 1371172720, "unanswered", 4, 18},
		},
	}
	after := Scenario{
		Name:  "lab-linux-after",
		Files: []string{"lab-linux-after.pcap"},
		VIP:   vipAddr,
		Description: "Recorded right after lab-linux-before.pcap, by the same script, once the backend had the fix " +
			"slbdiag prints for Linux (the VIP on lo, arp_ignore=1, arp_announce=2): the same connections complete, " +
			"those through the VIP answered from the VIP.",
		Expect: []Expect{
			{"lab-linux-after.pcap", cl(37290), own, 2720936778, "completed", 1, 1},
			{"lab-linux-after.pcap", cl(36962), v, 1881319950, "completed", 1, 7},
			{"lab-linux-after.pcap", cl(37298), own, 290350674, "completed", 1, 13},
			{"lab-linux-after.pcap", cl(36974), v, 894941839, "completed", 1, 19},
		},
	}
	return []built{{s: before}, {s: after}}
}
