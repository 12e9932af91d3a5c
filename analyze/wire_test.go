package analyze

import "github.com/gopacket/gopacket/layers"

// Wire values the tests build frames with, written out from the RFCs and
// libpcap's list rather than taken from the decoder, so that a wrong
// constant there fails a test.
const (
	etherIPv4             = 0x0800
	etherIPv6             = 0x86DD
	portVXLAN             = 4789
	portVXLANLinux        = 8472
	portGeneve            = 6081
	portGREinUDP          = 4754
	portMPLSinUDP         = 6635
	portGTPU              = 2152
	portTeredo            = 3544
	portAYIYA             = 5072
	maxNesting            = 4 // the decoder's bound: a frame nested deeper keeps its outer packet
	etherMPLS             = 0x8847
	arcnetIP1201          = 0xD4
	arcnetIP1051          = 0xF0
	protoFragment         = 44
	protoTCP              = 6
	protoUDP              = 17
	linkTypeRawBSD        = layers.LinkType(12)
	linkTypeEnc           = layers.LinkType(109)
	linkTypeIPNet         = layers.LinkType(226)
	linkTypeNFLog         = layers.LinkType(239)
	linkTypeNetAnalyzer   = layers.LinkType(240)
	linkTypeNetAnalyzerTr = layers.LinkType(241)
	linkTypeIPoIB         = layers.LinkType(242)
)
