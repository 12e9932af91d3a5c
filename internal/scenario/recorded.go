package scenario

import (
	"fmt"
	"net/netip"
)

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
		Name:   "lab-linux-before",
		Causes: []string{"strong-host-receive"},
		Files:  []string{"lab-linux-before.pcap"},
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
		Name:   "lab-linux-after",
		Causes: []string{},
		Files:  []string{"lab-linux-after.pcap"},
		VIP:    vipAddr,
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
	out := []built{{s: before}, {s: after}, tlsSecrets()}
	for _, more := range [][]built{labRecorded(), labPaired(), labPairs(), encapRecorded(), natRecorded()} {
		out = append(out, more...)
	}
	return out
}

// tlsSecrets is tls-binding.pcapng as Wireshark's editcap rewrites it with
// TLS keys embedded: a 2 MiB decryption-secrets block between the
// interface description and the first packet. The packets, and so what
// slbdiag must find, are tls-binding's.
func tlsSecrets() built {
	s := tlsBinding().done()
	s.Name = "tls-secrets"
	s.Files = []string{"tls-secrets.pcapng.gz"}
	s.Description = "Made from tls-binding.pcapng by editcap 4.0.17 (Debian's tshark package): " +
		"`editcap --inject-secrets tls,KEYLOG tls-binding.pcapng tls-secrets.pcapng`, KEYLOG being 12000 synthetic lines " +
		"`CLIENT_RANDOM %064x %096x` of i and i*7919 (2 MiB), then `gzip -9 -n`. The decryption-secrets block of " +
		"2 MiB before the first packet must be skipped, not refused; the findings are tls-binding's."
	for i := range s.Expect {
		s.Expect[i].File = "tls-secrets.pcapng.gz"
	}
	return built{s: s}
}

