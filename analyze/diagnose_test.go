package analyze

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slbdiag/slbdiag/decode"
)

var (
	hostMAC  = [6]byte{0x00, 0x15, 0x5d, 0x01, 0x02, 0x05}
	otherMAC = [6]byte{0x00, 0x15, 0x5d, 0x01, 0x02, 0x06}
	gwMAC    = [6]byte{0x00, 0x15, 0x5d, 0x01, 0x02, 0x01}
	other    = netip.MustParseAddrPort("10.0.0.6:443")
)

// framed puts a packet on Ethernet from src to dst MAC with a TTL.
func framed(p packet, src, dst [6]byte, ttl uint8) packet {
	p.HasMAC, p.SrcMAC, p.DstMAC, p.TTL = true, src, dst, ttl
	return p
}

// in and out are packets arriving at and leaving the host at hostMAC.
func in(p packet) packet  { return framed(p, gwMAC, hostMAC, 113) }
func out(p packet) packet { return framed(p, hostMAC, gwMAC, 128) }

// handshakeTo is a completed handshake to server through the host at mac.
func handshakeTo(at time.Duration, c, server netip.AddrPort, isn uint32, mac [6]byte) []step {
	return []step{
		{at, framed(synP(c, server, isn), gwMAC, mac, 113)},
		{at + time.Millisecond, framed(synAckP(server, c, isn, isn+5000), mac, gwMAC, 128)},
		{at + 2*time.Millisecond, framed(ackP(c, server, isn, isn+5000), gwMAC, mac, 113)},
	}
}

// dropped is a SYN sent three times, never answered.
func dropped(at time.Duration, c, server netip.AddrPort, isn uint32, mac [6]byte) []step {
	var s []step
	for _, d := range []time.Duration{0, 3 * time.Second, 9 * time.Second} {
		s = append(s, step{at + d, framed(synP(c, server, isn), gwMAC, mac, 113)})
	}
	return s
}

