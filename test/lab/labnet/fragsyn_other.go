//go:build !linux

package main

import (
	"errors"
	"io"
)

func fragsyn([]string, io.Writer) error { return errors.New("fragsyn: packet sockets are Linux only") }
