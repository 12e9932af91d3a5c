// Command labnet is the lab's client and server: it listens on TCP
// addresses and closes what it accepts, or makes one TCP connection and
// reports how it ended. It replaces python and netcat, which CI machines
// may lack, and runs inside the lab's network namespaces only.
//
//	labnet listen ADDR:PORT...         print "listening" once all are bound
//	labnet tlslisten -name NAME ADDR:PORT  TLS with a certificate for NAME only
//	labnet dial [-src ADDR] [-timeout D] [-data N] [-sni NAME] ADDR:PORT
//	labnet fragsyn -i IFACE -dstmac MAC -src ADDR [-first N] [-atomic] ADDR:PORT
//	                                   a handshake whose SYN is sent in fragments
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "labnet:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: labnet listen ADDR:PORT... | labnet dial [-src ADDR] [-timeout D] ADDR:PORT")
	}
	switch args[0] {
	case "listen":
		return listen(args[1:], stdout)
	case "dial":
		return dial(args[1:], stdout)
	case "fragsyn":
		return fragsyn(args[1:], stdout)
	case "tlslisten":
		return tlsListen(args[1:], stdout)
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

// listen accepts on every address and closes each connection at once; it
// runs until killed.
func listen(addrs []string, stdout io.Writer) error {
	if len(addrs) == 0 {
		return errors.New("listen: no address")
	}
	errs := make(chan error, len(addrs))
	for _, a := range addrs {
		l, err := net.Listen("tcp", a)
		if err != nil {
			return err
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					errs <- err
					return
				}
				c.Close()
			}
		}()
	}
	fmt.Fprintln(stdout, "listening")
	return <-errs
}

// dial makes one connection attempt and prints its end: connected,
// refused or timeout. None of them is an error: the scenarios want all three.
func dial(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dial", flag.ContinueOnError)
	src := fs.String("src", "", "source address to bind")
	timeout := fs.Duration("timeout", 3500*time.Millisecond, "give up after this long")
	data := fs.Int("data", 0, "send this many bytes in the SYN (TCP Fast Open)")
	sni := fs.String("sni", "", "once connected, a TLS handshake asking for this server name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("dial: one ADDR:PORT")
	}
	d := net.Dialer{}
	if *src != "" {
		ip := net.ParseIP(*src)
		if ip == nil {
			return fmt.Errorf("dial: bad -src %q", *src)
		}
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	if *data > 0 {
		if err := fastOpen(&d); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", fs.Arg(0))
	if err == nil && *data > 0 {
		// With fast open the handshake happens here: the write sends the
		// SYN and its data, and the read waits for the server's close.
		c.SetDeadline(time.Now().Add(*timeout))
		if _, err = c.Write(make([]byte, *data)); err == nil {
			_, err = c.Read(make([]byte, 1))
		}
		// The server closes without reading: EOF, or a reset for the
		// data it left unread. Either way the handshake was made.
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			err = nil
		}
		if err != nil {
			c.Close()
		}
	}
	switch {
	case err == nil && *sni != "":
		fmt.Fprintln(stdout, tlsHandshake(c, *sni, *timeout))
		c.Close()
	case err == nil:
		c.Close()
		fmt.Fprintln(stdout, "connected")
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		fmt.Fprintln(stdout, "timeout")
	default:
		fmt.Fprintln(stdout, "refused:", err)
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
