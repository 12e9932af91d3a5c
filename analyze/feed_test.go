package analyze

import (
	"time"

	"github.com/gopacket/gopacket/layers"
)

// feed hands p to a as the next frame of its first input, at ts, through
// take, the entry Run uses for every decoded frame: frame numbering, copy
// check, ARP claims and IP packets alike.
func feed(a *analyzer, p packet, ts time.Time) {
	f := frame{lt: layers.LinkTypeEthernet, ts: ts, supported: true, ip: true, pkt: p}
	f.pkt.settlePayload()
	a.take(&f)
}

// testAnalyzer is an analyzer of one input watching port 443.
func testAnalyzer() *analyzer {
	ports, _ := ParsePorts("443")
	return newAnalyzer(Config{Ports: ports}, 1)
}
