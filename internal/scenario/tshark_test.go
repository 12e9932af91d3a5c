package scenario

import (
	"bytes"
	"errors"
	"net/netip"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTsharkAgrees reads every bundled capture with tshark, which shares no
// code with slbdiag, and checks the scenario's intent against it: each
// expected attempt's first SYN is the frame Wireshark numbers so, it has as
// many SYN transmissions, and tshark sees no SYN to port 443 the scenario
// does not account for. Skipped where tshark is not installed. tshark
// counts frames, so where a tool recorded each packet several times it
// sees every SYN that many times.
func TestTsharkAgrees(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed (Debian package tshark)")
	}
	for _, s := range All() {
		copies := CopiesPerTransmission(s.Name)
		for _, name := range s.Files {
			if strings.HasSuffix(name, ".txt") {
				continue
			}
			t.Run(name, func(t *testing.T) {
				syns := tsharkSyns(t, tshark, filepath.Join(pcapsDir, name))
				for _, e := range s.Expect {
					if e.File != name {
						continue
					}
					k := synKey{e.Client, e.Server, e.ISN}
					got, ok := syns[k]
					if !ok {
						t.Errorf("tshark sees no SYN for %+v", e)
						continue
					}
					if got.first != e.FirstFrame || got.count != e.Syns*copies {
						t.Errorf("%v→%v ISN %d: tshark sees the first SYN in frame %d and %d SYN frames; the scenario says frame %d and %d SYNs of %d frames each",
							e.Client, e.Server, e.ISN, got.first, got.count, e.FirstFrame, e.Syns, copies)
					}
					delete(syns, k)
				}
				elsewhere := map[synKey]bool{} // attempts another capture of the scenario saw first
				for _, e := range s.Expect {
					elsewhere[synKey{e.Client, e.Server, e.ISN}] = e.File != name
				}
				for k, v := range syns {
					if !strings.HasPrefix(name, "truncated") && !elsewhere[k] {
						t.Errorf("tshark sees a SYN the scenario does not expect: %v→%v ISN %d, frame %d", k.client, k.server, k.isn, v.first)
					}
				}
			})
		}
	}
}

type synKey struct {
	client, server netip.AddrPort
	isn            uint32
}

type synSeen struct{ first, count int }

// tsharkSyns lists the client SYNs to port 443 in a capture, as tshark
// numbers and decodes them; SYNs quoted inside ICMP errors are left out.
func tsharkSyns(t *testing.T, tshark, path string) map[synKey]synSeen {
	t.Helper()
	// With reassembly, as by default, tshark shows a fragmented SYN in the
	// frame that completes it, where slbdiag numbers it too.
	cmd := exec.Command(tshark, "-n", "-r", path,
		"-Y", "tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==443 && !icmp && !icmpv6",
		// Of the addresses of tunnelled packets, the innermost (last) ones.
		"-T", "fields", "-E", "separator=|", "-E", "occurrence=l",
		"-e", "frame.number", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
		"-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "tcp.seq_raw")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && strings.Contains(stderr.String(), "cut short")) {
		t.Fatalf("tshark: %v\n%s", err, stderr.String())
	}
	syns := map[synKey]synSeen{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 8 {
			t.Fatalf("tshark line %q: want 8 fields", line)
		}
		k, frame, err := parseSynLine(f)
		if err != nil {
			t.Fatalf("tshark line %q: %v", line, err)
		}
		v, ok := syns[k]
		if !ok {
			v.first = frame
		}
		v.count++
		syns[k] = v
	}
	return syns
}

func parseSynLine(f []string) (synKey, int, error) {
	frame, err := strconv.Atoi(f[0])
	if err != nil {
		return synKey{}, 0, err
	}
	addr := func(v4, v6, port string) (netip.AddrPort, error) {
		a, err := netip.ParseAddr(v4 + v6)
		if err != nil {
			return netip.AddrPort{}, err
		}
		p, err := strconv.ParseUint(port, 10, 16)
		return netip.AddrPortFrom(a, uint16(p)), err
	}
	c, err := addr(f[1], f[2], f[3])
	if err != nil {
		return synKey{}, 0, err
	}
	s, err := addr(f[4], f[5], f[6])
	if err != nil {
		return synKey{}, 0, err
	}
	isn, err := strconv.ParseUint(f[7], 10, 32)
	if err != nil {
		return synKey{}, 0, err
	}
	return synKey{netip.AddrPortFrom(c.Addr().Unmap(), c.Port()), netip.AddrPortFrom(s.Addr().Unmap(), s.Port()), uint32(isn)}, frame, nil
}