// labRecorded are captures recorded from a real Linux kernel by
// test/lab/lab.sh (client, load balancer and backend namespaces; tcpdump on
// the backend). As with recorded, the expectations were read off the files
// and are checked by TestTsharkAgrees; rerecording changes ports and ISNs,
// so update these with the new files ('test/lab/lab.sh record testdata/pcaps').
func labRecorded() []built {
	return []built{
		{
			s: Scenario{
				Name:        "lab-dsr-novip",
				Causes:      []string{"strong-host-receive"},
				Files:       []string{"lab-dsr-novip.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh (tcpdump on the backend's b0): the load balancer namespace routes the VIP 192.0.2.10/32 via the backend's address 10.2.0.2, so the frames reach the backend's MAC with the VIP as destination (layer-2 direct server return); the backend does not have the VIP, so its kernel drops the SYNs and the client retransmits them.",
				Expect: []Expect{
					{"lab-dsr-novip.pcap", ap("10.1.0.2:55034"), ap("192.0.2.10:443"), 2383354783, "unanswered", 4, 3},
					{"lab-dsr-novip.pcap", ap("10.1.0.2:56494"), ap("192.0.2.10:443"), 1661702312, "unanswered", 4, 7},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-probes",
				Causes:      []string{"strong-host-receive"},
				Files:       []string{"lab-dsr-probes.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh, the same lab as lab-dsr-novip.pcap plus health probes: the load balancer probes the backend's own address 10.2.0.2:443 from 100.100.110.1 and those handshakes complete, while the client's SYNs to the VIP 192.0.2.10 are dropped by the backend. Probes pass, clients fail.",
				Expect: []Expect{
					{"lab-dsr-probes.pcap", ap("100.100.110.1:52329"), ap("10.2.0.2:443"), 1092250783, "completed", 1, 3},
					{"lab-dsr-probes.pcap", ap("10.1.0.2:56510"), ap("192.0.2.10:443"), 3598529301, "unanswered", 4, 11},
					{"lab-dsr-probes.pcap", ap("100.100.110.1:55513"), ap("10.2.0.2:443"), 342340081, "completed", 1, 15},
					{"lab-dsr-probes.pcap", ap("10.1.0.2:56526"), ap("192.0.2.10:443"), 1514421355, "unanswered", 4, 21},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-fixed",
				Causes:      []string{},
				Files:       []string{"lab-dsr-fixed.pcap"},
				VIP:         "192.0.2.10",
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: lab-dsr-probes.pcap with the fix slbdiag prints for Linux on the backend (the VIP on lo, arp_ignore=1, arp_announce=2): probes and client connections complete, the latter answered from the VIP.",
				Expect: []Expect{
					{"lab-dsr-fixed.pcap", ap("100.100.110.1:55099"), ap("10.2.0.2:443"), 2136313030, "completed", 1, 3},
					{"lab-dsr-fixed.pcap", ap("10.1.0.2:39310"), ap("192.0.2.10:443"), 3752903873, "completed", 1, 11},
					{"lab-dsr-fixed.pcap", ap("100.100.110.1:60739"), ap("10.2.0.2:443"), 425415940, "completed", 1, 17},
					{"lab-dsr-fixed.pcap", ap("10.1.0.2:39326"), ap("192.0.2.10:443"), 1050877152, "completed", 1, 23},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-nolistener",
				Causes:      []string{"no-listener-on-vip"},
				Files:       []string{"lab-dsr-nolistener.pcap"},
				VIP:         "192.0.2.10",
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: the VIP on the backend's lo, but the service listens on the backend's own address 10.2.0.2:443 only; probes complete and the kernel refuses the client's SYNs to the VIP with RST.",
				Expect: []Expect{
					{"lab-dsr-nolistener.pcap", ap("100.100.110.1:44803"), ap("10.2.0.2:443"), 539264105, "completed", 1, 3},
					{"lab-dsr-nolistener.pcap", ap("10.1.0.2:39334"), ap("192.0.2.10:443"), 76076642, "refused", 1, 11},
					{"lab-dsr-nolistener.pcap", ap("100.100.110.1:33601"), ap("10.2.0.2:443"), 1283774493, "completed", 1, 13},
					{"lab-dsr-nolistener.pcap", ap("10.1.0.2:39350"), ap("192.0.2.10:443"), 828441973, "refused", 1, 19},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-return-lost",
				Causes:      []string{"return-path-lost"},
				Files:       []string{"lab-dsr-return-lost.pcap"},
				VIP:         "192.0.2.10",
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: the backend is fixed (VIP on lo) and answers, but the load balancer drops what the backend sends from the VIP (an ip rule blackhole on its backend side), so the SYN-ACKs never reach the client, which retransmits its SYNs; probes from the load balancer itself complete.",
				Expect: []Expect{
					{"lab-dsr-return-lost.pcap", ap("100.100.110.1:52875"), ap("10.2.0.2:443"), 2734442272, "completed", 1, 3},
					{"lab-dsr-return-lost.pcap", ap("10.1.0.2:39356"), ap("192.0.2.10:443"), 3521142833, "synack-no-ack", 4, 11},
					{"lab-dsr-return-lost.pcap", ap("100.100.110.1:40407"), ap("10.2.0.2:443"), 1790646447, "completed", 1, 20},
					{"lab-dsr-return-lost.pcap", ap("10.1.0.2:55216"), ap("192.0.2.10:443"), 174148990, "synack-no-ack", 4, 26},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr6-novip",
				Causes:      []string{"strong-host-receive"},
				Files:       []string{"lab-dsr6-novip.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: lab-dsr-novip.pcap over IPv6; the load balancer routes the VIP 2001:db8::10/128 via the backend's 2001:db8:2::2, which does not have the VIP and drops the SYNs.",
				Expect: []Expect{
					{"lab-dsr6-novip.pcap", ap("[2001:db8:1::2]:42082"), ap("[2001:db8::10]:443"), 164667451, "unanswered", 4, 1},
					{"lab-dsr6-novip.pcap", ap("[2001:db8:1::2]:42084"), ap("[2001:db8::10]:443"), 2219236035, "unanswered", 4, 5},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr6-fixed",
				Causes:      []string{},
				Files:       []string{"lab-dsr6-fixed.pcap"},
				VIP:         "2001:db8::10",
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: lab-dsr6-novip.pcap with the VIP 2001:db8::10/128 on the backend's lo: the connections complete, answered from the VIP.",
				Expect: []Expect{
					{"lab-dsr6-fixed.pcap", ap("[2001:db8:1::2]:47736"), ap("[2001:db8::10]:443"), 1219171896, "completed", 1, 1},
					{"lab-dsr6-fixed.pcap", ap("[2001:db8:1::2]:47746"), ap("[2001:db8::10]:443"), 1139498627, "completed", 1, 7},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-firewall",
				Causes:      []string{"strong-host-receive"},
				Files:       []string{"lab-dsr-firewall.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: the backend has the fix (the VIP on lo, arp_ignore=1, arp_announce=2) but a host firewall (nft, input hook) drops the clients' SYNs to the VIP; probes to the backend's own address complete. On the wire this is lab-dsr-probes.pcap again: slbdiag must name the firewall as the alternative, stay at medium confidence and say which host facts decide.",
				Expect: []Expect{
					{"lab-dsr-firewall.pcap", ap("100.100.110.1:37953"), ap("10.2.0.2:443"), 1225895173, "completed", 1, 3},
					{"lab-dsr-firewall.pcap", ap("10.1.0.2:51544"), ap("192.0.2.10:443"), 240318825, "unanswered", 4, 11},
					{"lab-dsr-firewall.pcap", ap("100.100.110.1:35967"), ap("10.2.0.2:443"), 1657405440, "completed", 1, 15},
					{"lab-dsr-firewall.pcap", ap("10.1.0.2:51554"), ap("192.0.2.10:443"), 2027888982, "unanswered", 4, 22},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-tls-alert",
				Causes:      []string{"tls-binding-missing"},
				Files:       []string{"lab-dsr-tls-alert.pcap"},
				VIP:         "192.0.2.10",
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh: the backend has the VIP on lo and a TLS service (labnet tlslisten, Go crypto/tls) with a certificate for served.example only; a ClientHello for served.example gets a ServerHello, two for unknown.example a fatal unrecognized_name alert and a close. slbdiag must read the alert as a rejected TLS handshake and name it.",
				Expect: []Expect{
					{"lab-dsr-tls-alert.pcap", ap("100.100.110.1:33329"), ap("10.2.0.2:443"), 931834676, "completed", 1, 3},
					{"lab-dsr-tls-alert.pcap", ap("10.1.0.2:53470"), ap("192.0.2.10:443"), 3322434058, "completed", 1, 11},
					{"lab-dsr-tls-alert.pcap", ap("10.1.0.2:53486"), ap("192.0.2.10:443"), 1653315287, "completed", 1, 22},
					{"lab-dsr-tls-alert.pcap", ap("10.1.0.2:53492"), ap("192.0.2.10:443"), 4203598881, "completed", 1, 32},
				},
			},
		},
		{
			s: Scenario{
				Name:        "lab-dsr-lossy",
				Causes:      []string{"partial-loss"},
				Files:       []string{"lab-dsr-lossy.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/lab.sh on the client's c0: the backend is fixed, and the load balancer drops 30% of the packets of port 443 each way at random (nft numgen, as the kernel has no netem); 20 connections all complete, several only after two or more SYN transmissions. slbdiag must report that as partial loss, with how many, how late and where.",
				Expect: []Expect{
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43660"), ap("192.0.2.10:443"), 4293508897, "completed", 1, 3},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43664"), ap("192.0.2.10:443"), 3992277135, "completed", 1, 7},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43670"), ap("192.0.2.10:443"), 4266229556, "completed", 2, 11},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43686"), ap("192.0.2.10:443"), 1443976044, "completed", 1, 29},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43694"), ap("192.0.2.10:443"), 3108813892, "completed", 2, 35},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43706"), ap("192.0.2.10:443"), 3537458118, "completed", 1, 44},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43710"), ap("192.0.2.10:443"), 4245786163, "completed", 3, 50},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:43718"), ap("192.0.2.10:443"), 767139448, "completed", 4, 61},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58478"), ap("192.0.2.10:443"), 818297558, "completed", 1, 70},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58486"), ap("192.0.2.10:443"), 3252986492, "completed", 1, 75},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58488"), ap("192.0.2.10:443"), 2238851222, "completed", 2, 80},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58502"), ap("192.0.2.10:443"), 3000267661, "completed", 2, 89},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58508"), ap("192.0.2.10:443"), 2230534032, "completed", 1, 100},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58510"), ap("192.0.2.10:443"), 32644241, "completed", 2, 106},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58520"), ap("192.0.2.10:443"), 3105516262, "completed", 2, 113},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58526"), ap("192.0.2.10:443"), 735333690, "completed", 1, 124},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58538"), ap("192.0.2.10:443"), 3378675027, "completed", 1, 130},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58552"), ap("192.0.2.10:443"), 1357487291, "completed", 1, 134},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58568"), ap("192.0.2.10:443"), 1017561289, "completed", 1, 139},
					{"lab-dsr-lossy.pcap", ap("10.1.0.2:58576"), ap("192.0.2.10:443"), 1698332780, "completed", 2, 143},
				},
			},
		},
	}
}

