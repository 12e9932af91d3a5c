package capture

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// countingLive is a fakeLive whose library counts drops.
type countingLive struct {
	fakeLive
	dropped, received int
}

func (c *countingLive) Drops() (int, int) { return c.dropped, c.received }

// The drops of a capture reopened add up over every capture opened.
func TestReopeningDrops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lives := []*countingLive{
		{fakeLive: fakeLive{lt: layers.LinkTypeEthernet, frames: 1, err: errors.New("gone")}, dropped: 3, received: 10},
		{fakeLive: fakeLive{lt: layers.LinkTypeEthernet, frames: 1, err: &IdleError{}}, dropped: 2, received: 5},
	}
	opens := 0
	r, err := NewReopening(ctx, func() (LiveReader, error) {
		l := lives[opens]
		opens++
		return l, nil
	}, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // a frame, the failure and reopening, a frame
		r.ZeroCopyReadPacketData()
	}
	if d, rc := r.Drops(); d != 5 || rc != 15 {
		t.Errorf("Drops() = %d, %d; want 5, 15 over both captures", d, rc)
	}
	r.Close()
	if d, rc := r.Drops(); d != 5 || rc != 15 {
		t.Errorf("after Close: Drops() = %d, %d; want 5, 15", d, rc)
	}
}
