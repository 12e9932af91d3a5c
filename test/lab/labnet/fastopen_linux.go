package main

import (
	"net"
	"syscall"
)

// tcpFastOpenConnect is TCP_FASTOPEN_CONNECT (Linux 4.11): connect returns
// at once and the first write goes out in the SYN.
const tcpFastOpenConnect = 30

// fastOpen makes d's connections send their first data in the SYN.
func fastOpen(d *net.Dialer) error {
	d.Control = func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpFastOpenConnect, 1)
		}); cerr != nil {
			return cerr
		}
		return err
	}
	return nil
}
