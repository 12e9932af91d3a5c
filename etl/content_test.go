package etl

import "testing"

// TestPktMonContent decides what payloads of each packet type hold.
func TestPktMonContent(t *testing.T) {
	eth := tcpFrame(t, clientIP, vip, 1, 2, 3, 4, true, false, 5)
	dot11 := toDot11(eth)
	// An 802.11 data frame whose second address reads as EtherType IPv4
	// followed by a version-4 nibble: its SNAP header still decides.
	tricky := append([]byte(nil), dot11...)
	tricky[12], tricky[13], tricky[14] = 0x08, 0x00, 0x45
	null := make([]byte, 24)
	null[0] = 0x48 // a null data frame: 802.11, no payload
	tests := []struct {
		name string
		typ  uint16
		b    []byte
		want Content
	}{
		{"ethernet", 1, eth, ContentEthernet},
		{"WiFi holding Ethernet", 2, eth, ContentEthernet},
		{"WiFi holding 802.11", 2, dot11, Content80211},
		{"802.11 that looks like Ethernet", 2, tricky, Content80211},
		{"802.11 without data", 2, null, Content80211},
		{"WiFi holding neither", 2, []byte{0xff, 0xff, 0xff}, ContentUnknown},
		{"IP", 3, eth[14:], ContentRawIP},
		{"IP that is not", 3, []byte{0x00, 1, 2}, ContentUnknown},
		{"HTTP", 4, []byte("GET / HTTP/1.1"), ContentUnknown},
		{"empty", 1, nil, ContentEthernet},
	}
	for _, tt := range tests {
		if got := pktmonContent(tt.typ, tt.b); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
