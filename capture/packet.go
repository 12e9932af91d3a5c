package capture

import (
	"net/netip"

	"github.com/gopacket/gopacket/layers"
	"github.com/slbdiag/slbdiag/decode"
)

// tcpFlow returns the TCP connection a frame belongs to, as analysis sees
// it: its own, or the one an ICMP error quotes, inside whatever tunnel or
// mirror session carried it.
func tcpFlow(d *decode.Decoder, lt layers.LinkType, b []byte) (src, dst netip.AddrPort, ok bool) {
	var p decode.Packet
	d.Decode(lt, b, &p)
	switch {
	case p.IsICMPErr:
		q := p.Quoted
		return netip.AddrPortFrom(q.Src, q.Sport), netip.AddrPortFrom(q.Dst, q.Dport), true
	case p.IsTCP:
		return netip.AddrPortFrom(p.Src, p.Sport), netip.AddrPortFrom(p.Dst, p.Dport), true
	}
	return src, dst, false
}
