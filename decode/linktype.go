package decode

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// A linkType is one link-layer header type (libpcap's LINKTYPE_ values,
// as files store them): its name when gopacket has none, and how the
// layer after its header is found. Each link type's file registers it.
type linkType struct {
	name  string
	start func(b []byte) (inner, bool)
}

// links are the link types the decoder reads, indexed by number (an
// array, not a map: it is read for every frame), filled once as the
// package is initialised and only read after. libpcap's numbers stay
// below 300.
var links [512]linkType

func registerLink(lt layers.LinkType, name string, start func(b []byte) (inner, bool)) bool {
	links[lt] = linkType{name, start} // a number past the table stops the program's start: a bug here, not in an input
	return true
}

// link returns the link type's entry, and whether it is decoded.
func link(lt layers.LinkType) (linkType, bool) {
	if int(lt) >= len(links) || links[lt].start == nil {
		return linkType{}, false
	}
	return links[lt], true
}

// Supported reports whether frames of the link type can be decoded.
func Supported(lt layers.LinkType) bool {
	_, ok := link(lt)
	return ok
}

// LinkTypeName is the name a report gives a link type: libpcap's, for
// the link types gopacket has no name for.
func LinkTypeName(lt layers.LinkType) string {
	if l, ok := link(lt); ok && l.name != "" {
		return l.name
	}
	return lt.String()
}

// linkStart strips the link-layer header of a frame and says which layer
// follows it; ok is false when the frame carries nothing slbdiag reads.
// The link types gopacket decodes itself are returned whole.
func linkStart(lt layers.LinkType, b []byte) (gopacket.LayerType, []byte, bool) {
	l, ok := link(lt)
	if !ok {
		return gopacket.LayerTypeZero, nil, false
	}
	in, ok := l.start(b)
	if !ok {
		return gopacket.LayerTypeZero, nil, false
	}
	return in.first, in.data, true
}

// whole starts a frame with a layer gopacket decodes.
func whole(first gopacket.LayerType) func(b []byte) (inner, bool) {
	return func(b []byte) (inner, bool) { return inner{first: first, data: b}, true }
}

// skip starts a frame after an n-byte pseudo-header.
func skip(first gopacket.LayerType, n int) func(b []byte) (inner, bool) {
	return func(b []byte) (inner, bool) {
		if len(b) < n {
			return inner{}, false
		}
		return inner{first: first, data: b[n:]}, true
	}
}

// after is b past its first n bytes, or nil when it is shorter.
func after(b []byte, n int) []byte {
	if len(b) < n {
		return nil
	}
	return b[n:]
}
