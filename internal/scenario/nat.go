package scenario

// natRecorded is a capture recorded from a real kernel by test/lab/nat.sh:
// one capture that holds both sides of a NAT load balancer, so that each
// client SYN appears twice, with the same client port and ISN, to the VIP
// and to the backend. As with labRecorded, the expectations were read off
// the file and are checked by TestTsharkAgrees.
func natRecorded() []built {
	const f = "lab-nat-both-sides.pcap"
	return []built{{s: Scenario{
		Name:   "lab-nat-both-sides",
		Causes: []string{},
		Files:  []string{f},
		Description: "Recorded from Linux 6.18 by `test/lab/nat.sh record` (tcpdump on the bridge that joins the client, " +
			"a one-armed load balancer and the backend): the load balancer rewrites SYNs to the VIP 192.0.2.10:443 " +
			"(2001:db8::10) to the backend's 10.2.0.2 (2001:db8:2::2) with nft dnat, so each connection appears twice, " +
			"the same client port and ISN to the VIP and to the backend, and each SYN-ACK twice, from the backend and, " +
			"rewritten back, from the VIP. All four handshakes complete: each SYN-ACK answers the SYN sent to its source.",
		Expect: []Expect{
			{f, ap("10.1.0.2:48594"), ap("192.0.2.10:443"), 2477129883, "completed", 1, 1},
			{f, ap("10.1.0.2:48594"), ap("10.2.0.2:443"), 2477129883, "completed", 1, 2},
			{f, ap("[2001:db8:1::2]:39856"), ap("[2001:db8::10]:443"), 1841279842, "completed", 1, 13},
			{f, ap("[2001:db8:1::2]:39856"), ap("[2001:db8:2::2]:443"), 1841279842, "completed", 1, 14},
		},
	}}}
}
