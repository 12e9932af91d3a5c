package scenario

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// serialize turns a frame into the bytes a capture holds.
func serialize(fr *frame) ([]byte, error) {
	if t := fr.link.tunnel; t != nil {
		plain := *fr
		plain.link.tunnel, plain.link.kind = nil, t.inner
		in, err := serialize(&plain)
		if err != nil {
			return nil, err
		}
		return t.wrap(in, fr.num)
	}
	if a := fr.pkt.arp; a != nil {
		return frameWith(nil, &layers.Ethernet{SrcMAC: fr.link.src, DstMAC: fr.link.dst, EthernetType: layers.EthernetTypeARP}, a)
	}
	ip, err := ipBytes(&fr.pkt)
	if err != nil {
		return nil, err
	}
	v6 := fr.pkt.src.Addr().Unmap().Is6()
	etherType := layers.EthernetTypeIPv4
	if v6 {
		etherType = layers.EthernetTypeIPv6
	}
	l := fr.link
	switch l.kind {
	case layers.LinkTypeRaw:
		return ip, nil
	case linkNFLog:
		return nflogFrame(ip, v6), nil
	case layers.LinkTypeARCNetLinux:
		// Source and destination station, the 2-byte offset, the RFC 1201
		// protocol id for IP, the split flag and the sequence number.
		return cat([]byte{0x05, 0x01, 0, 0, 0xD4, 0, 0, 1}, ip), nil
	case layers.LinkTypePPP:
		proto := []byte{0, 0x21}
		if v6 {
			proto = []byte{0, 0x57}
		}
		return cat([]byte{0xFF, 0x03}, proto, ip), nil
	case linkIPoIB:
		// The 40-byte pseudo-header Wireshark reads (a unicast one: zero
		// but for the destination), then the EtherType and two reserved bytes.
		return cat(make([]byte, 40), binary.BigEndian.AppendUint16(nil, uint16(etherType)), []byte{0, 0}, ip), nil
	case layers.LinkTypeNull:
		family := layers.ProtocolFamilyIPv4
		if v6 {
			family = layers.ProtocolFamilyIPv6Darwin
		}
		return frameWith(ip, &layers.Loopback{Family: family})
	case layers.LinkTypeEthernet:
		var ls []gopacket.SerializableLayer
		eth := &layers.Ethernet{SrcMAC: l.src, DstMAC: l.dst, EthernetType: etherType}
		ls = append(ls, eth)
		for i, id := range l.vlans {
			if i == 0 {
				eth.EthernetType = layers.EthernetTypeDot1Q
				if len(l.vlans) > 1 {
					eth.EthernetType = layers.EthernetTypeQinQ
				}
			}
			next := etherType
			if i+1 < len(l.vlans) {
				next = layers.EthernetTypeDot1Q
			}
			ls = append(ls, &layers.Dot1Q{VLANIdentifier: id, Type: next})
		}
		return frameWith(ip, ls...)
	case layers.LinkTypeLinuxSLL:
		// gopacket decodes SLL but cannot write it: the 16-byte header of
		// packet(7), by hand.
		h := make([]byte, 16)
		binary.BigEndian.PutUint16(h[0:], pktType(l))
		binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
		binary.BigEndian.PutUint16(h[4:], uint16(len(l.src)))
		copy(h[6:14], l.src)
		binary.BigEndian.PutUint16(h[14:], uint16(etherType))
		return append(h, ip...), nil
	case layers.LinkTypeLinuxSLL2:
		// The 20-byte header of tcpdump's LINKTYPE_LINUX_SLL2.
		h := make([]byte, 20)
		binary.BigEndian.PutUint16(h[0:], uint16(etherType))
		binary.BigEndian.PutUint32(h[4:], 2) // interface index
		binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
		h[10] = byte(pktType(l))
		h[11] = byte(len(l.src))
		copy(h[12:20], l.src)
		return append(h, ip...), nil
	}
	return nil, fmt.Errorf("scenario: cannot frame link type %v", l.kind)
}

