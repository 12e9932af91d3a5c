package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTsharkOutcomes judges every attempt of every capture recorded from
// real kernels (testdata/pcaps/lab-*.pcap) from tshark's fields alone, by
// the outcome definitions of DESIGN.md, and compares the outcome with the
// JSONL outcome column of the built binary, attempt by attempt. tshark
// shares no code with slbdiag; what this test derives shares none with
// the tracker.
func TestTsharkOutcomes(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed")
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "pcaps", "lab-*.pcap"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded captures: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want := tsharkOutcomes(t, tshark, path)
			if len(want) == 0 {
				t.Fatal("tshark sees no attempt")
			}
			got := map[attemptKey]string{}
			r := slbdiag(t, nil, "analyze", "--format", "jsonl", "testdata/pcaps/"+name)
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				var a struct {
					Client  string `json:"client_ip"`
					CPort   uint16 `json:"client_port"`
					Server  string `json:"server_ip"`
					SPort   uint16 `json:"server_port"`
					ISN     uint32 `json:"isn"`
					Outcome string `json:"outcome"`
				}
				if err := json.Unmarshal([]byte(line), &a); err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				c, s := netip.MustParseAddr(a.Client), netip.MustParseAddr(a.Server)
				got[key(netip.AddrPortFrom(c, a.CPort), netip.AddrPortFrom(s, a.SPort), a.ISN)] = a.Outcome
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("outcomes (-tshark +slbdiag):\n%s", diff)
			}
		})
	}
}

type attemptKey struct {
	Client, Server string
	ISN            uint32
}

// tsharkSegment is one TCP segment as tshark decodes it: for an ICMP
// error, the segment it quotes.
type tsharkSegment struct {
	ts            time.Time
	src, dst      netip.AddrPort
	syn, ack, rst bool
	seq, ackNo    uint32
	icmpErr       bool
}

// attemptState is what tshark's segments say of one attempt.
type attemptState struct {
	syns       int
	first      time.Time
	server     netip.AddrPort
	outcome    string // decided by the first reply: "", or a reply's outcome
	synAckFrom netip.Addr
	serverISN  uint32
	acked      bool
}

func tsharkOutcomes(t *testing.T, tshark, path string) map[attemptKey]string {
	t.Helper()
	segs, end := tsharkSegments(t, tshark, path)
	attempts := map[attemptKey]*attemptState{}
	var order []attemptKey
	for _, s := range segs {
		switch {
		case s.icmpErr:
			// An ICMP error quoting a SYN not yet answered: unreachable.
			if a := attempts[key(s.src, s.dst, s.seq)]; a != nil && a.outcome == "" && s.syn && !s.ack {
				a.outcome = "unreachable"
			}
		case s.syn && !s.ack && s.dst.Port() == 443:
			k := key(s.src, s.dst, s.seq)
			if a := attempts[k]; a != nil {
				a.syns++
				continue
			}
			attempts[k] = &attemptState{syns: 1, first: s.ts, server: s.dst}
			order = append(order, k)
		default:
			reply(attempts, s)
		}
	}
	out := map[attemptKey]string{}
	for _, k := range order {
		a := attempts[k]
		switch {
		case a.outcome == "synack" && a.acked:
			out[k] = "completed"
		case a.outcome == "synack":
			out[k] = "synack-no-ack"
		case a.outcome != "":
			out[k] = a.outcome
		case a.syns > 1 || end.Sub(a.first) >= time.Second:
			out[k] = "unanswered"
		default:
			out[k] = "pending"
		}
	}
	return out
}

// reply applies a segment that is no client SYN to the attempts it may
// answer or complete: a SYN-ACK or RST from the server port to the
// client acknowledging the SYN (ISN+1, or past the data a SYN carried),
// and a client segment acknowledging the server's ISN+1 or beyond. As
// DESIGN.md's handshake model says, a SYN-ACK from the SYN's destination
// answers it even after one from another address came.
func reply(attempts map[attemptKey]*attemptState, s tsharkSegment) {
	for k, a := range attempts {
		client := k.Client
		switch {
		case s.dst.String() == client && s.src.Port() == a.server.Port() && (a.outcome == "" || a.outcome == "wrong-source"):
			if s.ackNo-(k.ISN+1) > 1<<16 || !s.ack {
				continue
			}
			// A reply from the SYN's own destination wins; one from another
			// address is wrong-source only while none came from it (a
			// capture that sees both sides of a NAT holds both).
			switch {
			case s.syn && s.src.Addr() != a.server.Addr():
				a.outcome = "wrong-source"
			case a.outcome == "wrong-source" && !s.syn:
			case s.syn:
				a.outcome, a.synAckFrom, a.serverISN = "synack", s.src.Addr(), s.seq
			case s.rst:
				a.outcome = "refused"
			}
		case s.src.String() == client && s.dst == a.server && a.outcome == "synack" && s.ack && !s.syn:
			if s.ackNo-(a.serverISN+1) < 1<<31 {
				a.acked = true
			}
		}
	}
}

func key(c, s netip.AddrPort, isn uint32) attemptKey {
	return attemptKey{c.String(), s.String(), isn}
}

// tsharkSegments lists every TCP segment of a capture, innermost headers
// of tunnelled packets, and the time of its last frame.
func tsharkSegments(t *testing.T, tshark, path string) ([]tsharkSegment, time.Time) {
	t.Helper()
	fields := []string{"frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
		"tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "tcp.seq_raw", "tcp.ack_raw", "icmp.type", "icmpv6.type"}
	args := []string{"-n", "-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=l"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command(tshark, args...).Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	var segs []tsharkSegment
	var end time.Time
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != len(fields) {
			t.Fatalf("tshark line %q", line)
		}
		ts, err := epoch(f[1])
		if err != nil {
			t.Fatal(err)
		}
		if ts.After(end) {
			end = ts
		}
		if f[6] == "" {
			continue // no TCP header
		}
		s := tsharkSegment{ts: ts, syn: f[8] == "1", ack: f[9] == "1", rst: f[10] == "1",
			icmpErr: isICMPErr(f[13], "3", "11", "12") || isICMPErr(f[14], "1", "3", "4")}
		if s.src, err = addrPort(f[2]+f[3], f[6]); err == nil {
			s.dst, err = addrPort(f[4]+f[5], f[7])
		}
		if err != nil {
			t.Fatalf("tshark line %q: %v", line, err)
		}
		for i, p := range []*uint32{&s.seq, &s.ackNo} {
			v, _ := strconv.ParseUint(f[11+i], 10, 32)
			*p = uint32(v)
		}
		segs = append(segs, s)
	}
	return segs, end
}

func isICMPErr(v string, types ...string) bool {
	for _, t := range types {
		if v == t {
			return true
		}
	}
	return false
}

func addrPort(a, p string) (netip.AddrPort, error) {
	addr, err := netip.ParseAddr(a)
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := strconv.ParseUint(p, 10, 16)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), err
}

func epoch(s string) (time.Time, error) {
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	frac = (frac + "000000000")[:9]
	ns, err := strconv.ParseInt(frac, 10, 64)
	return time.Unix(n, ns), err
}