func steps(parts ...[]step) []step {
	var all []step
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// found is the part of a finding the table compares.
type found struct {
	Cause      Cause
	Confidence Confidence
	Server     netip.AddrPort
	HostAddr   netip.Addr
	Via        string
	Missing    []EvidenceKind
}

func diagnoseSteps(t *testing.T, vips, probeNets string, ss []step) []found {
	t.Helper()
	r := analyzeSteps(t, vips, probeNets, ss)
	var got []found
	for _, f := range r.Findings {
		got = append(got, found{f.Cause, f.Confidence, f.Server, f.HostAddr, f.Via, f.Missing})
	}
	return got
}

func analyzeSteps(t *testing.T, vips, probeNets string, ss []step) *Result {
	t.Helper()
	ports, _ := ParsePorts("443")
	cfg := Config{Ports: ports}
	if probeNets != "" {
		p, err := ParsePrefixes(probeNets)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ProbeNets = p
	}
	if vips != "" {
		v, err := ParsePrefixes(vips)
		if err != nil {
			t.Fatal(err)
		}
		cfg.VIPs = v
	}
	a := newAnalyzer(cfg, 1)
	for _, s := range ss {
		feed(a, s.p, t0.Add(s.at))
	}
	a.tr.finish(a.end)
	return a.finish(nil)
}

// TestLateHandshakesEvidence: the partial loss of handshakes completed
// after retransmission counts their retransmitted SYNs, the handshakes,
// and how long they waited from the first SYN; a TLS alert is named.
func TestLateHandshakesEvidence(t *testing.T) {
	c1 := netip.MustParseAddrPort("198.51.100.23:50001")
	c2 := netip.MustParseAddrPort("198.51.100.24:50002")
	r := analyzeSteps(t, "", "", steps(handshakeTo(0, c2, real, 1, hostMAC),
		lateHandshake(time.Second, c1, real, 100), lateHandshake(5*time.Second, c2, real, 200)))
	if len(r.Findings) != 1 {
		t.Fatalf("findings: %+v", r.Findings)
	}
	var slow *Evidence
	for i, e := range r.Findings[0].Evidence {
		if e.Kind == EvSlowCompleted {
			slow = &r.Findings[0].Evidence[i]
		}
	}
	want := Evidence{Kind: EvSlowCompleted, Count: 2, Attempts: 2, DelayMax: time.Second + time.Millisecond, DelayMean: time.Second + time.Millisecond}
	if slow == nil || slow.Count != want.Count || slow.Attempts != want.Attempts || slow.DelayMax != want.DelayMax || slow.DelayMean != want.DelayMean {
		t.Errorf("slow evidence = %+v; want %+v", slow, want)
	}

	r = analyzeSteps(t, "192.0.2.10", "", tlsAlertTo(0, c1, vip, 100, "new.example.com", 112))
	if len(r.Findings) != 1 || len(r.Findings[0].Evidence) == 0 {
		t.Fatalf("findings: %+v", r.Findings)
	}
	if e := r.Findings[0].Evidence[0]; e.Kind != EvHelloAlert || e.Count != 1 || !slices.Equal(e.Alerts, []uint8{112}) ||
		!slices.Equal(e.Names, []string{"new.example.com"}) {
		t.Errorf("alert evidence = %+v", e)
	}
}

func TestDiagnose(t *testing.T) {
	c1 := netip.MustParseAddrPort("198.51.100.23:50001")
	c2 := netip.MustParseAddrPort("198.51.100.24:50002")
	probe := netip.MustParseAddrPort("100.100.110.5:40001")
	tests := []struct {
		name  string
		vips  string
		probe string // --probe-net
		steps []step
		want  []found
	}{{
		// A host firewall dropping the VIP's SYNs looks the same: medium,
		// until the host's configuration tells.
		name:  "the seed case: SYNs to the VIP reach the host's MAC, its own address works",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), dropped(time.Second, c1, vip, 100, hostMAC)),
		want:  []found{{StrongHostReceive, Medium, vip, real.Addr(), "", []EvidenceKind{EvHostConfig}}},
	}, {
		name:  "without the MAC or the host's own address, the same SYNs are a low-confidence guess",
		steps: steps(dropped(0, c1, vip, 100, gwMAC)),
		want:  []found{{StrongHostReceive, Low, vip, netip.Addr{}, "", []EvidenceKind{EvHostMAC, EvOwnAddrWorks, EvHostConfig}}},
	}, {
		name: "SYNs to the host's own address unanswered: never the host model",
		steps: steps(dropped(0, c1, real, 100, hostMAC),
			[]step{{time.Second, out(tcp(netip.AddrPortFrom(real.Addr(), 3389), c2, flagACK, 1, 1))}}),
		want: nil,
	}, {
		name:  "a given VIP refusing with RST: nothing listens on it",
		vips:  "192.0.2.10",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), []step{{time.Second, in(synP(c1, vip, 100))}, {time.Second + time.Millisecond, out(rstP(vip, c1, 100))}}),
		want:  []found{{NoListenerOnVIP, High, vip, real.Addr(), "", nil}},
	}, {
		name:  "SYN-ACK from the host's own address to a SYN for the VIP",
		vips:  "192.0.2.10",
		steps: []step{{0, in(synP(c1, vip, 100))}, {time.Millisecond, out(synAckP(real, c1, 100, 900))}},
		want:  []found{{WeakHostSend, High, vip, real.Addr(), "", nil}},
	}, {
		name:  "some SYNs to an address answered, others not: loss, not the host model",
		steps: steps(handshakeTo(0, c2, real, 1, hostMAC), dropped(time.Second, c1, real, 100, hostMAC)),
		want:  []found{{PartialLoss, Medium, real, real.Addr(), "", nil}},
	}, {
		name: "one backend of two drops the VIP's SYNs: strong host on that backend, not loss",
		vips: "192.0.2.10",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), handshakeTo(500*time.Millisecond, c2, vip, 50, otherMAC),
			dropped(time.Second, c1, vip, 100, hostMAC)),
		want: []found{{StrongHostReceive, Medium, vip, real.Addr(), "00:15:5d:01:02:05", []EvidenceKind{EvHostConfig}}},
	}, {
		name: "an IPv6 VIP is compared with the host's IPv6 address, not its IPv4 one",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC),
			handshakeTo(time.Second, netip.MustParseAddrPort("[2001:db8:1::23]:50000"), netip.MustParseAddrPort("[2001:db8:20::5]:443"), 2, hostMAC),
			dropped(2*time.Second, netip.MustParseAddrPort("[2001:db8:1::23]:50001"), netip.MustParseAddrPort("[2001:db8:10::10]:443"), 100, hostMAC)),
		want: []found{{StrongHostReceive, Medium, netip.MustParseAddrPort("[2001:db8:10::10]:443"), netip.MustParseAddr("2001:db8:20::5"), "", []EvidenceKind{EvHostConfig}}},
	}, {
		name: "probes to the host's own address complete, clients' SYNs to it do not: filtered, not the host model",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), dropped(time.Second, c1, real, 100, hostMAC),
			handshakeTo(5*time.Second, netip.MustParseAddrPort("168.63.129.16:40002"), real, 2, hostMAC)),
		want: []found{{ClientsFiltered, High, real, real.Addr(), "", nil}},
	}, {
		name:  "a probe range given with --probe-net counts as probes",
		steps: steps(handshakeTo(0, netip.MustParseAddrPort("10.9.9.9:40000"), real, 1, hostMAC), dropped(time.Second, c1, real, 100, hostMAC)),
		probe: "10.9.9.0/24",
		want:  []found{{ClientsFiltered, High, real, real.Addr(), "", nil}},
	}, {
		name: "SYN-ACK sent, the client sends its SYN again: the reply was lost on the way back",
		steps: []step{{0, in(synP(c1, real, 100))}, {time.Millisecond, out(synAckP(real, c1, 100, 900))},
			{time.Second, in(synP(c1, real, 100))}, {time.Second + time.Millisecond, out(synAckP(real, c1, 100, 900))}},
		want: []found{{ReturnPathLost, High, real, real.Addr(), "", nil}},
	}, {
		name:  "SYN-ACK never acknowledged, no retransmission seen: return path, medium",
		steps: []step{{0, in(synP(c1, real, 100))}, {time.Millisecond, out(synAckP(real, c1, 100, 900))}, {2 * time.Second, out(synAckP(real, c1, 100, 900))}},
		want:  []found{{ReturnPathLost, Medium, real, real.Addr(), "", []EvidenceKind{EvSynAfterSynAck}}},
	}, {
		name:  "VIP given, not one SYN to it while the host's own address works: the load balancer sends nothing",
		vips:  "192.0.2.10",
		steps: handshakeTo(0, probe, real, 1, hostMAC),
		want:  []found{{NoTrafficToVIP, Medium, vip, real.Addr(), "", []EvidenceKind{EvLoadBalancerSide}}},
	}, {
		name:  "ClientHello answered by RST, every time: no certificate bound",
		vips:  "192.0.2.10",
		steps: steps(tlsTo(0, c1, vip, 100, "shop.example.com", false), tlsTo(time.Second, c2, vip, 200, "shop.example.com", false)),
		want:  []found{{TLSBindingMissing, High, vip, vip.Addr(), "", nil}},
	}, {
		name:  "one name reset, another served on the same IP:port: a binding for that name is missing",
		vips:  "192.0.2.10",
		steps: steps(tlsTo(0, c1, vip, 100, "new.example.com", false), tlsTo(time.Second, c2, vip, 200, "shop.example.com", true)),
		want:  []found{{TLSBindingMissing, High, vip, vip.Addr(), "", nil}},
	}, {
		name:  "the same name sometimes served, sometimes reset: medium",
		vips:  "192.0.2.10",
		steps: steps(tlsTo(0, c1, vip, 100, "shop.example.com", false), tlsTo(time.Second, c2, vip, 200, "shop.example.com", true)),
		want:  []found{{TLSBindingMissing, Medium, vip, vip.Addr(), "", nil}},
	}, {
		name: "the host answers ARP for the VIP from its own MAC",
		vips: "192.0.2.10",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), handshakeTo(time.Second, c1, vip, 100, hostMAC),
			[]step{{2 * time.Second, packet{Packet: decode.Packet{IsARP: true, ARPIP: vip.Addr(), ARPMAC: hostMAC}}}}),
		want: []found{{VIPAnswersARP, High, vip, real.Addr(), "", nil}},
	}, {
		name:  "the server answers the ClientHello with a fatal TLS alert: a rejected handshake",
		vips:  "192.0.2.10",
		steps: steps(tlsAlertTo(0, c1, vip, 100, "new.example.com", 112)),
		want:  []found{{TLSBindingMissing, High, vip, vip.Addr(), "", nil}},
	}, {
		name:  "handshakes that complete only after the SYN is sent again: partial loss",
		steps: steps(handshakeTo(0, c2, real, 1, hostMAC), lateHandshake(time.Second, c1, real, 100)),
		want:  []found{{PartialLoss, Medium, real, real.Addr(), "", nil}},
	}, {
		name:  "a mistyped --vip: the silent destination is diagnosed as the VIP, not no-traffic-to-vip",
		vips:  "192.0.2.11",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), dropped(time.Second, c1, vip, 100, hostMAC)),
		want:  []found{{StrongHostReceive, Medium, vip, real.Addr(), "", []EvidenceKind{EvHostConfig}}},
	}, {
		name:  "a healthy capture: no finding",
		vips:  "192.0.2.10",
		steps: steps(handshakeTo(0, probe, real, 1, hostMAC), handshakeTo(time.Second, c1, vip, 100, hostMAC)),
		want:  nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagnoseSteps(t, tt.vips, tt.probe, tt.steps)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
				cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("findings differ (-want +got):\n%s", diff)
			}
		})
	}
}

