//go:build windows

package capture

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// adapterGUIDs maps each interface index to its adapter's GUID
// (GetAdaptersAddresses' AdapterName), the name Npcap's devices carry.
func adapterGUIDs() (map[int]string, error) {
	const flags = windows.GAA_FLAG_SKIP_UNICAST | windows.GAA_FLAG_SKIP_ANYCAST |
		windows.GAA_FLAG_SKIP_MULTICAST | windows.GAA_FLAG_SKIP_DNS_SERVER
	size := uint32(15000) // Microsoft's advice for the first try
	var b []byte
	for {
		b = make([]byte, size)
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])), &size)
		if err == nil {
			break
		}
		if errors.Is(err, windows.ERROR_NO_DATA) {
			return map[int]string{}, nil
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || size <= uint32(len(b)) {
			return nil, os.NewSyscallError("GetAdaptersAddresses", err)
		}
	}
	out := map[int]string{}
	for aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])); aa != nil; aa = aa.Next {
		// net.Interfaces numbers an adapter the same way.
		index := int(aa.IfIndex)
		if index == 0 {
			index = int(aa.Ipv6IfIndex)
		}
		out[index] = windows.BytePtrToString(aa.AdapterName)
	}
	return out, nil
}
