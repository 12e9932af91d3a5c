package analyze

import (
	"net/netip"
	"time"
)

// FrameRef points at one frame: the index of its input in Result.Inputs and
// its 1-based number within that input, as Wireshark counts.
type FrameRef struct {
	File  int
	Frame int
}

// IsZero reports whether the reference points at nothing.
func (r FrameRef) IsZero() bool { return r.Frame == 0 }

// Attempt is one handshake attempt: a client SYN and what became of it.
type Attempt struct {
	Client    netip.AddrPort
	Server    netip.AddrPort // the SYN's destination
	ISN       uint32
	Outcome   Outcome
	Syns      int      // transmissions of the SYN, the first included
	First     FrameRef // the first SYN
	FirstTS   time.Time
	LastSyn   FrameRef // the last SYN transmission seen
	LastSynTS time.Time
	// Reply is what decided the outcome: the SYN-ACK, the RST or the ICMP
	// error. It is zero for unanswered and pending attempts.
	Reply    FrameRef
	ReplyTS  time.Time
	ReplySrc netip.Addr
	// RTT runs from the SYN transmission a SYN-ACK answered to that SYN-ACK;
	// zero without a SYN-ACK, or when only another capture than the SYN's
	// saw the SYN-ACK (their clocks differ).
	RTT time.Duration
	Ack FrameRef // the client's packet that proved the handshake completed

	// After a completed handshake whose client spoke first with a TLS
	// ClientHello: the hello, the name it asked for, and whether the
	// server answered with data or closed (RST or FIN) before any.
	Hello       FrameRef
	SNI         string
	HelloEnd    FrameRef // the server's RST or FIN before any data from it, or its TLS alert
	HelloServed bool     // the server sent data after the hello, not an alert
	HelloReply  FrameRef // the server's first data after the hello
	// Alerted is set when the server's first data after the hello was a
	// TLS alert record (then HelloEnd is that record's frame), Alert its
	// description.
	Alerted bool
	Alert   uint8

	// Early is set when the attempt was decided before its outcome was
	// settled, because more attempts were open at once than the tracker
	// holds (a flood): its outcome is what had been seen by then.
	Early bool
}

// track is an attempt while it is open.
type track struct {
	Attempt
	dest      int32  // index of its destination's totals
	synLen    uint32 // payload the SYN carried (TCP Fast Open): replies ack ISN+1+synLen
	synFrag   bool   // the SYN came in IP fragments: synLen is what the first one carried
	synAckSeq uint32
	// sameKey is the sequence number, plus one, of the attempt that was
	// open with the same reply key (client address and port, server port,
	// ISN) when this one began, to another server address; 0 if none.
	sameKey     uint64
	synAck      bool // a SYN-ACK from the SYN's destination
	wrongSrc    bool // a SYN-ACK from another address
	acked       bool
	refused     bool
	unreachable bool
	spoke       bool // the client sent payload after the handshake
	final       bool // nothing the capture can still show changes the outcome
	hasMAC      bool
	synMAC      [6]byte // destination MAC of the first SYN
	// With several captures of the same traffic: the inputs (a bit each,
	// the first 64) that saw the SYN, and those that saw a SYN-ACK.
	synFiles, replyFiles uint64
}

func fileBit(file int) uint64 {
	if file >= 64 {
		return 0
	}
	return 1 << file
}

// decide sets the outcome from what was seen; end is the capture time at
// which it is decided.
func (t *track) decide(end time.Time, grace time.Duration) {
	switch {
	case t.synAck && t.acked:
		t.Outcome = Completed
	case t.wrongSrc && !t.synAck:
		t.Outcome = WrongSource
	case t.synAck:
		t.Outcome = SynAckNoAck
	case t.refused:
		t.Outcome = Refused
	case t.unreachable:
		t.Outcome = Unreachable
	case t.Syns > 1 || end.Sub(t.FirstTS) >= grace:
		t.Outcome = Unanswered
	default:
		t.Outcome = Pending
	}
}

// settle marks the attempt final once nothing more can change what it
// reports: refused or unreachable, or completed with the client's first
// payload seen and, after a ClientHello, the server's answer to it.
func (t *track) settle() {
	switch {
	case t.refused || t.unreachable:
		t.final = !t.synAck && !t.wrongSrc
	case t.synAck && t.acked && t.spoke:
		t.final = t.Hello.IsZero() || t.HelloServed || !t.HelloEnd.IsZero()
	}
}
