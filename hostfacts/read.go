package hostfacts

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrUnsupported is returned by Read on systems it cannot read.
var ErrUnsupported = errors.New("reading host facts is supported on Linux and Windows only")

// Read reads this host's facts. It only reads: it never changes a setting.
// What it cannot read is listed in Facts.Unread.
func Read(ctx context.Context) (*Facts, error) {
	switch runtime.GOOS {
	case "linux":
		return ReadLinux("/proc")
	case "windows":
		return readWindows(ctx)
	}
	return nil, ErrUnsupported
}

// ReadLinux reads a Linux host's facts: addresses from the kernel (netlink,
// through net.Interfaces) and sysctls and listeners from the procfs
// mounted at proc, all of the calling thread's network namespace.
func ReadLinux(proc string) (*Facts, error) {
	f := &Facts{OS: "linux", Source: "this host", ConfAll: unreadConf, ConfDefault: unreadConf}
	if b, err := os.ReadFile(filepath.Join(proc, "sys/kernel/osrelease")); err == nil {
		f.OSVersion = strings.TrimSpace(string(b))
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	f.AddrsRead = true
	for _, ni := range ifs {
		ifc := f.iface(ni.Name)
		ifc.Index, ifc.Loopback = ni.Index, ni.Flags&net.FlagLoopback != 0
		ifc.Down = ni.Flags&net.FlagUp == 0
		addrs, err := ni.Addrs()
		if err != nil {
			f.Unread = append(f.Unread, ni.Name+" addresses: "+err.Error())
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				ip, _ := netip.AddrFromSlice(n.IP)
				ones, _ := n.Mask.Size()
				ifc.Addrs = append(ifc.Addrs, netip.PrefixFrom(ip.Unmap(), ones))
			}
		}
	}
	f.readSysctls(proc)
	f.readRoutes(proc)
	for _, name := range []string{"net/tcp", "net/tcp6"} {
		b, err := os.ReadFile(filepath.Join(proc, name))
		if err != nil {
			f.Unread = append(f.Unread, filepath.Join(proc, name)+": "+err.Error())
			continue
		}
		ls, err := ParseProcNetTCP(string(b))
		if err != nil {
			f.Unread = append(f.Unread, err.Error())
		}
		f.Listeners = append(f.Listeners, ls...)
		f.ListenersRead = true
	}
	return f, nil
}

// readSysctls reads arp_ignore, arp_announce and rp_filter for all,
// default and each interface.
func (f *Facts) readSysctls(proc string) {
	names := []string{"all", "default"}
	for _, ifc := range f.Interfaces {
		names = append(names, ifc.Name)
	}
	for _, n := range names {
		for _, key := range []string{"arp_ignore", "arp_announce", "rp_filter"} {
			p := filepath.Join(proc, "sys/net/ipv4/conf", n, key)
			b, err := os.ReadFile(p)
			if err != nil {
				f.Unread = append(f.Unread, p+": "+err.Error())
				continue
			}
			f.SysctlRead = f.ApplySysctl("net.ipv4.conf."+n+"."+key+" = "+strings.TrimSpace(string(b))) || f.SysctlRead
		}
	}
}

// readRoutes marks the interfaces that hold a default route, from
// /proc/net/route (destination and mask 00000000).
func (f *Facts) readRoutes(proc string) {
	b, err := os.ReadFile(filepath.Join(proc, "net/route"))
	if err != nil {
		f.Unread = append(f.Unread, filepath.Join(proc, "net/route")+": "+err.Error())
		return
	}
	f.RoutesRead = true
	for _, l := range lines(string(b)) {
		if fs := strings.Fields(l); len(fs) >= 8 && fs[1] == "00000000" && fs[7] == "00000000" {
			f.iface(fs[0]).Gateway = true
		}
	}
}
