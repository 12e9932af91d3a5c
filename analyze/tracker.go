package analyze

import (
	"net/netip"
	"time"
)

// addrInfo is what the capture shows an address doing: being a SYN
// destination, and sending packets.
type addrInfo struct {
	dest     bool
	sent     int
	firstOut FrameRef
	hasMAC   bool
	mac      [6]byte // the MAC its first packet was sent from
	ttl      uint8   // the TTL (hop limit) of its first packet
}

// Bounds of the tracker's tables. Past maxOpen attempts open at once the
// oldest is decided early; past maxGone finished attempts remembered, the
// oldest is forgotten early; past maxAddrs addresses, new ones are not
// followed; past maxMidstreamFlows, connections without a SYN are
// counted as packets only. Each is said in the report when reached.
const (
	maxOpen           = 1 << 17
	maxGone           = 1 << 17
	maxAddrs          = 1 << 16
	maxMidstreamFlows = 1 << 16
	maxOrphans        = 1 << 12
)

// DefaultHorizon is how long after its first SYN an attempt stays open:
// longer than a Windows client retransmits a SYN (21 s) and than Linux's
// default retries take to their fifth retransmission (31 s after the
// first SYN). A later transmission (Linux's sixth, at 63 s) is still
// counted to its attempt for another two horizons, as a late packet.
const DefaultHorizon = 32 * time.Second

// replyRef is where a reply key points: an attempt, and its destination
// for when it has left the window.
type replyRef struct {
	seq  uint64
	dest int32
	// synSec is the first SYN's time in Unix seconds, 0 when unknown: a
	// reply that comes after its attempt left says how late it was. It
	// fills the struct's padding.
	synSec uint32
}

// flowRef is where a connection's packets go, and when the connection
// was last seen after its attempt left the window.
type flowRef struct {
	seq  uint64
	last int64
}

// goneKeys are the map keys of an attempt that has left the window, kept
// until its packets can no longer come.
type goneKeys struct {
	seq                uint64
	at                 int64 // when it left, or its connection was last seen, in capture time
	reply, replyTFO    uint64
	flow, wrongSrcFlow uint64
	tfo, wrong         bool
}

// tracker follows handshake attempts frame by frame and hands each one,
// once final, to the running totals and to the Run's consumer.
type tracker struct {
	// elsewhere counts the SYNs to ports not watched.
	elsewhere elsewhere

	ports *PortSet
	win   window
	// byReply finds the attempt a reply answers; byFlow the attempt a
	// connection's other packets belong to.
	byReply      map[uint64]replyRef
	byFlow       map[uint64]flowRef
	gone         ring[goneKeys]    // the keys of finished attempts, oldest first
	earlySingles earlySingles      // attempts decided early that may yet prove pending
	orphans      map[uint64]orphan // SYN-ACKs seen before their SYN
	orphanQ      ring[orphanRef]   // their keys, oldest first

	addrs map[netip.Addr]*addrInfo
	arps  map[arpKey]*arpClaim // ARP replies and announcements, by address and MAC
	dups  *dedup

	totals *runTotals
	// The bounds of the window and of the finished attempts remembered:
	// maxOpen and maxGone, smaller in tests.
	maxOpen, maxGone int
	horizon          time.Duration
	grace            time.Duration
	clock            time.Time // the latest timestamp seen
	now              int64     // clock in Unix nanoseconds
	emitFail         error     // the first error the consumer returned

	synPackets int
	clocks     clockSamples                // offsets between captures of the same SYNs
	badSums    struct{ syns, synAcks int } // SYNs and SYN-ACKs with a wrong TCP checksum
	malformed  struct {                    // TCP headers that cannot be one, and the first of them
		n     int
		first FrameRef
	}
	synTTLs          [256]int // client SYNs by the TTL they arrived with
	midstreamPackets int
	midstreamFlows   map[flowKey]struct{}
	midstreamCapped  bool

	// What the bounds cost, for the report.
	early, forgotten, addrsCapped, arpsCapped int
	lateSyns, latePackets                     int
	lateBy                                    time.Duration // the latest reply after its attempt left, from its first SYN
}

// flowKey is a connection's 4-tuple, client side first.
type flowKey struct {
	client, server netip.AddrPort
}

func newTracker(ports *PortSet) *tracker {
	return &tracker{
		ports:          ports,
		byReply:        make(map[uint64]replyRef),
		byFlow:         make(map[uint64]flowRef),
		orphans:        make(map[uint64]orphan),
		addrs:          make(map[netip.Addr]*addrInfo),
		arps:           make(map[arpKey]*arpClaim),
		midstreamFlows: make(map[flowKey]struct{}),
		dups:           newDedup(),
		totals:         newRunTotals(nil),
		maxOpen:        maxOpen,
		maxGone:        maxGone,
		horizon:        DefaultHorizon,
		grace:          DefaultGrace,
	}
}

