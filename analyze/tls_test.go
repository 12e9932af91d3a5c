package analyze

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// realClientHello has Go's TLS client write a ClientHello for server name
// sni over an in-memory connection, and returns its first record.
func realClientHello(t testing.TB, sni string) []byte {
	t.Helper()
	b, err := clientHello(sni)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func clientHello(sni string) ([]byte, error) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	go func() {
		conn := tls.Client(c, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		conn.Handshake() // fails when the pipe closes; only the hello matters
	}()
	s.SetDeadline(time.Now().Add(5 * time.Second))
	hdr := make([]byte, 5)
	if _, err := ioReadFull(s, hdr); err != nil {
		return nil, err
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := ioReadFull(s, body); err != nil {
		return nil, err
	}
	return append(hdr, body...), nil
}

func ioReadFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func TestParseClientHello(t *testing.T) {
	hello := realClientHello(t, "shop.example.com")
	tests := []struct {
		name    string
		in      []byte
		sni     string
		isHello bool
	}{
		{"a real ClientHello", hello, "shop.example.com", true},
		{"cut by a 128-byte snaplen: a hello, no name", hello[:128-54], "", true},
		{"only the record and handshake headers", hello[:9], "", true},
		{"HTTP, not TLS", []byte("GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n"), "", false},
		{"a TLS alert", []byte{21, 3, 3, 0, 2, 2, 40}, "", false},
		{"empty", nil, "", false},
	}
	for _, tt := range tests {
		sni, ok := parseClientHello(tt.in)
		if sni != tt.sni || ok != tt.isHello {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", tt.name, sni, ok, tt.sni, tt.isHello)
		}
	}
	if _, ok := parseClientHello(realClientHello(t, "")); !ok {
		t.Error("a hello without SNI is still a hello")
	}
}

// FuzzParseClientHello: any payload is a hello or not, never a panic, and
// a name it returns is printable.
func FuzzParseClientHello(f *testing.F) {
	f.Add(realClientHello(f, "shop.example.com"))
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		sni, ok := parseClientHello(b)
		if !ok && sni != "" {
			t.Fatal("a name from a non-hello")
		}
		for _, c := range []byte(sni) {
			if c <= ' ' || c > '~' {
				t.Fatalf("unprintable name %q", sni)
			}
		}
	})
}

func TestParseAlert(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		desc uint8
		ok   bool
	}{
		{"fatal unrecognized_name", []byte{21, 3, 3, 0, 2, 2, 112}, 112, true},
		{"handshake_failure, TLS 1.0 record", []byte{21, 3, 1, 0, 2, 2, 40}, 40, true},
		{"cut short", []byte{21, 3, 3, 0, 2, 2}, 0, false},
		{"encrypted alert (longer record)", []byte{21, 3, 3, 0, 26, 1, 2, 3}, 0, false},
		{"ServerHello", []byte{22, 3, 3, 0, 2, 2, 0}, 0, false},
		{"not TLS", []byte{'H', 'T', 'T', 'P', '/', '1', '.'}, 0, false},
	}
	for _, tt := range tests {
		desc, ok := parseAlert(tt.b)
		if desc != tt.desc || ok != tt.ok {
			t.Errorf("%s: parseAlert = %d, %v; want %d, %v", tt.name, desc, ok, tt.desc, tt.ok)
		}
	}
	if got := AlertName(112); got != "unrecognized_name" {
		t.Errorf("AlertName(112) = %q", got)
	}
	if got := AlertName(200); got != "alert 200" {
		t.Errorf("AlertName(200) = %q", got)
	}
}
