package main

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// probeNets are the health-check ranges redaction keeps (DESIGN.md).
var probeNets = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("168.63.129.16/32"),
	netip.MustParsePrefix("35.191.0.0/16"), netip.MustParsePrefix("130.211.0.0/22")}

// TestRedactedTunnels runs the binary with --redact --redact-sni
// --evidence on every bundled tunnel and mirror capture, and on a TLS
// capture carried in VXLAN, in all five formats: no output and no byte of
// the evidence may hold a client address or a server name, at any depth.
// tshark, not slbdiag, says which addresses are clients (the innermost
// source of every SYN) and which names were asked for, and checks that the
// evidence parses with every checksum as right as it was in the capture.
func TestRedactedTunnels(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed")
	}
	captures := []string{"testdata/pcaps/lab-vxlan.pcap", "testdata/pcaps/mirror-erspan.pcap", "testdata/pcaps/tunnels.pcapng",
		inVXLAN(t, "testdata/pcaps/tls-binding.pcapng")}
	for _, path := range captures {
		t.Run(filepath.Base(path), func(t *testing.T) {
			clients, names := tunnelSecrets(t, tshark, path)
			if len(clients) == 0 {
				t.Fatal("tshark found no client address to look for")
			}
			outputs := map[string][]byte{}
			for _, format := range []string{"text", "markdown", "html", "json", "jsonl"} {
				for _, lang := range []string{"en", "zh"} {
					ev := filepath.Join(t.TempDir(), "E.pcapng")
					r := slbdiag(t, nil, "analyze", "--redact", "--redact-sni", "--evidence", ev, "--format", format, "--lang", lang, path)
					if r.code != 0 && r.code != 1 {
						t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
					}
					outputs[format+"/"+lang] = []byte(r.stdout + r.stderr)
					evb, err := os.ReadFile(ev)
					if err != nil {
						t.Fatal(err)
					}
					outputs["evidence of "+format+"/"+lang] = evb
					if format == "json" && lang == "en" {
						checkEvidenceSums(t, tshark, path, ev)
					}
				}
			}
			for what, b := range outputs {
				for _, c := range clients {
					if bytes.Contains(b, []byte(c.String())) || (strings.HasPrefix(what, "evidence") && bytes.Contains(b, c.AsSlice())) {
						t.Errorf("%s holds the client address %s", what, c)
					}
				}
				for _, n := range names {
					if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(n))) {
						t.Errorf("%s holds the server name %q", what, n)
					}
				}
			}
		})
	}
}

// tunnelSecrets asks tshark for the innermost source address of every SYN
// that is not a health probe, and every name a ClientHello asks for.
func tunnelSecrets(t *testing.T, tshark, path string) (clients []netip.Addr, names []string) {
	t.Helper()
	out := tsharkFields(t, tshark, path, "tcp.flags.syn==1 && tcp.flags.ack==0", "ip.src", "ipv6.src")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		src := f[0]
		if len(f) > 1 && f[1] != "" {
			src = f[1]
		}
		all := strings.Split(src, ",")
		a, err := netip.ParseAddr(all[len(all)-1])
		if err != nil {
			t.Fatalf("tshark: %q: %v", line, err)
		}
		if !slices.ContainsFunc(probeNets, func(p netip.Prefix) bool { return p.Contains(a) }) && !slices.Contains(clients, a) {
			clients = append(clients, a)
		}
	}
	for _, n := range strings.Fields(tsharkFields(t, tshark, path, "tls.handshake.type==1", "tls.handshake.extensions_server_name")) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return clients, names
}

func tsharkFields(t *testing.T, tshark, path, filter string, fields ...string) string {
	t.Helper()
	args := []string{"-r", filepath.Join("..", "..", path), "-Y", filter, "-T", "fields"}
	if filepath.IsAbs(path) {
		args[1] = path
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command(tshark, args...).Output()
	if err != nil {
		t.Fatalf("tshark %v: %v", args, err)
	}
	return string(out)
}

// checkEvidenceSums: the evidence parses, and each of its frames has the
// IP, TCP and UDP checksum statuses at every depth that the captured
// frame with its timestamp had (a checksum offload left wrong stays
// wrong; every right one stays right).
func checkEvidenceSums(t *testing.T, tshark, capture, evidence string) {
	t.Helper()
	sums := func(path string) []string {
		out := tsharkChecked(t, tshark, path)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		return lines
	}
	src := filepath.Join("..", "..", capture)
	if filepath.IsAbs(capture) {
		src = capture
	}
	want, got := sums(src), sums(evidence)
	if len(got) == 0 {
		t.Fatal("the evidence holds no frame")
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("evidence frame (time, ip, tcp, udp checksum status) %q is not one of the capture's", g)
		}
	}
}

func tsharkChecked(t *testing.T, tshark, path string) string {
	t.Helper()
	cmd := exec.Command(tshark, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "udp.checksum.status")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.Contains(stderr.String(), "appears to have been cut short") {
		t.Fatalf("tshark reading %s: %v %s", path, err, stderr.String())
	}
	return string(out)
}

// inVXLAN writes the frames of an Ethernet capture, each inside VXLAN
// between two tunnel endpoints with a UDP checksum, to a temporary pcap:
// a ClientHello whose name --redact-sni must reach through a tunnel.
func inVXLAN(t *testing.T, path string) string {
	t.Helper()
	in, err := os.Open(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	r, err := pcapgo.NewNgReader(in, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "vxlan-"+strings.TrimSuffix(filepath.Base(path), ".pcapng")+".pcap")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriterNanos(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{172, 16, 9, 1}, DstIP: net.IP{172, 16, 9, 2}}
		udp := &layers.UDP{SrcPort: 49152, DstPort: 4789}
		udp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		err = gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			&layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 9, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 9, 2}, EthernetType: layers.EthernetTypeIPv4},
			ip, udp, &layers.VXLAN{ValidIDFlag: true, VNI: 42}, gopacket.Payload(data))
		if err != nil {
			t.Fatal(err)
		}
		ci.CaptureLength, ci.Length, ci.InterfaceIndex = len(buf.Bytes()), len(buf.Bytes()), 0
		if err := w.WritePacket(ci, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	return name
}
