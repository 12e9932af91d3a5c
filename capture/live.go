//go:build cgo || windows

package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
	"github.com/gopacket/gopacket/pcapgo"
)

// LiveAvailable reports whether this build can capture live: libpcap via
// cgo, or Npcap's wpcap.dll loaded at run time on Windows.
const LiveAvailable = true

// pollTimeout bounds how long a read waits for a packet before it looks
// whether the capture should stop.
const pollTimeout = 200 * time.Millisecond

// ListInterfaces lists the capture devices joined with the OS's interfaces.
func ListInterfaces() ([]Interface, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return nil, classifyOpenError("the interface list", err, "")
	}
	oss, err := osInterfaces()
	if err != nil {
		return nil, err
	}
	ds := make([]Device, len(devs))
	for i, d := range devs {
		ds[i] = Device{Name: d.Name, Description: d.Description, Flags: d.Flags}
		for _, a := range d.Addresses {
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok {
				continue
			}
			bits := ip.Unmap().BitLen()
			if ones, _ := a.Netmask.Size(); a.Netmask != nil {
				bits = ones
			}
			ds[i].Addrs = append(ds[i].Addrs, netip.PrefixFrom(ip.Unmap(), bits))
		}
	}
	return JoinInterfaces(ds, oss), nil
}

// CheckFilter compiles filter for Ethernet, so that a bad -f fails before
// any interface is opened (no privilege is needed to compile). A filter
// past MaxFilterLen or MaxFilterTerms, or slower to compile than
// FilterCompileTimeout, is refused with ErrFilterTooBig.
func CheckFilter(filter string, snaplen int) error {
	if filter == "" {
		return nil
	}
	if err := checkFilterSize(filter); err != nil {
		return err
	}
	abandoned, err := compileWithin(context.Background(), FilterCompileTimeout, func() error {
		_, err := pcap.CompileBPFFilter(layers.LinkTypeEthernet, snaplen, filter)
		return err
	})
	if abandoned {
		return err
	}
	if err != nil {
		if e := classifyOpenError("the capture library", err, ""); errors.Is(e, ErrNoNpcap) {
			return e
		}
		return &FilterError{Filter: filter, Err: err}
	}
	return nil
}

// Live is a live capture on one interface. It is a packet source for
// analyze: reads end with io.EOF when ctx is done or Count packets were
// read, so a normal stop is the end of the input, not an interruption.
type Live struct {
	ctx   context.Context
	h     *pcap.Handle
	ifc   Interface
	cfg   LiveConfig
	n     int
	ng    *pcapgo.NgWriter
	start time.Time
	last  time.Time // when the last packet, or the last idle report, came
	werr  error     // the first evidence write error
}

// OpenLive starts capturing on ifc.
func OpenLive(ctx context.Context, ifc Interface, cfg LiveConfig) (*Live, error) {
	if cfg.Snaplen <= 0 {
		cfg.Snaplen = DefaultSnaplen
	}
	h, err := activate(ifc.Name, cfg.Snaplen)
	if err != nil {
		return nil, err
	}
	if cfg.Filter != "" {
		if err := checkFilterSize(cfg.Filter); err != nil {
			h.Close()
			return nil, err
		}
		abandoned, err := compileWithin(ctx, FilterCompileTimeout, func() error { return h.SetBPFFilter(cfg.Filter) })
		switch {
		case abandoned:
			return nil, err // the compile still uses h: it is left open
		case err != nil:
			h.Close()
			return nil, &FilterError{Filter: cfg.Filter, Err: err}
		}
	}
	l := &Live{ctx: ctx, h: h, ifc: ifc, cfg: cfg, start: time.Now()}
	l.last = l.start
	if cfg.Evidence != nil {
		l.ng, err = pcapgo.NewNgWriterInterface(cfg.Evidence, pcapgo.NgInterface{
			Name: ifc.Name, Description: ifc.Description, Filter: cfg.Filter, OS: runtime.GOOS,
			LinkType: h.LinkType(), SnapLength: uint32(cfg.Snaplen),
		}, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{OS: runtime.GOOS, Application: cfg.App}})
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("writing the evidence file: %w", err)
		}
	}
	return l, nil
}

func activate(device string, snaplen int) (*pcap.Handle, error) {
	in, err := pcap.NewInactiveHandle(device)
	if err != nil {
		return nil, classifyOpenError(device, err, "")
	}
	defer in.CleanUp()
	for _, set := range []func() error{
		func() error { return in.SetSnapLen(snaplen) },
		func() error { return in.SetPromisc(true) },
		func() error { return in.SetTimeout(pollTimeout) },
		func() error { return in.SetImmediateMode(true) },
	} {
		if err := set(); err != nil {
			return nil, classifyOpenError(device, err, "")
		}
	}
	h, err := in.Activate()
	if err != nil {
		detail := ""
		if e := in.Error(); e != nil {
			detail = e.Error()
		}
		return nil, classifyOpenError(device, err, detail)
	}
	return h, nil
}

// ZeroCopyReadPacketData returns the next packet, also written to the
// evidence file. The data is valid until the next call.
func (l *Live) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	for {
		if l.ctx.Err() != nil || (l.cfg.Count > 0 && l.n >= l.cfg.Count) {
			return nil, gopacket.CaptureInfo{}, io.EOF
		}
		data, ci, err := l.h.ZeroCopyReadPacketData()
		switch {
		case err == nil:
			l.n++
			l.last = time.Now()
			l.write(ci, data)
			return data, ci, nil
		case errors.Is(err, pcap.NextErrorTimeoutExpired):
			// No packet yet: look again whether to stop.
			if now := time.Now(); l.cfg.Idle > 0 && now.Sub(l.last) >= l.cfg.Idle {
				l.last = now
				return nil, gopacket.CaptureInfo{}, &IdleError{Until: now}
			}
		case errors.Is(err, io.EOF):
			return nil, ci, io.EOF
		default:
			return nil, ci, fmt.Errorf("capturing on %s: %w", l.ifc.Name, err)
		}
	}
}

func (l *Live) write(ci gopacket.CaptureInfo, data []byte) {
	if l.ng == nil || l.werr != nil {
		return
	}
	ci.InterfaceIndex = 0 // the file's only interface, not the OS index
	l.werr = l.ng.WritePacket(ci, data)
}

// LinkType is the interface's link type.
func (l *Live) LinkType() layers.LinkType { return l.h.LinkType() }

// Drops is what the capture library dropped (kernel or Npcap for lack of
// buffer, and the interface) and received so far.
func (l *Live) Drops() (dropped, received int) {
	ps, err := l.h.Stats()
	if err != nil {
		return 0, 0
	}
	return ps.PacketsDropped + ps.PacketsIfDropped, ps.PacketsReceived
}

// Close stops the capture and completes the evidence file with the
// capture library's counters.
func (l *Live) Close() error {
	ps, err := l.h.Stats()
	l.h.Close()
	if l.ng == nil {
		return nil
	}
	if l.werr == nil && err == nil {
		l.werr = l.ng.WriteInterfaceStats(0, pcapgo.NgInterfaceStatistics{
			StartTime: l.start, EndTime: time.Now(), LastUpdate: time.Now(),
			PacketsReceived: uint64(ps.PacketsReceived), PacketsDropped: uint64(ps.PacketsDropped + ps.PacketsIfDropped),
		})
	}
	if ferr := l.ng.Flush(); l.werr == nil {
		l.werr = ferr
	}
	if l.werr != nil {
		return fmt.Errorf("writing the evidence file: %w", l.werr)
	}
	return nil
}
