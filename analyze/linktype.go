package analyze

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Link types (libpcap's LINKTYPE_ values, as files store them) that carry
// IP and that gopacket does not decode.
const (
	linkTypeRawBSD              layers.LinkType = 12 // DLT_RAW as some BSDs number it in files
	linkTypeEnc                 layers.LinkType = 109
	linkTypeIPNet               layers.LinkType = 226
	linkTypeNFLog               layers.LinkType = 239
	linkTypeNetAnalyzer         layers.LinkType = 240
	linkTypeNetAnalyzerTr       layers.LinkType = 241
	linkTypeIPoIB               layers.LinkType = 242
	nflogPayload                                = 9 // NFULA_PAYLOAD: the packet itself
	arcnetSplitException                        = 0xFF
	arcnetIP1051, arcnetARP1051                 = 0xF0, 0xF1
	arcnetIP1201, arcnetIPv6                    = 0xD4, 0xC4
)

// linkTypeNames name the link types gopacket has no name for, as
// libpcap's LINKTYPE_ list does.
var linkTypeNames = map[layers.LinkType]string{
	layers.LinkTypeArcNet: "ARCNET_BSD", layers.LinkTypeARCNetLinux: "ARCNET_LINUX", layers.LinkTypePPP_HDLC: "PPP_HDLC",
	layers.LinkTypePPPEthernet: "PPP_ETHER", layers.LinkTypeATM_RFC1483: "ATM_RFC1483", layers.LinkTypeC_HDLC: "C_HDLC",
	layers.LinkTypeIPv4: "IPV4", layers.LinkTypeIPv6: "IPV6", linkTypeEnc: "ENC", linkTypeIPNet: "IPNET", linkTypeNFLog: "NFLOG",
	linkTypeNetAnalyzer: "NETANALYZER", linkTypeNetAnalyzerTr: "NETANALYZER_TRANSPARENT", linkTypeIPoIB: "IPOIB",
}

// linkTypeName is the name a report gives a link type.
func linkTypeName(lt layers.LinkType) string {
	if n, ok := linkTypeNames[lt]; ok {
		return n
	}
	return lt.String()
}

// Supported reports whether frames of the link type can be decoded.
func Supported(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeIPv4, layers.LinkTypeIPv6,
		layers.LinkTypeRaw, linkTypeRawBSD,
		layers.LinkTypePPP, layers.LinkTypePPP_HDLC, layers.LinkTypePPPEthernet, layers.LinkTypeC_HDLC,
		layers.LinkTypeATM_RFC1483, layers.LinkTypeArcNet, layers.LinkTypeARCNetLinux, layers.LinkTypePFLog,
		linkTypeEnc, linkTypeIPNet, linkTypeNFLog, linkTypeNetAnalyzer, linkTypeNetAnalyzerTr, linkTypeIPoIB:
		return true
	}
	return false
}

// linkStart strips the link-layer header of a frame and says which layer
// follows it; ok is false when the frame carries nothing slbdiag reads.
// The link types gopacket decodes itself are returned whole.
func linkStart(lt layers.LinkType, b []byte) (gopacket.LayerType, []byte, bool) {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet, b, true
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, b, true
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, b, true
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback, b, true
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4, b, true
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6, b, true
	case layers.LinkTypeRaw, linkTypeRawBSD:
		if len(b) > 0 && b[0]>>4 == 6 {
			return layers.LayerTypeIPv6, b, true
		}
		return layers.LayerTypeIPv4, b, true
	case linkTypeNetAnalyzer:
		return skip(layers.LayerTypeEthernet, b, 4)
	case linkTypeNetAnalyzerTr: // the pseudo-header, then preamble and start delimiter
		return skip(layers.LayerTypeEthernet, b, 12)
	}
	var in inner
	var ok bool
	switch lt {
	case layers.LinkTypePPP, layers.LinkTypePPP_HDLC:
		in, ok = unwrapPPP(b, encapNone)
	case layers.LinkTypePPPEthernet:
		in, ok = unwrapPPPoE(b)
	case layers.LinkTypeC_HDLC:
		if len(b) >= 4 {
			in, ok = byEtherType(binary.BigEndian.Uint16(b[2:4]), b[4:], encapNone)
		}
	case layers.LinkTypeATM_RFC1483:
		in, ok = unwrapLLC(b)
	case layers.LinkTypeArcNet:
		in, ok = arcnet(b, 2)
	case layers.LinkTypeARCNetLinux:
		in, ok = arcnet(b, 4)
	case layers.LinkTypePFLog:
		if len(b) > 0 {
			in, ok = byVersion(after(b, (int(b[0])+3)&^3), encapNone)
		}
	case linkTypeEnc:
		in, ok = byVersion(after(b, 12), encapNone)
	case linkTypeIPNet:
		in, ok = byVersion(after(b, 24), encapNone)
	case linkTypeIPoIB:
		in, ok = ipoib(b)
	case linkTypeNFLog:
		in, ok = byVersion(nflog(b), encapNone)
	}
	if !ok {
		return gopacket.LayerTypeZero, nil, false
	}
	return in.first, in.data, true
}

