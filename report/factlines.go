package report

import (
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostcheck"
	"github.com/slbdiag/slbdiag/hostfacts"
)

// maxFactPorts bounds the ports FactLines checks each VIP on: beyond it
// (or with any port) only 443 is checked.
const maxFactPorts = 16

// FactLines are what a host's facts predict for each VIP cfg names (single
// addresses only), on each of its ports when they are few, else on 443,
// one CheckupLine each: what capture and watch say as they start, and
// watch again for each incident.
func FactLines(facts *hostfacts.Facts, cfg analyze.Config, l Lang) []string {
	if facts == nil {
		return nil
	}
	ports := cfg.Ports.Ports()
	if len(ports) == 0 || len(ports) > maxFactPorts {
		ports = []uint16{443} // any port, or a range: the usual one
	}
	var lines []string
	for _, p := range cfg.VIPs {
		if !p.IsSingleIP() {
			continue
		}
		for _, port := range ports {
			chk := &Checkup{VIP: netip.AddrPortFrom(p.Addr(), port), Facts: facts,
				Check: hostcheck.Check(facts, p.Addr(), port, cfg.ProbeNets)}
			lines = append(lines, CheckupLine(chk, l))
		}
	}
	return lines
}