// pktType is SLL's packet type: 0 to us, 4 sent by us.
func pktType(l link) uint16 {
	if l.outgoing {
		return 4
	}
	return 0
}

func frameWith(payload []byte, ls ...gopacket.SerializableLayer) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	ls = append(ls, gopacket.Payload(payload))
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ipBytes serializes the IP packet with correct lengths and checksums.
func ipBytes(p *packet) ([]byte, error) {
	src, dst := p.src.Addr().Unmap(), p.dst.Addr().Unmap()
	var net gopacket.NetworkLayer
	var ls []gopacket.SerializableLayer
	if src.Is4() {
		ip := &layers.IPv4{Version: 4, TTL: p.ttl, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolTCP,
			SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		if p.icmp != nil {
			ip.Protocol, ip.Flags = layers.IPProtocolICMPv4, 0
		}
		net = ip
		ls = append(ls, ip)
	} else {
		ip := &layers.IPv6{Version: 6, HopLimit: p.ttl, NextHeader: layers.IPProtocolTCP,
			SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		if p.icmp != nil {
			ip.NextHeader = layers.IPProtocolICMPv6
		}
		net = ip
		if p.hopByHop {
			// A hop-by-hop header with one PadN option: the walk the
			// decoder must do to find TCP.
			hbh := &layers.IPv6HopByHop{}
			hbh.NextHeader = ip.NextHeader
			hbh.Options = []*layers.IPv6HopByHopOption{{OptionType: 1, OptionLength: 4, OptionData: make([]byte, 4)}}
			ip.NextHeader = layers.IPProtocolIPv6HopByHop
			ip.HopByHop = hbh
		}
		ls = append(ls, ip)
	}
	if p.icmp != nil {
		quoted, err := ipBytes(p.icmp)
		if err != nil {
			return nil, err
		}
		if src.Is4() {
			// gopacket's 8-byte ICMPv4 header holds the unused word (as
			// Id and Seq, zero).
			ls = append(ls, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodeHost)})
		} else {
			icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeDestinationUnreachable, layers.ICMPv6CodeAddressUnreachable)}
			if err := icmp.SetNetworkLayerForChecksum(net); err != nil {
				return nil, err
			}
			ls = append(ls, icmp)
			// gopacket's ICMPv6 header stops after the checksum: the
			// unused word goes before the quoted packet.
			quoted = append(make([]byte, 4), quoted...)
		}
		ls = append(ls, gopacket.Payload(quoted))
	} else {
		tcp := &layers.TCP{SrcPort: layers.TCPPort(p.src.Port()), DstPort: layers.TCPPort(p.dst.Port()),
			Seq: p.seq, Ack: p.ack, Window: 64240,
			FIN: p.flags&fin != 0, SYN: p.flags&syn != 0, RST: p.flags&rst != 0, PSH: p.flags&psh != 0, ACK: p.flags&ack != 0}
		if p.flags&syn != 0 {
			// The options a Windows or Linux SYN carries: MSS, SACK permitted.
			tcp.Options = []layers.TCPOption{
				{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
				{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
				{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
				{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			}
		}
		if err := tcp.SetNetworkLayerForChecksum(net); err != nil {
			return nil, err
		}
		ls = append(ls, tcp, gopacket.Payload(p.payload))
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encode writes a whole file.
func encode(f *file) ([]byte, error) {
	var out bytes.Buffer
	switch f.format {
	case text:
		return []byte(f.body), nil
	case gzipped:
		inner, err := encode(f.of)
		if err != nil {
			return nil, err
		}
		zw := gzip.NewWriter(&out) // no name, no time: the same bytes every run
		if _, err := zw.Write(inner); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	case pcapng:
		if err := writeNg(&out, f); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	if err := writePcap(&out, f); err != nil {
		return nil, err
	}
	b := out.Bytes()
	if f.format == truncatedPcap {
		// Cut the last record in half: its header promises more than
		// the file holds, as when a copy stops short.
		last, err := serialize(f.frames[len(f.frames)-1])
		if err != nil {
			return nil, err
		}
		b = b[:len(b)-len(last)/2]
	}
	return b, nil
}

func writePcap(out *bytes.Buffer, f *file) error {
	linkType := f.frames[0].link.kind
	for _, fr := range f.frames {
		if fr.link.kind != linkType {
			return fmt.Errorf("scenario: %s: pcap holds one link type, got %v and %v", f.name, linkType, fr.link.kind)
		}
	}
	if f.format == pcapNanoBig {
		return writePcapBig(out, f, linkType)
	}
	w := pcapgo.NewWriter(out)
	if f.format == pcapNano {
		w = pcapgo.NewWriterNanos(out)
	}
	if err := w.WriteFileHeader(65535, linkType); err != nil {
		return err
	}
	for _, fr := range f.frames {
		data, err := serialize(fr)
		if err != nil {
			return err
		}
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(fr.at), CaptureLength: len(data), Length: len(data)}
		if err := w.WritePacket(ci, data); err != nil {
			return err
		}
	}
	return nil
}

// writePcapBig writes a big-endian nanosecond pcap, which pcapgo cannot
// write but big-endian capture hosts do.
func writePcapBig(out *bytes.Buffer, f *file, linkType layers.LinkType) error {
	be := binary.BigEndian
	hdr := make([]byte, 24)
	be.PutUint32(hdr[0:], 0xa1b23c4d)
	be.PutUint16(hdr[4:], 2)
	be.PutUint16(hdr[6:], 4)
	be.PutUint32(hdr[16:], 65535)
	be.PutUint32(hdr[20:], uint32(linkType))
	out.Write(hdr)
	for _, fr := range f.frames {
		data, err := serialize(fr)
		if err != nil {
			return err
		}
		ts := t0.Add(fr.at)
		rec := make([]byte, 16)
		be.PutUint32(rec[0:], uint32(ts.Unix()))
		be.PutUint32(rec[4:], uint32(ts.Nanosecond()))
		be.PutUint32(rec[8:], uint32(len(data)))
		be.PutUint32(rec[12:], uint32(len(data)))
		out.Write(rec)
		out.Write(data)
	}
	return nil
}

// writeNg writes one pcapng section per frame section, each with one
// interface per link type in the order they first appear.
func writeNg(out *bytes.Buffer, f *file) error {
	for start := 0; start < len(f.frames); {
		section := f.frames[start].section
		end := start
		for end < len(f.frames) && f.frames[end].section == section {
			end++
		}
		if err := writeSection(out, f, section, f.frames[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func writeSection(out *bytes.Buffer, f *file, section int, frames []*frame) error {
	iface := func(lt layers.LinkType, n int) pcapgo.NgInterface {
		return pcapgo.NgInterface{Name: fmt.Sprintf("if%d", n), Description: lt.String(), OS: "scenario",
			LinkType: lt, TimestampResolution: 9}
	}
	opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Hardware: "none", OS: "scenario", Application: "slbdiag internal/scenario",
		Comment: fmt.Sprintf("%s (section %d)", f.comment, section+1),
	}}
	ids := map[layers.LinkType]int{frames[0].link.kind: 0}
	w, err := pcapgo.NewNgWriterInterface(out, iface(frames[0].link.kind, 0), opts)
	if err != nil {
		return err
	}
	for _, fr := range frames {
		id, ok := ids[fr.link.kind]
		if !ok {
			if id, err = w.AddInterface(iface(fr.link.kind, len(ids))); err != nil {
				return err
			}
			ids[fr.link.kind] = id
		}
		data, err := serialize(fr)
		if err != nil {
			return err
		}
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(fr.at), CaptureLength: len(data), Length: len(data), InterfaceIndex: id}
		if err := w.WritePacket(ci, data); err != nil {
			return err
		}
	}
	return w.Flush()
}