// labPaired are the lab's scenarios recorded at the client's c0 and the
// backend's b0 at once ('test/lab/lab.sh record testdata/pcaps
// dsr-lb-blackhole dsr6-lb-blackhole'), each replayed as the pair and the
// backend's capture alone. As with labRecorded, the expectations were read
// off the files with tshark and are checked by TestTsharkAgrees.
func labPaired() []built {
	probe := func(port uint16) netip.AddrPort {
		return netip.AddrPortFrom(netip.MustParseAddr("100.100.110.1"), port)
	}
	own := ap("10.2.0.2:443")
	const (
		c4, b4 = "lab-dsr-lb-blackhole-client.pcap", "lab-dsr-lb-blackhole-backend.pcap"
		c6, b6 = "lab-dsr6-lb-blackhole-client.pcap", "lab-dsr6-lb-blackhole-backend.pcap"
	)
	const story = "the load balancer's route to the VIP %s is a blackhole (`ip route replace blackhole`), so it drops the " +
		"client's SYNs without an ICMP error, while its health probes from 100.100.110.1 to the backend's own address " +
		"10.2.0.2:443 complete."
	pair4 := Scenario{
		Name:   "lab-dsr-lb-blackhole",
		Causes: []string{"no-traffic-to-vip"},
		Files:  []string{c4, b4},
		Description: "Recorded from Linux 6.18 by test/lab/lab.sh with tcpdump on the client's c0 and the backend's b0 at once: " +
			fmt.Sprintf(story, "192.0.2.10/32") + " The client's capture holds its retransmitted SYNs to 192.0.2.10:443, the " +
			"backend's only the probes. Read together, slbdiag must say the SYNs died before the backend (between the client " +
			"and the load balancer, or at it) and give no fix for the host.",
		Expect: []Expect{
			{b4, probe(36263), own, 4075846247, "completed", 1, 3},
			{c4, ap("10.1.0.2:52846"), ap("192.0.2.10:443"), 4002067256, "unanswered", 4, 3},
			{b4, probe(50345), own, 1893758039, "completed", 1, 12},
			{c4, ap("10.1.0.2:52854"), ap("192.0.2.10:443"), 705321074, "unanswered", 4, 7},
		},
	}
	pair6 := Scenario{
		Name:   "lab-dsr6-lb-blackhole",
		Causes: []string{"no-traffic-to-vip"},
		Files:  []string{c6, b6},
		Description: "Recorded from Linux 6.18 by test/lab/lab.sh, lab-dsr-lb-blackhole over IPv6: " +
			fmt.Sprintf(story, "2001:db8::10/128") + " The client's capture holds its retransmitted SYNs to " +
			"[2001:db8::10]:443, the backend's only the probes (over IPv4).",
		Expect: []Expect{
			{b6, probe(56289), own, 3880791973, "completed", 1, 3},
			{c6, ap("[2001:db8:1::2]:55612"), ap("[2001:db8::10]:443"), 2365652697, "unanswered", 4, 1},
			{b6, probe(34129), own, 1904325329, "completed", 1, 11},
			{c6, ap("[2001:db8:1::2]:55622"), ap("[2001:db8::10]:443"), 3623523130, "unanswered", 4, 5},
		},
	}
	alone := func(pair Scenario, vip, backend string) Scenario {
		s := pair
		s.Name, s.VIP, s.Files = pair.Name+"-backend", vip, []string{backend}
		s.Description = "The backend's side of " + pair.Name + " alone, replayed with the VIP given: not one SYN to it."
		s.Expect = nil
		for _, e := range pair.Expect {
			if e.File == backend {
				s.Expect = append(s.Expect, e)
			}
		}
		return s
	}
	return []built{{s: pair4}, {s: alone(pair4, "192.0.2.10", b4)}, {s: pair6}, {s: alone(pair6, "2001:db8::10", b6)}}
}