// tlsTo is a completed handshake whose client sends a ClientHello for sni;
// the server answers it with data (served) or resets the connection.
func tlsTo(at time.Duration, c, server netip.AddrPort, isn uint32, sni string, served bool) []step {
	s := handshakeTo(at, c, server, isn, hostMAC)
	hello := tcp(c, server, flagACK, isn+1, isn+5001)
	hello.Payload = helloBytes[sni]
	hello.IPLen = uint16(40 + len(hello.Payload)) // else it is a copy of the ACK before it
	s = append(s, step{at + 3*time.Millisecond, in(hello)})
	if served {
		data := tcp(server, c, flagACK, isn+5001, isn+1+uint32(len(hello.Payload)))
		data.Payload = []byte{22, 3, 3, 0, 1, 2}
		data.IPLen = 46
		return append(s, step{at + 4*time.Millisecond, out(data)})
	}
	return append(s, step{at + 4*time.Millisecond, out(tcp(server, c, flagRST|flagACK, isn+5001, isn+1+uint32(len(hello.Payload))))})
}

// tlsAlertTo is a completed handshake whose client sends a ClientHello
// for sni; the server answers it with a fatal TLS alert and a FIN.
func tlsAlertTo(at time.Duration, c, server netip.AddrPort, isn uint32, sni string, desc uint8) []step {
	s := handshakeTo(at, c, server, isn, hostMAC)
	hello := tcp(c, server, flagACK, isn+1, isn+5001)
	hello.Payload = helloBytes[sni]
	hello.IPLen = uint16(40 + len(hello.Payload))
	s = append(s, step{at + 3*time.Millisecond, in(hello)})
	alert := tcp(server, c, flagACK|flagFIN, isn+5001, isn+1+uint32(len(hello.Payload)))
	alert.Payload = []byte{21, 3, 3, 0, 2, 2, desc}
	alert.IPLen = 47
	return append(s, step{at + 4*time.Millisecond, out(alert)})
}