func skip(first gopacket.LayerType, b []byte, n int) (gopacket.LayerType, []byte, bool) {
	if len(b) < n {
		return gopacket.LayerTypeZero, nil, false
	}
	return first, b[n:], true
}

// after is b past its first n bytes, or nil when it is shorter.
func after(b []byte, n int) []byte {
	if len(b) < n {
		return nil
	}
	return b[n:]
}

// arcnet reads an ARCNET frame as libpcap stores it: source and
// destination station, a 2-byte offset on Linux (hdr is 4 there, 2 on
// BSD), the protocol id, and for RFC 1201 protocols the split flag and
// sequence number, with an exception packet's filler before them.
func arcnet(b []byte, hdr int) (inner, bool) {
	if len(b) < hdr+1 {
		return inner{}, false
	}
	proto, b := b[hdr], b[hdr+1:]
	if proto != arcnetIP1051 && proto != arcnetARP1051 {
		if len(b) >= 4 && b[0] == arcnetSplitException {
			proto, b = b[3], b[4:]
		}
		b = after(b, 3) // split flag, sequence
	}
	switch proto {
	case arcnetIP1051, arcnetIP1201:
		return inner{encapNone, layers.LayerTypeIPv4, b}, len(b) > 0
	case arcnetIPv6:
		return inner{encapNone, layers.LayerTypeIPv6, b}, len(b) > 0
	}
	return inner{}, false
}

// ipoib reads IP over InfiniBand (RFC 4391): a 4-byte header, the
// EtherType and two reserved bytes, after a pseudo-header whose size the
// writers disagree on: Wireshark reads a 40-byte global route header
// before it, Linux drivers build a 20-byte one. The header is taken where
// the EtherType and the IP version after it agree.
func ipoib(b []byte) (inner, bool) {
	for _, off := range []int{40, 20, 0} {
		if len(b) < off+5 {
			continue
		}
		in, ok := byEtherType(binary.BigEndian.Uint16(b[off:off+2]), b[off+4:], encapNone)
		if v, vok := byVersion(in.data, encapNone); ok && vok && v.first == in.first {
			return in, true
		}
	}
	return inner{}, false
}

// nflog finds the packet in a Linux NFLOG record (tcpdump -i nflog:N): a
// 4-byte header, then type-length-value attributes padded to 4 bytes whose
// lengths and types are in the byte order of the host that logged them.
func nflog(b []byte) []byte {
	if len(b) < 4 {
		return nil
	}
	b = b[4:]
	for len(b) >= 4 {
		var order binary.ByteOrder = binary.LittleEndian
		if b[2] == 0 && b[3] != 0 {
			order = binary.BigEndian
		}
		n, typ := int(order.Uint16(b[0:2])), order.Uint16(b[2:4])
		if n < 4 || n > len(b) {
			return nil
		}
		if typ == nflogPayload {
			return b[4:n]
		}
		b = after(b, (n+3)&^3)
	}
	return nil
}
