//go:build !cgo && !windows

package capture

import (
	"context"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// LiveAvailable reports whether this build can capture live.
const LiveAvailable = false

// ListInterfaces fails: without cgo there is no libpcap to list capture
// devices with.
func ListInterfaces() ([]Interface, error) { return nil, ErrNoLibpcap }

// OpenLive fails: without cgo there is no libpcap to capture with.
func OpenLive(ctx context.Context, ifc Interface, cfg LiveConfig) (*Live, error) {
	return nil, ErrNoLibpcap
}

// CheckFilter fails: without cgo there is no libpcap to compile filters.
func CheckFilter(filter string, snaplen int) error { return ErrNoLibpcap }

// Live is a live capture; this build cannot make one.
type Live struct{}

// ZeroCopyReadPacketData is never reached: OpenLive returns no Live.
func (l *Live) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return nil, gopacket.CaptureInfo{}, ErrNoLibpcap
}

// LinkType is never reached: OpenLive returns no Live.
func (l *Live) LinkType() layers.LinkType { return layers.LinkTypeNull }

// Close is never reached: OpenLive returns no Live.
func (l *Live) Close() error { return ErrNoLibpcap }