// lateHandshake is a handshake whose first SYN is lost: the client sends
// it again a second later and that one is answered.
func lateHandshake(at time.Duration, c, server netip.AddrPort, isn uint32) []step {
	return []step{
		{at, in(synP(c, server, isn))},
		{at + time.Second, in(synP(c, server, isn))},
		{at + time.Second + time.Millisecond, out(synAckP(server, c, isn, isn+5000))},
		{at + time.Second + 2*time.Millisecond, in(ackP(c, server, isn, isn+5000))},
	}
}

// helloBytes are real ClientHellos for the names the tests use.
var helloBytes = map[string][]byte{}

func init() {
	for _, n := range []string{"shop.example.com", "new.example.com"} {
		b, err := clientHello(n)
		if err != nil {
			panic(err)
		}
		helloBytes[n] = b
	}
}

func TestCapturePoint(t *testing.T) {
	c1 := netip.MustParseAddrPort("198.51.100.23:50001")
	routedSyn := func(at time.Duration, ttl uint8) step {
		return step{at, framed(synP(c1, real, uint32(at)), gwMAC, hostMAC, ttl)}
	}
	reply := func(at time.Duration, ttl uint8) step {
		return step{at + time.Millisecond, framed(synAckP(real, c1, uint32(at), 9), hostMAC, gwMAC, ttl)}
	}
	tests := []struct {
		name  string
		steps []step
		want  Place
	}{
		{"the server's packets unrouted, the client's routed: on the backend", []step{routedSyn(0, 113), reply(0, 128)}, PlaceBackend},
		{"the client's SYNs unrouted, the server's routed: on the client", []step{routedSyn(0, 64), reply(0, 120)}, PlaceClient},
		{"both routed: in the path", []step{routedSyn(0, 113), reply(0, 126)}, PlacePath},
		{"both unrouted: one LAN", []step{routedSyn(0, 64), reply(0, 64)}, PlaceLAN},
		{"the server silent, the SYNs routed: cannot tell", []step{routedSyn(0, 113), routedSyn(time.Second, 113)}, PlaceUnknown},
	}
	for _, tt := range tests {
		ports, _ := ParsePorts("443")
		a := newAnalyzer(Config{Ports: ports}, 1)
		for _, s := range tt.steps {
			feed(a, s.p, t0.Add(s.at))
		}
		if got := a.finish(nil).CapturePoint.Place; got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