// addIP takes a decoded IP packet whose copy check is done: dup says
// whether it is a copy of one seen just before.
func (t *tracker) addIP(p *packet, ref FrameRef, ts time.Time, dup bool) {
	if dup {
		return
	}
	if ts.After(t.clock) {
		t.clock, t.now = ts, ts.UnixNano()
		// Attempts whose horizon has passed leave before this packet is
		// matched, so that it finds them gone, whatever it is.
		t.drain(false)
	}
	t.noteSender(p, ref)
	if p.SumBad {
		if p.Flags&flagACK != 0 {
			t.badSums.synAcks++
		} else {
			t.badSums.syns++
		}
	}
	switch {
	case p.MalformedTCP():
		if t.malformed.n++; t.malformed.first.IsZero() {
			t.malformed.first = ref
		}
	case p.IsICMPErr:
		t.icmpError(p, ref, ts)
	case !p.IsTCP:
	default:
		t.tcp(p, ref, ts)
	}
	if t.win.len() > 0 && t.win.oldest().final {
		t.drain(false)
	}
}

func (t *tracker) tcp(p *packet, ref FrameRef, ts time.Time) {
	src := netip.AddrPortFrom(p.Src, p.Sport)
	dst := netip.AddrPortFrom(p.Dst, p.Dport)
	switch {
	case p.Flags&(flagSYN|flagACK) == flagSYN:
		if t.ports.Has(p.Dport) {
			t.syn(p, src, dst, ref, ts)
			return
		}
		t.elsewhere.note(dst)
	case p.Flags&(flagSYN|flagACK) == flagSYN|flagACK:
		if t.ports.Has(p.Sport) && t.reply(p, dst, ref, ts) {
			return
		}
	case p.Flags&flagRST != 0 && p.Flags&flagACK != 0:
		if t.ports.Has(p.Sport) && t.reply(p, dst, ref, ts) {
			return
		}
	}
	t.flowPacket(p, src, dst, ref)
}

func (t *tracker) syn(p *packet, client, server netip.AddrPort, ref FrameRef, ts time.Time) {
	t.clocks.ttl(ref.File, p.TTL)
	t.noteDest(p.Dst)
	rk := replyHash(client, server.Port(), p.Seq)
	var sameKey uint64
	if r, ok := t.byReply[rk]; ok {
		if a, _ := t.replyChain(r.seq, func(a *track) bool {
			return a.Client == client && a.Server == server && a.ISN == p.Seq
		}); a != nil {
			t.resent(a, p, ref, ts)
			return
		}
		if r.seq < t.win.head && (r.dest < 0 || t.totals.server(r.dest) == server) {
			// A retransmission after its attempt left the window: its
			// line is written, its destination counts the transmission.
			t.countSyn(p)
			t.totals.lateSyn(r.dest)
			t.lateSyns++
			return
		}
		// The same client port and ISN to another server address: the
		// same SYN seen before and after a load balancer's NAT. Both
		// attempts' replies carry this key.
		sameKey = r.seq + 1
	}
	t.countSyn(p)
	if t.win.len() >= t.maxOpen {
		t.leave(true)
	}
	seq, a := t.win.push()
	a.Attempt = Attempt{Client: client, Server: server, ISN: p.Seq, Syns: 1,
		First: ref, FirstTS: ts, LastSyn: ref, LastSynTS: ts}
	a.synFiles = fileBit(ref.File)
	a.hasMAC, a.synMAC = p.HasMAC, p.DstMAC
	a.dest = t.totals.dest(server)
	a.synLen, a.synFrag = uint32(p.payloadLen), p.Fragment
	a.sameKey = sameKey
	t.byReply[rk] = replyRef{seq, a.dest, uint32(ts.Unix())}
	if a.synLen > 0 {
		t.byReply[replyHash(client, server.Port(), p.Seq+a.synLen)] = replyRef{seq, a.dest, uint32(ts.Unix())}
	}
	t.byFlow[flowHash(client, server)] = flowRef{seq: seq}
	if len(t.orphans) > 0 {
		t.adopt(a, rk)
	}
}

// resent counts another transmission of an open attempt's SYN, or notes
// another capture's copy of it.
func (t *tracker) resent(a *track, p *packet, ref FrameRef, ts time.Time) {
	if ref.File != a.First.File {
		// Another capture of the same traffic: the same transmissions
		// seen elsewhere, not new ones. Note where, and the clocks.
		if a.synFiles&fileBit(ref.File) == 0 {
			t.clocks.sample(a.First.File, ref.File, ts.Sub(a.FirstTS))
		}
		a.synFiles |= fileBit(ref.File)
		return
	}
	t.countSyn(p)
	a.Syns++
	a.LastSyn, a.LastSynTS = ref, ts
}

