package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"
)

// tlsListen accepts TLS on an address with a certificate for one server
// name only. A ClientHello for another name is answered with a fatal
// unrecognized_name alert and the connection closed, as a server without
// a certificate bound for the name asked does.
func tlsListen(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tlslisten", flag.ContinueOnError)
	name := fs.String("name", "", "the one server name with a certificate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *name == "" {
		return errors.New("tlslisten: -name NAME and one ADDR:PORT")
	}
	cert, err := selfSigned(*name)
	if err != nil {
		return err
	}
	cfg := &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if h.ServerName == *name {
			return &cert, nil
		}
		return nil, nil // no certificate at all: crypto/tls sends unrecognized_name
	}}
	l, err := net.Listen("tcp", fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "listening")
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			tc := tls.Server(c, cfg)
			tc.SetDeadline(time.Now().Add(5 * time.Second))
			tc.Handshake()
			tc.Close()
		}()
	}
}

// selfSigned makes a throwaway certificate for name.
func selfSigned(name string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// tlsHandshake runs a TLS handshake asking for sni over a connection made,
// and says how it ended: the lab wants both a served and a refused name.
func tlsHandshake(c net.Conn, sni string, timeout time.Duration) string {
	tc := tls.Client(c, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
	tc.SetDeadline(time.Now().Add(timeout))
	if err := tc.Handshake(); err != nil {
		return "tls refused: " + err.Error()
	}
	return "tls connected"
}
