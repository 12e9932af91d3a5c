package etl

import "encoding/binary"

// EtherTypes an Ethernet II frame in a trace is taken to carry.
func knownEtherType(t uint16) bool {
	switch t {
	case 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x888e, 0x8035, 0x88cc, 0x9100, 0x8864, 0x8863:
		return true
	}
	return false
}

// looksEthernet reports whether b is an Ethernet II frame carrying a
// protocol a host's stack sends: an IP packet whose version matches the
// EtherType, or ARP and the like.
func looksEthernet(b []byte) bool {
	if len(b) < 14 {
		return false
	}
	t := binary.BigEndian.Uint16(b[12:])
	switch t {
	case 0x0800:
		return len(b) > 14 && b[14]>>4 == 4
	case 0x86dd:
		return len(b) > 14 && b[14]>>4 == 6
	}
	return knownEtherType(t)
}

// looks80211 reports whether b starts like an 802.11 frame: protocol
// version 0, a defined frame type, and room for the shortest header.
func looks80211(b []byte) bool {
	return len(b) >= 10 && b[0]&0x03 == 0 && (b[0]>>2)&0x03 != 3
}

// looks80211Data reports whether b is an 802.11 data frame (type 2,
// protocol version 0) long enough for its header and an LLC/SNAP header.
func looks80211Data(b []byte) bool {
	if len(b) < 2 || b[0]&0x0f != 0x08 {
		return false
	}
	n, ok := dot11HeaderLen(b)
	return ok && len(b) >= n+8 && b[n] == 0xaa && b[n+1] == 0xaa && b[n+2] == 0x03
}

// dot11HeaderLen is the length of an 802.11 data frame's MAC header.
func dot11HeaderLen(b []byte) (int, bool) {
	if len(b) < 24 {
		return 0, false
	}
	n := 24
	if b[1]&0x03 == 0x03 { // ToDS and FromDS: a fourth address
		n += 6
	}
	if b[0]&0x80 != 0 { // QoS data
		n += 2
		if b[1]&0x80 != 0 { // +HTC (Order bit on QoS data)
			n += 4
		}
	}
	return n, len(b) >= n
}

// dot11ToEthernet rewrites an 802.11 data frame holding an LLC/SNAP
// packet into the Ethernet II frame NDIS hands the upper layers: the
// destination and source addresses, the EtherType, the payload.
func dot11ToEthernet(b []byte) ([]byte, bool) {
	if !looks80211Data(b) {
		return nil, false
	}
	n, _ := dot11HeaderLen(b)
	var da, sa []byte
	switch b[1] & 0x03 {
	case 0x00: // ad hoc: DA, SA, BSSID
		da, sa = b[4:10], b[10:16]
	case 0x01: // to the AP: BSSID, SA, DA
		da, sa = b[16:22], b[10:16]
	case 0x02: // from the AP: DA, BSSID, SA
		da, sa = b[4:10], b[16:22]
	default: // WDS: RA, TA, DA, SA
		da, sa = b[16:22], b[24:30]
	}
	out := make([]byte, 0, 14+len(b)-n-8)
	out = append(out, da...)
	out = append(out, sa...)
	out = append(out, b[n+6:n+8]...)
	return append(out, b[n+8:]...), true
}