// flowPacket takes a TCP packet that is neither a SYN nor a reply: the
// client's ACK and data, or the server's answer to a ClientHello.
func (t *tracker) flowPacket(p *packet, src, dst netip.AddrPort, ref FrameRef) {
	var key flowKey
	toServer := t.ports.Has(p.Dport)
	switch {
	case toServer:
		key = flowKey{src, dst}
	case t.ports.Has(p.Sport):
		key = flowKey{dst, src}
	default:
		return
	}
	h := flowHash(key.client, key.server)
	f, ok := t.byFlow[h]
	if !ok && !toServer && t.ports.Has(p.Dport) {
		// Both ports watched: the other way round.
		key = flowKey{src, dst}
		h = flowHash(key.client, key.server)
		f, ok = t.byFlow[h]
	}
	if !ok {
		t.midstream(key)
		return
	}
	a := t.win.at(f.seq)
	if a == nil {
		// A connection whose attempt has left: refresh when it was seen,
		// now and then, so it is remembered while it is in use.
		if t.now-f.last > int64(t.horizon)/2 {
			t.byFlow[h] = flowRef{seq: f.seq, last: t.now}
		}
		return
	}
	if a.Client != key.client {
		t.midstream(key)
		return
	}
	if toServer {
		t.clientPacket(a, p, ref)
	} else {
		t.serverPacket(a, p, ref)
	}
	a.settle()
}

// clientPacket: any packet of the client that acknowledges the server's
// ISN+1 or beyond proves the handshake completed, whether or not the pure
// ACK was captured. The client's first payload may be a ClientHello.
func (t *tracker) clientPacket(a *track, p *packet, ref FrameRef) {
	if p.Flags&flagRST != 0 {
		return
	}
	if a.synAck && !a.acked && p.Flags&flagACK != 0 &&
		seqAtOrAfter(p.Ack, a.synAckSeq+1) && seqAtOrAfter(p.Seq, a.ISN+1) {
		a.acked = true
		a.Ack = ref
	}
	if a.acked && p.payloadLen > 0 && !a.spoke {
		a.spoke = true
		if p.hello {
			a.Hello, a.SNI = ref, p.sni
		}
	}
}

// serverPacket follows what the server sends after a client's
// ClientHello: data (a ServerHello), a TLS alert that rejects it, or a
// close (RST or FIN) before any.
func (t *tracker) serverPacket(a *track, p *packet, ref FrameRef) {
	if a.Hello.IsZero() || a.HelloServed || !a.HelloEnd.IsZero() {
		return
	}
	switch {
	case p.payloadLen > 0 && p.alert:
		a.HelloEnd, a.Alerted, a.Alert = ref, true, p.alertDesc
	case p.payloadLen > 0:
		a.HelloServed, a.HelloReply = true, ref
	case p.Flags&(flagRST|flagFIN) != 0:
		a.HelloEnd = ref
	}
}

// seqAtOrAfter compares sequence numbers modulo 2^32: whether x is y or
// up to 2^30 bytes beyond it.
func seqAtOrAfter(x, y uint32) bool { return x-y < 1<<30 }

// midstream counts TCP packets on the watched ports that belong to no
// attempt: connections the capture joined after their SYN.
func (t *tracker) midstream(key flowKey) {
	t.midstreamPackets++
	if len(t.midstreamFlows) < maxMidstreamFlows {
		t.midstreamFlows[key] = struct{}{}
	} else if _, ok := t.midstreamFlows[key]; !ok {
		t.midstreamCapped = true
	}
}

func (t *tracker) noteDest(a netip.Addr) {
	if info, ok := t.addrs[a]; ok {
		info.dest = true
		return
	}
	if len(t.addrs) >= maxAddrs {
		t.addrsCapped++
		return
	}
	t.addrs[a] = &addrInfo{dest: true}
}

// noteSender records packets sent by addresses that matter: SYN
// destinations, and anything answering from a watched port.
func (t *tracker) noteSender(p *packet, ref FrameRef) {
	info, ok := t.addrs[p.Src]
	if !ok {
		if !p.IsTCP || !t.ports.Has(p.Sport) || p.Flags&(flagSYN|flagACK) == flagSYN {
			return
		}
		if len(t.addrs) >= maxAddrs {
			t.addrsCapped++
			return
		}
		info = &addrInfo{}
		t.addrs[p.Src] = info
	}
	if info.sent == 0 {
		info.firstOut, info.ttl = ref, p.TTL
		info.hasMAC, info.mac = p.HasMAC, p.SrcMAC
	} else if !initialTTL(info.ttl) && initialTTL(p.TTL) {
		// Of several captures, the one on the host itself sees the TTL it
		// sends with: the one that hints at its OS.
		info.ttl = p.TTL
	}
	info.sent++
}

// rtt runs from a SYN to its reply. A capture whose clock stepped back
// (or a damaged timestamp) would make it negative: it is then unknown, 0.
func rtt(syn, reply time.Time) time.Duration {
	return max(0, reply.Sub(syn))
}

// sameClockRTT is the RTT when the SYN-ACK was seen by the capture that
// saw the SYN; across two captures their clocks differ, and it is unknown.
func sameClockRTT(a *track, ref FrameRef, ts time.Time) time.Duration {
	if ref.File != a.LastSyn.File {
		return 0
	}
	return rtt(a.LastSynTS, ts)
}

// countSyn counts a SYN transmission (not a copy another capture saw).
func (t *tracker) countSyn(p *packet) {
	t.synPackets++
	t.synTTLs[p.TTL]++
}
