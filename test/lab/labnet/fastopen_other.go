//go:build !linux

package main

import (
	"errors"
	"net"
)

func fastOpen(*net.Dialer) error { return errors.New("TCP Fast Open: Linux only") }