// labPairs are the scenarios of labRecorded recorded again, at the
// client's c0 and the backend's b0 at once ('PAIR=1 test/lab/lab.sh record
// testdata/pcaps SCENARIO...'), replayed together: read as a pair, each must
// give the scenario's cause, as its backend's capture does alone
// (TestPairsAlone). Expectations as in labRecorded, in the file each
// attempt's first SYN is in; its SYNs are those that capture saw.
func labPairs() []built {
	const cli, be = "client", "backend"
	paired := func(name, vip string, causes []string, expect []Expect) built {
		files := []string{"lab-" + name + "-client.pcap", "lab-" + name + "-backend.pcap"}
		for i := range expect {
			expect[i].File = "lab-" + name + "-" + expect[i].File + ".pcap"
		}
		return built{s: Scenario{
			Name: "lab-" + name + "-pair", Causes: causes, Files: files, VIP: vip, Expect: expect,
			Description: "Recorded from Linux 6.18 by `PAIR=1 test/lab/lab.sh record`: the lab's " + name + " scenario " +
				"(see lab-" + name + ") captured with tcpdump on the client's c0 and the backend's b0 at once. Read " +
				"together, the two captures must give the scenario's cause; the backend's alone must too.",
		}}
	}
	return []built{
		paired("dsr-novip", "", []string{"strong-host-receive"}, []Expect{
			{cli, ap("10.1.0.2:54886"), ap("192.0.2.10:443"), 1283371970, "unanswered", 4, 3},
			{cli, ap("10.1.0.2:54900"), ap("192.0.2.10:443"), 1220424623, "unanswered", 4, 7},
		}),
		paired("dsr-probes", "", []string{"strong-host-receive"}, []Expect{
			{be, ap("100.100.110.1:35849"), ap("10.2.0.2:443"), 12015379, "completed", 1, 3},
			{cli, ap("10.1.0.2:38228"), ap("192.0.2.10:443"), 1294145136, "unanswered", 4, 3},
			{be, ap("100.100.110.1:39991"), ap("10.2.0.2:443"), 1192821983, "completed", 1, 15},
			{cli, ap("10.1.0.2:38246"), ap("192.0.2.10:443"), 634823856, "unanswered", 4, 7},
		}),
		paired("dsr-fixed", "192.0.2.10", []string{}, []Expect{
			{be, ap("100.100.110.1:45781"), ap("10.2.0.2:443"), 1665899226, "completed", 1, 3},
			{cli, ap("10.1.0.2:44780"), ap("192.0.2.10:443"), 4173858178, "completed", 1, 3},
			{be, ap("100.100.110.1:40911"), ap("10.2.0.2:443"), 400433416, "completed", 1, 17},
			{cli, ap("10.1.0.2:44792"), ap("192.0.2.10:443"), 1627803893, "completed", 1, 9},
		}),
		paired("dsr-nolistener", "192.0.2.10", []string{"no-listener-on-vip"}, []Expect{
			{be, ap("100.100.110.1:58011"), ap("10.2.0.2:443"), 939675471, "completed", 1, 3},
			{cli, ap("10.1.0.2:44796"), ap("192.0.2.10:443"), 3954730249, "refused", 1, 3},
			{be, ap("100.100.110.1:58241"), ap("10.2.0.2:443"), 3447328150, "completed", 1, 14},
			{cli, ap("10.1.0.2:44812"), ap("192.0.2.10:443"), 3121300985, "refused", 1, 5},
		}),
		paired("dsr-return-lost", "192.0.2.10", []string{"return-path-lost"}, []Expect{
			{be, ap("100.100.110.1:44765"), ap("10.2.0.2:443"), 4170698057, "completed", 1, 3},
			{cli, ap("10.1.0.2:42260"), ap("192.0.2.10:443"), 1932691419, "synack-no-ack", 4, 3},
			{be, ap("100.100.110.1:44749"), ap("10.2.0.2:443"), 442997999, "completed", 1, 20},
			{cli, ap("10.1.0.2:42266"), ap("192.0.2.10:443"), 6631865, "synack-no-ack", 4, 7},
		}),
		paired("dsr6-novip", "", []string{"strong-host-receive"}, []Expect{
			{cli, ap("[2001:db8:1::2]:44224"), ap("[2001:db8::10]:443"), 82997251, "unanswered", 4, 1},
			{cli, ap("[2001:db8:1::2]:55186"), ap("[2001:db8::10]:443"), 837481824, "unanswered", 4, 5},
		}),
		paired("dsr6-fixed", "2001:db8::10", []string{}, []Expect{
			{cli, ap("[2001:db8:1::2]:55200"), ap("[2001:db8::10]:443"), 3212236669, "completed", 1, 1},
			{cli, ap("[2001:db8:1::2]:55214"), ap("[2001:db8::10]:443"), 4262214152, "completed", 1, 7},
		}),
		paired("dsr-firewall", "", []string{"strong-host-receive"}, []Expect{
			{be, ap("100.100.110.1:38943"), ap("10.2.0.2:443"), 2197038063, "completed", 1, 3},
			{cli, ap("10.1.0.2:46904"), ap("192.0.2.10:443"), 283307521, "unanswered", 4, 3},
			{be, ap("100.100.110.1:37059"), ap("10.2.0.2:443"), 3756872484, "completed", 1, 15},
			{cli, ap("10.1.0.2:46912"), ap("192.0.2.10:443"), 3640916012, "unanswered", 4, 7},
		}),
		paired("dsr-tls-alert", "192.0.2.10", []string{"tls-binding-missing"}, []Expect{
			{be, ap("100.100.110.1:56015"), ap("10.2.0.2:443"), 1430118120, "completed", 1, 3},
			{cli, ap("10.1.0.2:44976"), ap("192.0.2.10:443"), 871546101, "completed", 1, 3},
			{cli, ap("10.1.0.2:44986"), ap("192.0.2.10:443"), 1438245995, "completed", 1, 14},
			{cli, ap("10.1.0.2:44992"), ap("192.0.2.10:443"), 1029128450, "completed", 1, 24},
		}),
		paired("dsr-lossy", "", []string{"partial-loss"}, []Expect{
			{cli, ap("10.1.0.2:45036"), ap("192.0.2.10:443"), 3608090630, "completed", 6, 3},
			{cli, ap("10.1.0.2:45124"), ap("192.0.2.10:443"), 1753191088, "completed", 2, 12},
			{cli, ap("10.1.0.2:45140"), ap("192.0.2.10:443"), 951237458, "completed", 1, 23},
			{cli, ap("10.1.0.2:45146"), ap("192.0.2.10:443"), 2883221402, "completed", 1, 27},
			{cli, ap("10.1.0.2:45150"), ap("192.0.2.10:443"), 3493416690, "completed", 3, 31},
			{cli, ap("10.1.0.2:40032"), ap("192.0.2.10:443"), 3120943316, "completed", 2, 50},
			{cli, ap("10.1.0.2:40070"), ap("192.0.2.10:443"), 352092494, "completed", 2, 57},
			{cli, ap("10.1.0.2:40086"), ap("192.0.2.10:443"), 3534353107, "completed", 2, 69},
			{cli, ap("10.1.0.2:40100"), ap("192.0.2.10:443"), 153979136, "completed", 1, 79},
			{cli, ap("10.1.0.2:40108"), ap("192.0.2.10:443"), 4081729077, "completed", 2, 85},
			{cli, ap("10.1.0.2:40132"), ap("192.0.2.10:443"), 466174483, "completed", 1, 92},
			{cli, ap("10.1.0.2:40146"), ap("192.0.2.10:443"), 3761865569, "completed", 1, 96},
			{cli, ap("10.1.0.2:40162"), ap("192.0.2.10:443"), 593075027, "completed", 1, 100},
			{cli, ap("10.1.0.2:40174"), ap("192.0.2.10:443"), 1612367250, "completed", 1, 106},
			{cli, ap("10.1.0.2:40188"), ap("192.0.2.10:443"), 843868901, "completed", 1, 112},
			{cli, ap("10.1.0.2:40190"), ap("192.0.2.10:443"), 3447144462, "completed", 1, 118},
			{cli, ap("10.1.0.2:40202"), ap("192.0.2.10:443"), 3203545885, "completed", 1, 124},
			{cli, ap("10.1.0.2:40212"), ap("192.0.2.10:443"), 3066580119, "completed", 2, 129},
			{cli, ap("10.1.0.2:40226"), ap("192.0.2.10:443"), 3931140194, "completed", 3, 157},
			{cli, ap("10.1.0.2:40292"), ap("192.0.2.10:443"), 2683658501, "completed", 1, 166},
		}),
	}
}

