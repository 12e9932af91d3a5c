package analyze

import (
	"encoding/binary"
	"strconv"
)

// parseClientHello reports whether a client's first TCP payload is a TLS
// ClientHello and returns the server name it asks for (SNI), if the
// segment holds it. A ClientHello cut short (a small snaplen, or a hello
// spread over several segments) is still a ClientHello, with no name.
func parseClientHello(b []byte) (sni string, ok bool) {
	// Record header: type 22 (handshake), version 3.x, length; then the
	// handshake header: type 1 (ClientHello), 3-byte length.
	if len(b) < 6 || b[0] != 22 || b[1] != 3 || b[5] != 1 {
		return "", false
	}
	end := min(len(b), 5+int(binary.BigEndian.Uint16(b[3:5])))
	if end < 9 {
		return "", true // the record ends inside the handshake header
	}
	h := b[9:end]
	// client_version(2), random(32)
	if len(h) < 34 {
		return "", true
	}
	h = h[34:]
	skip := func(lenBytes int) bool { // a vector with a length prefix
		if len(h) < lenBytes {
			return false
		}
		n := 0
		for _, c := range h[:lenBytes] {
			n = n<<8 | int(c)
		}
		if len(h) < lenBytes+n {
			return false
		}
		h = h[lenBytes+n:]
		return true
	}
	if !skip(1) || !skip(2) || !skip(1) || len(h) < 2 { // session id, cipher suites, compression methods
		return "", true
	}
	exts := h[2:min(len(h), 2+int(binary.BigEndian.Uint16(h)))]
	for len(exts) >= 4 {
		typ, n := binary.BigEndian.Uint16(exts), int(binary.BigEndian.Uint16(exts[2:]))
		if len(exts) < 4+n {
			return "", true
		}
		if typ == 0 { // server_name: list length(2), then name type(1) length(2) name
			return serverName(exts[4 : 4+n]), true
		}
		exts = exts[4+n:]
	}
	return "", true
}

// serverName returns the first host_name of a server_name extension, if
// it is printable ASCII (it goes into reports as text).
func serverName(e []byte) string {
	if len(e) < 5 || e[2] != 0 {
		return ""
	}
	n := int(binary.BigEndian.Uint16(e[3:]))
	if len(e) < 5+n || n == 0 || n > 255 {
		return ""
	}
	name := e[5 : 5+n]
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return ""
		}
	}
	return string(name)
}

// parseAlert reports whether a TCP payload starts with a TLS alert record
// in the clear (content type 21, version 3.x, a 2-byte alert) and returns
// the alert's description. A server that will not serve the name or
// address asked for answers the ClientHello with one, fatal, and closes.
func parseAlert(b []byte) (desc uint8, ok bool) {
	if len(b) < 7 || b[0] != 21 || b[1] != 3 || binary.BigEndian.Uint16(b[3:5]) != 2 {
		return 0, false
	}
	return b[6], true
}

// AlertName is the name RFC 8446 gives a TLS alert description, as
// Wireshark shows it; "alert N" for one it does not name.
func AlertName(desc uint8) string {
	if n, ok := alertNames[desc]; ok {
		return n
	}
	return "alert " + strconv.Itoa(int(desc))
}

var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
	40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
	45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
	49: "access_denied", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
	71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
	109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
	113: "bad_certificate_status_response", 115: "unknown_psk_identity", 116: "certificate_required",
	120: "no_application_protocol",
}
