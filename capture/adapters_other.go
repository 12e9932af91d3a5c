//go:build !windows

package capture

// adapterGUIDs is for Windows only: elsewhere libpcap and the OS name
// interfaces alike, and the join goes by name.
func adapterGUIDs() (map[int]string, error) { return nil, nil }