// encapRecorded are captures recorded from a real Linux kernel by
// test/lab/encap.sh and test/lab/frag.sh. As with recorded, the
// expectations were read off the files with tshark and are checked by
// TestTsharkAgrees; rerecording changes ports and ISNs, so update these
// with the new files.
func encapRecorded() []built {
	vx := func(port uint16) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr("10.20.0.1"), port) }
	own, v := ap("10.20.0.2:443"), ap("192.0.2.10:443")
	c4 := func(port uint16) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr("10.40.0.9"), port) }
	c6 := func(port uint16) netip.AddrPort {
		return netip.AddrPortFrom(netip.MustParseAddr("2001:db8:40::9"), port)
	}
	return []built{
		{
			s: Scenario{
				Name:   "lab-vxlan",
				Causes: []string{"strong-host-receive"},
				Files:  []string{"lab-vxlan.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/encap.sh (tcpdump on the underlay between two namespaces, so " +
					"every frame is inside VXLAN, UDP 4789, between 172.16.0.1 and 172.16.0.2): the client routes the VIP " +
					"192.0.2.10 into the tunnel to the backend's MAC, the backend does not have it and drops the SYNs, while " +
					"connections to its own 10.20.0.2:443 complete. slbdiag must unwrap VXLAN, judge the inner frames and " +
					"name the tunnel and both endpoints.",
				Expect: []Expect{
					{"lab-vxlan.pcap", vx(49400), own, 3929049594, "completed", 1, 1},
					{"lab-vxlan.pcap", vx(58014), v, 1173730247, "unanswered", 4, 7},
					{"lab-vxlan.pcap", vx(49996), own, 2033961610, "completed", 1, 11},
					{"lab-vxlan.pcap", vx(56138), v, 3935855292, "unanswered", 4, 17},
				},
			},
		},
		{
			s: Scenario{
				Name:   "lab-tfo",
				Causes: []string{},
				Files:  []string{"lab-tfo.pcap"},
				Description: "Recorded from Linux 6.18 by `test/lab/frag.sh record-tfo` (tcpdump on the server's interface): TCP Fast " +
					"Open from the kernels' own sockets (client net.ipv4.tcp_fastopen=5, server 0x602). The first SYN carries " +
					"100 bytes and the SYN-ACK acknowledges ISN+101; the second carries 400 bytes and is fragmented by a " +
					"router with an MTU of 300 on the way (the first fragment holds the TCP header and the start of the data), and its " +
					"SYN-ACK acknowledges ISN+401. Both handshakes complete (the server then resets: nothing listens to " +
					"the data); slbdiag must match each SYN-ACK to its SYN, the fragmented one at the frame that completes it.",
				Expect: []Expect{
					{"lab-tfo.pcap", ap("10.41.0.1:39912"), ap("10.42.0.2:443"), 4077412220, "completed", 1, 1},
					{"lab-tfo.pcap", ap("10.41.0.1:39916"), ap("10.42.0.2:443"), 397497872, "completed", 1, 6},
				},
			},
		},
		{
			s: Scenario{
				Name:   "lab-fragments",
				Causes: []string{"strong-host-receive"},
				Files:  []string{"lab-fragments.pcap"},
				Description: "Recorded from Linux 6.18 by test/lab/frag.sh (tcpdump on the server's interface): SYNs sent in IP " +
					"fragments by test/lab/labnet fragsyn, 24 bytes of the TCP header in the first one: to the server's " +
					"10.40.0.2:443 (its kernel reassembles and answers: completed), to the VIP 192.0.2.10, which it does not " +
					"have (unanswered), over IPv6 with a fragment header (completed) and as an IPv6 atomic fragment (offset 0, " +
					"no more fragments: a whole packet, completed). slbdiag reassembles the fragments and numbers a fragmented " +
					"SYN by the frame that completes it, as tshark does.",
				Expect: []Expect{
					{"lab-fragments.pcap", c4(59642), ap("10.40.0.2:443"), 2100087830, "completed", 1, 2},
					{"lab-fragments.pcap", c4(56985), v, 1942127434, "unanswered", 1, 8},
					{"lab-fragments.pcap", c6(36684), ap("[2001:db8:40::2]:443"), 1985535339, "completed", 1, 10},
					{"lab-fragments.pcap", c6(37679), ap("[2001:db8:40::2]:443"), 1680536185, "completed", 1, 15},
				},
			},
		},
		{
			s: Scenario{
				Name:   "lab-fragments-split",
				Causes: []string{},
				Files:  []string{"lab-fragments-split.pcap"},
				Description: "Recorded from Linux 6.18 by `test/lab/frag.sh record-split` (tcpdump on the server's interface): a SYN " +
					"whose TCP header itself is split, the first fragment holding 8 bytes of it (ports and sequence number, " +
					"no flags): the server's kernel reassembles and answers (completed, numbered by the second fragment, " +
					"frame 2). Then a first fragment whose second never comes (frame 7): never a SYN, not an attempt.",
				Expect: []Expect{
					{"lab-fragments-split.pcap", c4(44536), ap("10.40.0.2:443"), 660002242, "completed", 1, 2},
				},
			},
		},
	}
}
