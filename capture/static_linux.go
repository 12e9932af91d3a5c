//go:build cgo && staticpcap

package capture

// The release's Linux binaries link libpcap statically (build tag
// staticpcap, see .goreleaser.yaml), so that they start and read captures
// on a host with no libpcap at all. Debian's libpcap.a brings libdbus for
// D-Bus capture, and libdbus.a calls two systemd socket-activation
// functions that only a D-Bus server uses; libsystemd has no static
// library. These definitions answer as a process started without socket
// activation would be told: no sockets were passed. libpcap is named
// again before libdbus because a static link resolves left to right.

/*
#cgo LDFLAGS: -lpcap -ldbus-1
int sd_listen_fds(int unset_environment) { (void)unset_environment; return 0; }
int sd_is_socket(int fd, int family, int type, int listening) {
	(void)fd; (void)family; (void)type; (void)listening;
	return 0;
}
*/
import "C"
