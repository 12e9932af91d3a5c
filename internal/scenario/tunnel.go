package scenario

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// tunnelKind is how a tunnel or mirror session frames what it carries.
type tunnelKind int

const (
	erspan2   tunnelKind = iota // GRE with sequence numbers, ERSPAN type II header, the mirrored frame
	erspan3                     // GRE, ERSPAN type III header with its platform subheader, the mirrored frame
	geneveIP                    // UDP 6081, Geneve with options, an IP packet (a gateway load balancer's)
	greIP                       // GRE with a key, an IP packet
	mpls                        // two MPLS labels on Ethernet, an IP packet
	pppoeQinQ                   // PPPoE session on a QinQ-tagged Ethernet, an IP packet
)

// tunnel is the outer framing of a frame as it reaches the capture: the
// mirror session or tunnel, its outer addresses, and how the frame inside
// is framed (Ethernet for mirrors, raw IP for IP tunnels).
type tunnel struct {
	kind     tunnelKind
	src, dst netip.Addr // outer IPv4 addresses, for the kinds that have them
	macs     [2]net.HardwareAddr
	inner    layers.LinkType
}

// wrap frames the inner bytes; seq numbers the mirror's packets.
func (t *tunnel) wrap(in []byte, seq int) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: t.macs[0], DstMAC: t.macs[1], EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 62, Protocol: layers.IPProtocolGRE, SrcIP: t.src.AsSlice(), DstIP: t.dst.AsSlice()}
	u32 := func(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
	switch t.kind {
	case erspan2:
		gre := cat([]byte{0x10, 0, 0x88, 0xBE}, u32(seq))
		hdr := []byte{0x10, 0, 0x00, 100, 0, 0, 0, 0} // version 1, VLAN 0, session 100
		return ipFrame(eth, ip, cat(gre, hdr, in))
	case erspan3:
		gre := cat([]byte{0x10, 0, 0x22, 0xEB}, u32(seq))
		hdr := cat([]byte{0x20, 0, 0x00, 200}, u32(seq*1000), []byte{0, 0, 0, 0x01}) // version 2, session 200, O flag
		sub := make([]byte, 8)                                                       // platform subheader
		return ipFrame(eth, ip, cat(gre, hdr, sub, in))
	case geneveIP:
		udp := &layers.UDP{SrcPort: 40000, DstPort: 6081}
		ip.Protocol = layers.IPProtocolUDP
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			return nil, err
		}
		// One 8-byte option of the class gateway load balancers use.
		gen := cat([]byte{0x02, 0, 0x08, 0x00, 0, 0, 0, 0}, []byte{0x01, 0x08, 0x01, 0x01}, u32(seq))
		return frameWith(cat(gen, in), eth, ip, udp)
	case greIP:
		return ipFrame(eth, ip, cat([]byte{0x20, 0, 0x08, 0x00}, u32(7), in))
	case mpls:
		eth.EthernetType = layers.EthernetTypeMPLSUnicast
		return frameWith(cat([]byte{0, 0x10, 0x00, 0x40, 0, 0x20, 0x01, 0x40}, in), eth)
	case pppoeQinQ:
		eth.EthernetType = layers.EthernetTypeQinQ
		hdr := cat([]byte{0, 200, 0x81, 0x00, 0, 100, 0x88, 0x64, 0x11, 0, 0, 0x2a}, binary.BigEndian.AppendUint16(nil, uint16(len(in)+2)), []byte{0, 0x21})
		return frameWith(cat(hdr, in), eth)
	}
	return nil, fmt.Errorf("scenario: unknown tunnel kind %d", t.kind)
}

// ipFrame is eth and ip around a payload, with the IP checksum computed.
func ipFrame(eth *layers.Ethernet, ip *layers.IPv4, payload []byte) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, gopacket.Payload(payload)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// Link types the scenarios write besides those gopacket knows.
const (
	linkNFLog layers.LinkType = 239
	linkIPoIB layers.LinkType = 242
)

// nflogFrame is an IP packet as 'tcpdump -i nflog:N' records it on a
// little-endian host: the NFLOG header, a prefix attribute and the payload
// attribute, each padded to 4 bytes.
func nflogFrame(ip []byte, v6 bool) []byte {
	family := byte(2)
	if v6 {
		family = 10
	}
	tlv := func(typ uint16, v []byte) []byte {
		b := binary.LittleEndian.AppendUint16(nil, uint16(4+len(v)))
		b = binary.LittleEndian.AppendUint16(b, typ)
		b = append(b, v...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	return cat([]byte{family, 0, 0, 1}, tlv(10, []byte("slb\x00")), tlv(9, ip))
}
