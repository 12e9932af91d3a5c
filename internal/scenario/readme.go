package scenario

import (
	"bytes"
	"fmt"
	"strings"
)

// readme says where every bundled capture comes from and what slbdiag must
// find in it.
func readme(bs []built) []byte {
	var b bytes.Buffer
	b.WriteString(`# Sample captures

Two kinds of file live here. The ` + "`lab-*`" + ` captures were recorded from a real
Linux kernel in network namespaces by ` + "`testdata/lab/record-linux-dsr.sh`" + `,
` + "`test/lab/lab.sh`" + `, ` + "`test/lab/encap.sh`" + ` (tunnels) and ` + "`test/lab/frag.sh`" + ` (fragmented
SYNs) (run them as root to record them again, then update ` + "`internal/scenario/recorded.go`" + `).
Every other file is written by the generator in ` + "`internal/scenario`" + `, packet by
packet with gopacket, with fixed timestamps (from 2026-03-02 10:00:00 UTC) and
sequence numbers, so that it comes out the same byte for byte. Do not edit
them by hand: change the scenario and run

    go test ./internal/scenario -update

which rewrites the generated captures and this file. ` + "`go test ./internal/scenario`" + ` fails when
a committed file differs from what the generator writes, and
` + "`go test ./cmd/slbdiag`" + ` checks that slbdiag's JSONL outcomes for each capture equal
what its scenario intends (attempt by attempt: addresses, ISN, outcome, SYN
count, first frame), and, where tshark is installed, that tshark numbers and
counts the SYNs the same way.

Addresses are from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32), private 10.0.0.0/24, and 100.100.110.0/24 for
health probes.

`)
	for _, x := range bs {
		fmt.Fprintf(&b, "## %s\n\n", x.s.Name)
		fmt.Fprintf(&b, "Files: %s\n\n", "`"+strings.Join(x.s.Files, "`, `")+"`")
		fmt.Fprintf(&b, "%s\n\n", x.s.Description)
		cmd := "slbdiag analyze"
		if x.s.VIP != "" {
			cmd += " --vip " + x.s.VIP
		}
		for _, f := range x.s.Files {
			cmd += " testdata/pcaps/" + f
		}
		fmt.Fprintf(&b, "Replay: `%s`\n\n", cmd)
		switch {
		case x.s.Causes == nil:
		case len(x.s.Causes) == 0:
			b.WriteString("Findings: none (a negative case).\n\n")
		default:
			fmt.Fprintf(&b, "Findings: `%s`.\n\n", strings.Join(x.s.Causes, "`, `"))
		}
		if len(x.s.Expect) == 0 {
			continue
		}
		b.WriteString("| File | Frame | Client | Server | ISN | SYNs | Outcome |\n|---|---:|---|---|---:|---:|---|\n")
		for _, e := range x.s.Expect {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %d | %d | %s |\n", e.File, e.FirstFrame, e.Client, e.Server, e.ISN, e.Syns, e.Outcome)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
