package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// LiveReader is a live capture as Reopening reads it; *Live is one.
type LiveReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
	Close() error
}

// Reopening is a live capture that outlives its interface: when a read
// fails (a NIC reset, a VM migration, an interface deleted and created
// again) it closes the capture, says so, and opens it again every Retry
// until that works or its context ends. Meanwhile its reads return
// *IdleError, so that an analysis reading it goes on in time. It ends
// with io.EOF when the context does.
type Reopening struct {
	ctx   context.Context
	open  func() (LiveReader, error)
	cur   LiveReader
	lt    layers.LinkType
	retry time.Duration
	down  time.Time // when the capture failed; zero while it runs
	// Note is told when the capture fails (err) and when it is open again
	// (err nil, after down); it may be nil.
	Note func(err error, down time.Duration)
	// Check, when set, is asked whether the interface is still there each
	// time the capture goes idle: a capture whose interface was deleted
	// may just see nothing, without an error. An error is a failure.
	Check func() error
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Reopened counts the times the capture was opened again.
	Reopened int
	// dropped and received are the counters of the captures closed.
	dropped, received int
}

// dropCounter is a capture that knows what its library dropped.
type dropCounter interface {
	Drops() (dropped, received int)
}

// Drops is what the capture library dropped and received so far, over
// every capture opened; 0, 0 where the captures do not say.
func (r *Reopening) Drops() (dropped, received int) {
	dropped, received = r.dropped, r.received
	if dc, ok := r.cur.(dropCounter); ok {
		d, rc := dc.Drops()
		dropped, received = dropped+d, received+rc
	}
	return dropped, received
}

// closeCur closes the current capture, keeping its counters.
func (r *Reopening) closeCur() error {
	if dc, ok := r.cur.(dropCounter); ok {
		d, rc := dc.Drops()
		r.dropped, r.received = r.dropped+d, r.received+rc
	}
	err := r.cur.Close()
	r.cur = nil
	return err
}

// NewReopening opens the capture with open and returns it, or open's error:
// an interface that cannot be opened at the start is a mistake to report,
// not to wait out.
func NewReopening(ctx context.Context, open func() (LiveReader, error), retry time.Duration) (*Reopening, error) {
	cur, err := open()
	if err != nil {
		return nil, err
	}
	return &Reopening{ctx: ctx, open: open, cur: cur, lt: cur.LinkType(), retry: retry}, nil
}

func (r *Reopening) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// ZeroCopyReadPacketData returns the next frame, reopening the capture as
// needed. A frame whose link type differs from the first capture's says
// so in ci.AncillaryData[0], as analyze expects.
func (r *Reopening) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	for {
		if r.ctx.Err() != nil {
			return nil, gopacket.CaptureInfo{}, io.EOF
		}
		if r.cur == nil {
			if err := r.reopen(); err != nil {
				return nil, gopacket.CaptureInfo{}, err
			}
			continue
		}
		data, ci, err := r.cur.ZeroCopyReadPacketData()
		var idle *IdleError
		switch {
		case err == nil:
			if lt := r.cur.LinkType(); lt != r.lt {
				ci.AncillaryData = []any{lt}
			}
			return data, ci, nil
		case errors.As(err, &idle):
			if r.Check == nil {
				return data, ci, err
			}
			if err = r.Check(); err == nil {
				return data, ci, idle
			}
		case errors.Is(err, io.EOF) && r.ctx.Err() != nil:
			return data, ci, err
		}
		// io.EOF without a stop is a capture that ended by itself: the
		// interface went away under it, as much as an error does.
		r.closeCur()
		r.down = r.now()
		if r.Note != nil {
			r.Note(err, 0)
		}
	}
}

// reopen tries to open the capture again once Retry has passed since it
// failed or was last tried; until then, and after a failed try, it
// returns an *IdleError so the reader's clock goes on.
func (r *Reopening) reopen() error {
	t := time.NewTimer(r.retry)
	defer t.Stop()
	select {
	case <-r.ctx.Done():
		return io.EOF
	case <-t.C:
	}
	cur, err := r.open()
	if err != nil {
		return &IdleError{Until: r.now()}
	}
	r.cur = cur
	r.Reopened++
	if r.Note != nil {
		r.Note(nil, r.now().Sub(r.down))
	}
	return nil
}

// LinkType is the link type of the capture as first opened.
func (r *Reopening) LinkType() layers.LinkType { return r.lt }

// Close stops the capture.
func (r *Reopening) Close() error {
	if r.cur == nil {
		return nil
	}
	return r.closeCur()
}

// ReopenLive captures live on ifc, found as name (what -i says), and when
// the capture stops or the interface goes away opens it again by name
// every retry: its index may change.
func ReopenLive(ctx context.Context, name string, ifc Interface, cfg LiveConfig, retry time.Duration) (*Reopening, error) {
	current := ifc // the interface as last opened
	src, err := NewReopening(ctx, func() (LiveReader, error) {
		ifs, err := ListInterfaces()
		if err != nil {
			return nil, err
		}
		now, err := FindInterface(ifs, name)
		if err != nil {
			return nil, err
		}
		l, err := OpenLive(ctx, now, cfg)
		if err == nil {
			current = now
		}
		return l, err
	}, retry)
	if err != nil {
		return nil, err
	}
	src.Check = func() error { return stillThere(current) }
	return src, nil
}

// stillThere says whether the OS still has the interface a capture was
// opened on, by index and name: a capture on a deleted interface may see
// nothing without any error, and one created again under the same name
// has a new index.
func stillThere(ifc Interface) error {
	if ifc.Index == 0 || ifc.Friendly == "" {
		return nil // not matched to the OS's list: nothing to compare
	}
	i, err := net.InterfaceByIndex(ifc.Index)
	if err != nil || i.Name != ifc.Friendly {
		return fmt.Errorf("interface %s (index %d) is gone", ifc.Friendly, ifc.Index)
	}
	return nil
}
