package analyze

import "net/netip"

// Place is where a capture was taken, as far as the packets tell.
type Place string

// Capture places.
const (
	PlaceBackend Place = "backend" // on the server the SYNs are addressed to
	PlaceClient  Place = "client"  // on the machine sending the SYNs
	PlacePath    Place = "path"    // between them: a router, load balancer or mirror port
	PlaceLAN     Place = "lan"     // client and server on one network, both seen unrouted
	PlaceUnknown Place = ""
)

// CapturePoint says where the capture was taken and the observation that
// says so: the TTL (hop limit) of packets as captured. A host sends with
// an initial TTL (64, 128 or 255) and every router takes one off, so the
// side whose packets still carry an initial TTL is the side the capture
// was taken on.
type CapturePoint struct {
	Place     Place
	Host      netip.Addr // a server address whose packets carry an initial TTL
	HostTTL   uint8
	SynTTL    uint8 // the TTL most client SYNs carry
	SynShare  int   // percent of client SYNs with that TTL
	SynSample int   // client SYNs looked at
}

func initialTTL(ttl uint8) bool { return ttl == 64 || ttl == 128 || ttl == 255 }

// InitialTTLAbove is the initial TTL a packet seen with ttl most likely
// left its sender with: the next of 64, 128 and 255 at or above it.
func InitialTTLAbove(ttl uint8) uint8 {
	switch {
	case ttl <= 64:
		return 64
	case ttl <= 128:
		return 128
	}
	return 255
}

// capturePoint judges the place from the servers' TTLs and the clients'.
func (a *analyzer) capturePoint(dests []Destination) CapturePoint {
	var cp CapturePoint
	if len(a.infos) > 1 {
		return cp // several capture points: the TTLs of all mixed say nothing
	}
	serversSent := false
	for _, d := range dests {
		serversSent = serversSent || d.Sent > 0
		if d.Role == RoleHost && initialTTL(d.HostTTL) {
			cp.Host, cp.HostTTL = d.Server.Addr(), d.HostTTL
			break
		}
	}
	// A backend that answers from the VIP (given with --vip) sends from
	// it with its initial TTL just the same.
	for _, d := range dests {
		if !cp.Host.IsValid() && d.Sent > 0 && initialTTL(d.HostTTL) {
			cp.Host, cp.HostTTL = d.Server.Addr(), d.HostTTL
		}
	}
	best := 0
	for ttl, n := range a.tr.synTTLs {
		cp.SynSample += n
		if n > best || (n == best && uint8(ttl) > cp.SynTTL) {
			best, cp.SynTTL = n, uint8(ttl)
		}
	}
	if cp.SynSample == 0 {
		return cp
	}
	cp.SynShare = best * 100 / cp.SynSample
	clientInitial := initialTTL(cp.SynTTL) && cp.SynShare >= 90
	switch hostInitial := cp.Host.IsValid(); {
	case hostInitial && clientInitial:
		cp.Place = PlaceLAN
	case hostInitial:
		cp.Place = PlaceBackend
	case clientInitial:
		cp.Place = PlaceClient
	case serversSent:
		cp.Place = PlacePath
	default:
		// The servers sent nothing: on the backend or in the path, the
		// clients' SYNs look the same.
		cp.Place = PlaceUnknown
	}
	return cp
}
