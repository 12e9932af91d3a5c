package analyze_test

import (
	"context"
	"fmt"
	"log"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
)

// Run reads a bundled capture taken on a Windows backend whose NIC drops
// SYNs to the VIP (the strong host model): the health probes to the
// host's own address complete, the clients' SYNs to the VIP do not.
func ExampleRun() {
	f, err := capture.Open("../testdata/pcaps/seed-strong-host.pcapng", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	ports, err := analyze.ParsePorts("443")
	if err != nil {
		log.Fatal(err)
	}
	r, err := analyze.Run(context.Background(), analyze.Config{Ports: ports},
		[]analyze.Input{{Name: f.Name, Format: f.Format, Source: f}})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range r.Destinations {
		fmt.Printf("%s (%s):", d.Server, d.Role)
		for _, o := range analyze.Outcomes() {
			if n := d.Counts[o]; n > 0 {
				fmt.Printf(" %d %s", n, o)
			}
		}
		fmt.Println()
	}
	for _, fd := range r.Findings {
		fmt.Printf("%s, confidence %s\n", fd.Cause, fd.Confidence)
	}
	// Output:
	// 192.0.2.10:443 (likely-vip): 3 unanswered
	// 10.0.0.5:443 (host): 4 completed
	// strong-host-receive, confidence medium
}
