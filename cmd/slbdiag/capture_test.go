package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/slbdiag/slbdiag/capture"
)

func TestParseCaptureErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no interface given: -i IFACE (run 'slbdiag interfaces' for the list)"},
		{[]string{"-i", "eth0", "x.pcap"}, `unexpected argument "x.pcap": capture reads an interface (-i), not files; use 'slbdiag analyze FILE' for files`},
		{[]string{"-i", "eth0", "-c", "-1"}, "-c must be 0 or more, not -1"},
		{[]string{"-i", "eth0", "-d", "-1s"}, "-d must be 0 or more, not -1s"},
		{[]string{"-i", "eth0", "-s", "20"}, "-s must be at least 64 bytes to hold the TCP header, not 20"},
		{[]string{"-i", "eth0", "--grace", "0s"}, "--grace must be positive, not 0s"},
		{[]string{"-i", "eth0", "--port", "0"}, `--port: "0" is not a port (1-65535)`},
		{[]string{"-i", "eth0", "--vip", "vip"}, `--vip: "vip" is not an address or CIDR`},
		{[]string{"-i", "eth0", "--format", "xml"}, "--format: "},
	}
	for _, tt := range tests {
		_, err := parseCapture(tt.args, &bytes.Buffer{})
		var ue *usageError
		if !errors.As(err, &ue) || ue.cmd != "capture" || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("parseCapture(%q): %v, want a capture usage error %q", tt.args, err, tt.want)
		}
	}
}

func TestParseCapture(t *testing.T) {
	c, err := parseCapture([]string{"-i", "Ethernet 2", "--vip", "192.0.2.10", "--port", "443,8443", "-c", "100", "-d", "30s", "-w", "ev.pcapng", "-s", "128"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.iface != "Ethernet 2" || c.duration.String() != "30s" || c.evidence != "ev.pcapng" || c.live.Count != 100 || c.live.Snaplen != 128 {
		t.Errorf("parsed %+v", c)
	}
	if want := capture.DefaultFilter(c.report.analysis.VIPs, []uint16{443, 8443}); c.live.Filter != want {
		t.Errorf("filter %q, want the default %q", c.live.Filter, want)
	}
	c, err = parseCapture([]string{"-i", "eth0", "-f", "tcp port 80"}, &bytes.Buffer{})
	if err != nil || c.live.Filter != "tcp port 80" {
		t.Errorf("-f: filter %q, error %v; want the user's filter unchanged", c.live.Filter, err)
	}
}

// A filter that does not compile fails before any interface is opened,
// with exit code 2 and a hint; so does a build without libpcap.
func TestCaptureBadFilter(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"capture", "-i", "lo", "-f", "tcp port"}, nil, &stdout, &stderr)
	if exitCode(err, &stderr) != exitError || stdout.Len() != 0 {
		t.Fatalf("error %v, stdout %q: want exit code 2 and no report", err, stdout.String())
	}
	if !capture.LiveAvailable {
		if !errors.Is(err, capture.ErrNoLibpcap) || !strings.Contains(stderr.String(), "hint: build with CGO_ENABLED=1 and libpcap-dev") {
			t.Errorf("without libpcap: %v\n%s", err, stderr.String())
		}
		return
	}
	var fe *capture.FilterError
	if !errors.As(err, &fe) || fe.Filter != "tcp port" {
		t.Fatalf("error %v, want a *capture.FilterError", err)
	}
	want := "slbdiag: error: the capture filter \"tcp port\" does not compile: "
	if !strings.HasPrefix(stderr.String(), want) || !strings.Contains(stderr.String(), "hint: check the filter with: tcpdump -d 'tcp port'\n") {
		t.Errorf("stderr:\n%s\nwant it to start %q and give the tcpdump hint", stderr.String(), want)
	}
}

func TestCaptureHints(t *testing.T) {
	perm := fmt.Errorf("opening eth0: %w: Permission Denied", capture.ErrPermission)
	known := []capture.Interface{
		{Name: `\Device\NPF_{A}`, Friendly: "Ethernet", Index: 6, Description: "Intel(R) 82574L", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24")}},
		{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture"},
	}
	tests := []struct {
		name string
		err  error
		goos string
		want []string
	}{
		{"linux permission", perm, "linux", []string{
			"run as root (sudo slbdiag capture ...), or give the binary the capture capability:",
			"sudo setcap cap_net_raw,cap_net_admin=eip $(command -v slbdiag)",
		}},
		{"windows permission", perm, "windows", []string{
			`run slbdiag from a terminal started with "Run as administrator" (or install Npcap without "Restrict Npcap driver's access to Administrators only")`,
		}},
		{"no npcap", fmt.Errorf("opening x: %w", capture.ErrNoNpcap), "windows", []string{
			`install Npcap from https://npcap.com with "Install Npcap in WinPcap API-compatible Mode" ticked, then run slbdiag again`,
		}},
		{"no libpcap", capture.ErrNoLibpcap, "linux", []string{
			"build with CGO_ENABLED=1 and libpcap-dev installed (apt-get install libpcap-dev), or capture with tcpdump -w and run 'slbdiag analyze' on the file",
		}},
		{"no libpcap on macOS", capture.ErrNoLibpcap, "darwin", []string{
			"capture with 'sudo tcpdump -i en0 -w capture.pcap' and run 'slbdiag analyze capture.pcap', or build slbdiag on this Mac with Go and the Xcode command line tools (cgo then finds the system's libpcap)",
		}},
		{"unknown interface", &capture.InterfaceError{Spec: "eth0", Known: known}, "windows", []string{
			"-i takes an interface's name, friendly name, description, index or one of its addresses; the interfaces are:",
			`  "Ethernet" (index 6, \Device\NPF_{A}) Intel(R) 82574L: 10.0.0.5/24`,
			`  \Device\NPF_Loopback Adapter for loopback traffic capture`,
		}},
		{"other", errors.New("x"), "linux", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, captureHints(tt.err, tt.goos)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestStatusOnlyOnTerminals(t *testing.T) {
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
}
