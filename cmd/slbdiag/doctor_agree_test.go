package main

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/hostfacts"
)

// silentCauses are the causes that explain SYNs to the VIP that reach the
// host and are never answered: what a capture shows of each of them is
// the same, and only the facts tell them apart.
var silentCauses = []string{"strong-host-receive", "weak-host-send", "client-traffic-filtered", "no-listener-on-vip"}

// TestDoctorAgreesWithAnalyze runs doctor and `analyze --host-facts` over
// every sample of TestDoctorSamples, the capture being one of that host
// (its NIC's address) where SYNs to the VIP arrive and go unanswered while
// the probes' handshakes to the host's own address complete. The two must
// agree: the cause analyze names is one doctor predicts for silent SYNs;
// when doctor predicts none (OK, or a problem beside the handshake) the
// facts rule the capture's reading out and analyze is low; when doctor
// cannot tell, analyze is not high.
func TestDoctorAgreesWithAnalyze(t *testing.T) {
	const vip = "192.0.2.10"
	seen := map[string]bool{}
	for _, tc := range append(doctorSampleRows(), newSamples...) {
		if seen[tc.file] {
			continue
		}
		seen[tc.file] = true
		path := filepath.Join(hostFactsDir, tc.file)
		doc := slbdiag(t, nil, "doctor", "--vip", vip, "--format", "json", "--host-facts", path)
		var d struct {
			Verdict string `json:"verdict"`
			Checks  []struct {
				Findings []struct {
					Cause string `json:"cause"`
				} `json:"findings"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(doc.stdout), &d); err != nil || len(d.Checks) != 1 {
			t.Fatalf("%s: doctor: %v\n%s", tc.file, err, doc.stderr)
		}
		var predicted []string
		for _, f := range d.Checks[0].Findings {
			if slices.Contains(silentCauses, f.Cause) {
				predicted = append(predicted, f.Cause)
			}
		}
		host, linux := factsHost(t, path)
		pcap := filepath.Join(t.TempDir(), "capture.pcap")
		writeSilentCapture(t, pcap, host, netip.MustParseAddr(vip), linux)
		an := slbdiag(t, nil, "analyze", "--vip", vip, "--port", "443", "--format", "json", "--host-facts", path, pcap)
		var a struct {
			Findings []struct {
				Cause      string `json:"cause"`
				Confidence string `json:"confidence"`
				Server     string `json:"server"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(an.stdout), &a); err != nil || len(a.Findings) == 0 {
			t.Fatalf("%s: analyze: %v, %d findings\n%s%s", tc.file, err, len(a.Findings), an.stdout, an.stderr)
		}
		got := a.Findings[0]
		t.Logf("%s: doctor %s %v; analyze %s %s", tc.file, d.Verdict, predicted, got.Cause, got.Confidence)
		switch {
		case d.Verdict == "UNKNOWN":
			if got.Confidence == "high" {
				t.Errorf("%s: doctor cannot tell, analyze says %s at high", tc.file, got.Cause)
			}
		case len(predicted) > 0:
			if !slices.Contains(predicted, got.Cause) {
				t.Errorf("%s: doctor predicts %v, analyze names %s (%s)", tc.file, predicted, got.Cause, got.Confidence)
			}
		default:
			if got.Confidence != "low" {
				t.Errorf("%s: doctor says %s with no cause of silent SYNs, analyze names %s at %s", tc.file, d.Verdict, got.Cause, got.Confidence)
			}
		}
	}
}

// factsHost is the address a capture of the sample's host comes from:
// the IPv4 address of its receiving NIC (the first network interface up
// with one that is not the VIP), 10.0.0.5 when the facts hold none.
func factsHost(t *testing.T, path string) (netip.Addr, bool) {
	t.Helper()
	f, err := hostfacts.ReadFile(context.Background(), filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range f.Interfaces {
		if ifc.Loopback || ifc.Software || ifc.Down {
			continue
		}
		for _, p := range ifc.Addrs {
			if a := p.Addr(); a.Is4() && !a.IsLinkLocalUnicast() && a.String() != "192.0.2.10" {
				return a, f.OS == "linux"
			}
		}
	}
	return netip.MustParseAddr("10.0.0.5"), f.OS == "linux"
}

// writeSilentCapture writes a backend-side capture of host: a health
// probe's handshake to the host's own address completes, a client's SYN
// to the VIP is delivered to the host's MAC three times and never
// answered, and a second probe completes.
func writeSilentCapture(t *testing.T, name string, host, vip netip.Addr, linux bool) {
	t.Helper()
	fh, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w := pcapgo.NewWriter(fh)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	hostMAC, gwMAC := net.HardwareAddr{2, 0, 0, 0, 0, 5}, net.HardwareAddr{2, 0, 0, 0, 0, 1}
	ttl := uint8(128)
	if linux {
		ttl = 64
	}
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	probe, client := netip.MustParseAddr("100.64.1.1"), netip.MustParseAddr("198.51.100.7")
	write := func(at time.Duration, fromHost bool, src, dst netip.Addr, sport, dport uint16, seq, ack uint32, syn, ackf bool) {
		eth := &layers.Ethernet{SrcMAC: gwMAC, DstMAC: hostMAC, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 63, Protocol: layers.IPProtocolTCP, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		if fromHost {
			eth.SrcMAC, eth.DstMAC = hostMAC, gwMAC
			ip.TTL = ttl
		}
		tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, SYN: syn, ACK: ackf, Window: 64240}
		tcp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: start.Add(at), CaptureLength: len(b), Length: len(b)}, b); err != nil {
			t.Fatal(err)
		}
	}
	handshake := func(at time.Duration, port uint16) {
		write(at, false, probe, host, port, 443, 1000, 0, true, false)
		write(at+time.Millisecond, true, host, probe, 443, port, 5000, 1001, true, true)
		write(at+2*time.Millisecond, false, probe, host, port, 443, 1001, 5001, false, true)
	}
	handshake(0, 40001)
	for _, at := range []time.Duration{100 * time.Millisecond, 1100 * time.Millisecond, 3100 * time.Millisecond} {
		write(at, false, client, vip, 50001, 443, 7000, 0, true, false)
	}
	handshake(5*time.Second, 40002)
}
