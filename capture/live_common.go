package capture

import (
	"io"
	"net"
	"net/netip"
	"time"
)

// LiveConfig says how to capture from an interface.
type LiveConfig struct {
	Snaplen  int       // bytes kept of each packet; 0 keeps whole packets
	Filter   string    // BPF filter; "" keeps every packet
	Count    int       // stop after this many packets; 0: no limit
	Evidence io.Writer // where to write every packet as pcapng; nil: nowhere
	App      string    // the application named in the evidence file
	// Idle, when positive, makes a read that waited this long for a
	// packet return an *IdleError instead of waiting on, so that the
	// reader knows the capture went on without traffic.
	Idle time.Duration
}

// IdleError is returned by a live capture's read when no packet came for
// LiveConfig.Idle: the capture went on, without traffic, until Until. It
// is no failure; the next read waits again. analyze.Run moves its clock
// on with it.
type IdleError struct{ Until time.Time }

func (e *IdleError) Error() string { return "no packet for a while" }

// IdleUntil is the time until which the capture saw no packet.
func (e *IdleError) IdleUntil() time.Time { return e.Until }

// DefaultSnaplen keeps whole packets, as tcpdump does.
const DefaultSnaplen = 262144

// osInterfaces lists the OS's interfaces with their addresses (pure Go:
// on Windows the names are the friendly names, "Ethernet 2") and, on
// Windows, their adapter GUIDs. Without the GUIDs (the query failed) the
// list is still good: JoinInterfaces then joins by address.
func osInterfaces() ([]OSInterface, error) {
	oss, err := netInterfaces()
	if err != nil {
		return nil, err
	}
	guids, _ := adapterGUIDs()
	return withGUIDs(oss, guids), nil
}

// withGUIDs gives each interface its adapter GUID, by index.
func withGUIDs(oss []OSInterface, guids map[int]string) []OSInterface {
	for i := range oss {
		oss[i].GUID = guids[oss[i].Index]
	}
	return oss
}

func netInterfaces() ([]OSInterface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]OSInterface, 0, len(ifs))
	for _, i := range ifs {
		o := OSInterface{Index: i.Index, Name: i.Name, Flags: i.Flags}
		addrs, _ := i.Addrs()
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil {
				o.Addrs = append(o.Addrs, p)
			}
		}
		out = append(out, o)
	}
	return out, nil
}
