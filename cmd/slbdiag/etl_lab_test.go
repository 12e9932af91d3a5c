package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/internal/etlwrite"
)

// pcapToETL writes the frames of an Ethernet pcap as an .etl of the given
// style: netsh fragments on interface index 7, or pktmon events of one
// component, each frame in as many fragments as its number says.
func pcapToETL(t *testing.T, pcap string, style etlwrite.Style) string {
	t.Helper()
	f, err := os.Open(pcap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("%s is not Ethernet", pcap)
	}
	var out bytes.Buffer
	var w *etlwrite.Writer
	for n := 1; ; n++ {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if w == nil {
			if w, err = etlwrite.New(&out, style, etlwrite.Options{Start: ci.Timestamp, Processors: 2}); err != nil {
				t.Fatal(err)
			}
			if style == etlwrite.PktMon {
				if err := w.Component(1, 3, "e1i63x64.sys", "Intel(R) 82574L", 7); err != nil {
					t.Fatal(err)
				}
			}
		}
		p := etlwrite.Packet{Time: ci.Timestamp, Data: data, Length: ci.Length, IfIndex: 7, Fragments: n%3 + 1,
			Component: 1, Edge: 1, Dir: etlwrite.Rx, Type: etlwrite.TypeEthernet}
		if err := w.Packet(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "lab.etl")
	if err := os.WriteFile(name, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestBinaryETLLab writes lab scenarios' captures as netsh and pktmon
// traces: analyze reports on the trace what it reports on the pcap, frame
// numbers and timestamps included.
func TestBinaryETLLab(t *testing.T) {
	for _, lab := range []string{"lab-dsr-novip.pcap", "lab-dsr-lossy.pcap", "lab-dsr-nolistener.pcap", "lab-dsr-return-lost.pcap"} {
		for _, style := range []etlwrite.Style{etlwrite.Netsh, etlwrite.PktMon} {
			t.Run(lab, func(t *testing.T) {
				pcap := filepath.Join("..", "..", "testdata", "pcaps", lab)
				trace, _ := filepath.Abs(pcapToETL(t, pcap, style))
				want := slbdiag(t, nil, "analyze", "--format", "json", "testdata/pcaps/"+lab)
				got := slbdiag(t, nil, "analyze", "--format", "json", trace)
				if got.code != want.code {
					t.Errorf("exit %d, the pcap's %d; stderr:\n%s", got.code, want.code, got.stderr)
				}
				// The reports name their input: the same name for both.
				body := strings.ReplaceAll(got.stdout, trace, "testdata/pcaps/"+lab)
				if diff := cmp.Diff(reportBody(t, want.stdout), reportBody(t, body)); diff != "" {
					t.Errorf("report (-pcap +etl):\n%s", diff)
				}
			})
		}
	}
}

// reportBody is a JSON report without its inputs, which name the file
// and its format.
func reportBody(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v in %.200q", err, out)
	}
	delete(m, "inputs")
	return m
}

// TestBinaryConvertWrittenETL converts lab captures written as both kinds
// of trace back to pcapng: tshark sees the same TCP packets in it as in
// the pcap, in the same order, at the same times.
func TestBinaryConvertWrittenETL(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("no tshark")
	}
	tcp := func(file string) string {
		t.Helper()
		out, err := exec.Command("tshark", "-r", file, "-Y", "tcp", "-o", "tcp.relative_sequence_numbers:FALSE", "-T", "fields",
			"-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.seq_raw").Output()
		if err != nil {
			t.Fatalf("tshark %s: %v", file, err)
		}
		return string(out)
	}
	for _, lab := range []string{"lab-dsr-lossy.pcap", "lab-dsr-tls-alert.pcap"} {
		pcap := filepath.Join("..", "..", "testdata", "pcaps", lab)
		want := tcp(pcap)
		if strings.Count(want, "\n") < 10 {
			t.Fatalf("%s: tshark sees too little TCP:\n%s", lab, want)
		}
		for _, style := range []etlwrite.Style{etlwrite.Netsh, etlwrite.PktMon} {
			trace, _ := filepath.Abs(pcapToETL(t, pcap, style))
			out := filepath.Join(t.TempDir(), "out.pcapng")
			if r := slbdiag(t, nil, "convert", trace, out); r.code != 0 {
				t.Fatalf("convert: exit %d\n%s", r.code, r.stderr)
			}
			if got := tcp(out); got != want {
				t.Errorf("%s, style %d: tshark sees\n%s\nwant\n%s", lab, style, got, want)
			}
		}
	}
}

// TestBinaryConvertRedact converts a pcapng and a lab capture written as
// an .etl with --redact: the clients' addresses are gone, replaced by the
// stand-ins analyze --redact gives them; stdin is refused.
func TestBinaryConvertRedact(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("no tshark")
	}
	seed, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "pcaps", "seed-strong-host.pcapng"))
	lab, _ := filepath.Abs(pcapToETL(t, filepath.Join("..", "..", "testdata", "pcaps", "lab-dsr-novip.pcap"), etlwrite.PktMon))
	for _, tt := range []struct{ in, client string }{{seed, "198.51.100.23"}, {lab, "10.1.0.2"}} {
		out := filepath.Join(t.TempDir(), "out.pcapng")
		if r := slbdiag(t, nil, "convert", "--redact", tt.in, out); r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", tt.in, r.code, r.stderr)
		}
		addrs, err := exec.Command("tshark", "-r", out, "-T", "fields", "-e", "ip.src", "-e", "ip.dst").Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(addrs), tt.client) || !strings.Contains(string(addrs), "198.18.0.1") {
			t.Errorf("%s: addresses after --redact:\n%s", tt.in, addrs)
		}
	}
	if r := slbdiag(t, []byte("x"), "convert", "--redact", "-", filepath.Join(t.TempDir(), "o.pcapng")); r.code != 2 || !strings.Contains(r.stderr, "give a file, not stdin") {
		t.Errorf("stdin with --redact: exit %d\n%s", r.code, r.stderr)
	}
}
