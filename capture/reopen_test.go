package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// fakeLive yields its frames, then fails with err (or blocks as idle).
type fakeLive struct {
	lt     layers.LinkType
	frames int
	err    error
	closed bool
}

func (f *fakeLive) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if f.frames == 0 {
		return nil, gopacket.CaptureInfo{}, f.err
	}
	f.frames--
	return []byte{1}, gopacket.CaptureInfo{CaptureLength: 1, Length: 1}, nil
}
func (f *fakeLive) LinkType() layers.LinkType { return f.lt }
func (f *fakeLive) Close() error              { f.closed = true; return nil }

// An interface that goes away is closed, said, looked for again while the
// reads report idle time, and read again once back; its frames then carry
// their link type if it changed. A stop ends it with io.EOF.
func TestReopening(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gone := errors.New("The interface went down")
	lives := []*fakeLive{
		{lt: layers.LinkTypeEthernet, frames: 2, err: gone},
		nil, // not there yet
		{lt: layers.LinkTypeLinuxSLL, frames: 1, err: &IdleError{}},
	}
	opens := 0
	r, err := NewReopening(ctx, func() (LiveReader, error) {
		l := lives[opens]
		opens++
		if l == nil {
			return nil, errors.New("no such device")
		}
		return l, nil
	}, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	r.Note = func(err error, down time.Duration) {
		if err != nil {
			notes = append(notes, "down: "+err.Error())
		} else {
			notes = append(notes, "up")
		}
	}
	var got []string
	for range 6 {
		_, ci, err := r.ZeroCopyReadPacketData()
		var idle *IdleError
		switch {
		case err == nil && len(ci.AncillaryData) > 0:
			got = append(got, "frame "+ci.AncillaryData[0].(layers.LinkType).String())
		case err == nil:
			got = append(got, "frame")
		case errors.As(err, &idle):
			got = append(got, "idle")
		default:
			got = append(got, err.Error())
		}
	}
	want := "frame frame idle frame Linux SLL idle idle"
	if strings.Join(got, " ") != want {
		t.Errorf("reads: %q, want %q", strings.Join(got, " "), want)
	}
	if strings.Join(notes, ", ") != "down: The interface went down, up" || !lives[0].closed || r.Reopened != 1 {
		t.Errorf("notes %q, first closed %v, reopened %d", notes, lives[0].closed, r.Reopened)
	}
	cancel()
	if _, _, err := r.ZeroCopyReadPacketData(); !errors.Is(err, io.EOF) {
		t.Errorf("after the stop: %v, want io.EOF", err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("link type %s, want the first capture's", r.LinkType())
	}
}

// A capture that only idles is asked whether its interface is still
// there; when it is not, it is reopened as after an error.
func TestReopeningChecks(t *testing.T) {
	lives := []*fakeLive{{lt: layers.LinkTypeEthernet, err: &IdleError{}}, {lt: layers.LinkTypeEthernet, frames: 1, err: &IdleError{}}}
	opens := 0
	r, err := NewReopening(context.Background(), func() (LiveReader, error) { opens++; return lives[opens-1], nil }, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	r.Check = func() error {
		if checks++; checks == 2 {
			return errors.New("interface v0 (index 3) is gone")
		}
		return nil
	}
	var notes []string
	r.Note = func(err error, _ time.Duration) { notes = append(notes, fmt.Sprint(err)) }
	var got []string
	for range 3 {
		_, _, err := r.ZeroCopyReadPacketData()
		got = append(got, fmt.Sprint(err))
	}
	if want := "no packet for a while <nil> no packet for a while"; strings.Join(got, " ") != want {
		t.Errorf("reads %q, want %q", strings.Join(got, " "), want)
	}
	if want := "interface v0 (index 3) is gone, <nil>"; strings.Join(notes, ", ") != want || !lives[0].closed || opens != 2 {
		t.Errorf("notes %q, want %q; first closed %v, opened %d times", strings.Join(notes, ", "), want, lives[0].closed, opens)
	}
}
