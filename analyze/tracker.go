package analyze

import (
	"net/netip"
	"time"
)

// replyKey finds the attempt a reply belongs to: replies go to the client
// address and port, from the server port, with ack = ISN+1, whatever their
// source address.
type replyKey struct {
	client     netip.AddrPort
	serverPort uint16
	isn        uint32
}

// flowKey is a connection's 4-tuple, client side first.
type flowKey struct {
	client, server netip.AddrPort
}

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

// maxMidstreamFlows bounds the set used to count connections seen without
// their SYN; past it only packets are counted.
const maxMidstreamFlows = 1 << 16

// tracker follows handshake attempts frame by frame.
type tracker struct {
	ports    *PortSet
	attempts []track
	byReply  map[replyKey]int
	byFlow   map[flowKey]int
	addrs    map[netip.Addr]*addrInfo
	arps     map[netip.Addr][]arpClaim // ARP replies and announcements, by the address claimed
	dups     *dedup

	synPackets       int
	clocks           clockSamples                // offsets between captures of the same SYNs
	badSums          struct{ syns, synAcks int } // SYNs and SYN-ACKs with a wrong TCP checksum
	synTTLs          [256]int                    // client SYNs by the TTL they arrived with
	midstreamPackets int
	midstreamFlows   map[flowKey]struct{}
	midstreamCapped  bool

	sum   summaries     // attempts past the ones kept whole
	clock time.Time     // the latest timestamp seen
	grace time.Duration // as in Config
}

func newTracker(ports *PortSet) *tracker {
	return &tracker{
		ports:          ports,
		byReply:        make(map[replyKey]int),
		byFlow:         make(map[flowKey]int),
		addrs:          make(map[netip.Addr]*addrInfo),
		arps:           make(map[netip.Addr][]arpClaim),
		midstreamFlows: make(map[flowKey]struct{}),
		dups:           newDedup(),
		grace:          DefaultGrace,
	}
}

// add takes one decoded IP packet. Copies of a packet the capture
// recorded more than once are dropped before anything counts them.
func (t *tracker) add(p *packet, ref FrameRef, ts time.Time) {
	p.settlePayload()
	if p.isARP {
		t.arp(p, ref)
		return
	}
	t.addIP(p, ref, ts, t.dups.copyOf(p, ref.File, ts))
}

// addIP takes a decoded IP packet whose copy check is done: dup says
// whether it is a copy of one seen just before.
func (t *tracker) addIP(p *packet, ref FrameRef, ts time.Time, dup bool) {
	if dup {
		return
	}
	if ts.After(t.clock) {
		t.clock = ts
	}
	t.noteSender(p, ref)
	if p.sumBad {
		if p.flags&flagACK != 0 {
			t.badSums.synAcks++
		} else {
			t.badSums.syns++
		}
	}
	if p.isICMPErr {
		t.icmpError(p, ref, ts)
		return
	}
	if !p.isTCP {
		return
	}
	src := netip.AddrPortFrom(p.src, p.sport)
	dst := netip.AddrPortFrom(p.dst, p.dport)
	matched := false
	switch {
	case p.flags&(flagSYN|flagACK) == flagSYN:
		if t.ports.Has(p.dport) {
			t.syn(p, src, dst, ref, ts)
			matched = true
		}
	case p.flags&(flagSYN|flagACK) == flagSYN|flagACK:
		matched = t.ports.Has(p.sport) && t.synAck(p, dst, ref, ts)
	case p.flags&flagRST != 0 && p.flags&flagACK != 0:
		matched = t.ports.Has(p.sport) && t.rst(p, dst, ref, ts)
	case p.flags&(flagACK|flagRST|flagFIN) == flagACK:
		matched = t.ports.Has(p.dport) && t.clientAck(p, src, ref)
	}
	if !matched && !t.afterHello(p, src, dst, ref) {
		t.other(src, dst)
	}
}

func (t *tracker) syn(p *packet, client, server netip.AddrPort, ref FrameRef, ts time.Time) {
	t.clocks.ttl(ref.File, p.ttl)
	t.noteDest(p.dst)
	rk := replyKey{client, server.Port(), p.seq}
	if i, ok := t.byReply[rk]; ok && t.attempts[i].Server == server {
		a := &t.attempts[i]
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
		return
	}
	t.countSyn(p)
	a := track{Attempt: Attempt{
		Client: client, Server: server, ISN: p.seq, Syns: 1,
		First: ref, FirstTS: ts, LastSyn: ref, LastSynTS: ts,
	}, synFiles: fileBit(ref.File)}
	a.hasMAC, a.synMAC = p.hasMAC, p.dstMAC
	i := t.slot(t.clock, t.grace)
	t.attempts[i] = a
	t.byReply[rk] = i
	t.byFlow[flowKey{client, server}] = i
}

func (t *tracker) synAck(p *packet, client netip.AddrPort, ref FrameRef, ts time.Time) bool {
	i, ok := t.lookupReply(client, p.sport, p.ack)
	if !ok {
		return false
	}
	a := &t.attempts[i]
	a.replyFiles |= fileBit(ref.File)
	if p.src == a.Server.Addr() {
		if !a.synAck {
			a.synAck, a.synAckSeq = true, p.seq
			a.setReply(p, ref, ts)
			a.RTT = sameClockRTT(a, ref, ts)
		}
		return true
	}
	if !a.synAck && !a.wrongSrc {
		a.wrongSrc = true
		a.setReply(p, ref, ts)
		a.RTT = sameClockRTT(a, ref, ts)
		// The client answers a SYN-ACK from the wrong address (usually
		// with RST); those packets belong to this attempt too.
		t.byFlow[flowKey{client, netip.AddrPortFrom(p.src, p.sport)}] = i
	}
	return true
}

func (t *tracker) rst(p *packet, client netip.AddrPort, ref FrameRef, ts time.Time) bool {
	i, ok := t.lookupReply(client, p.sport, p.ack)
	if !ok {
		return false
	}
	a := &t.attempts[i]
	if !a.synAck && !a.wrongSrc && !a.refused {
		a.refused = true
		a.setReply(p, ref, ts)
	}
	return true
}

func (t *tracker) clientAck(p *packet, client netip.AddrPort, ref FrameRef) bool {
	i, ok := t.lookupReply(client, p.dport, p.seq)
	if !ok {
		return false
	}
	a := &t.attempts[i]
	if a.synAck && !a.acked && p.ack == a.synAckSeq+1 {
		a.acked = true
		a.Ack = ref
	}
	if a.acked && p.payloadLen > 0 && a.Hello.IsZero() && p.hello {
		a.Hello, a.SNI = ref, p.sni
	}
	return true
}

// afterHello follows what the server sends after a client's ClientHello:
// data (a ServerHello), or a close (RST or FIN) before any. It reports
// whether the packet belongs to an attempt.
func (t *tracker) afterHello(p *packet, src, dst netip.AddrPort, ref FrameRef) bool {
	if !t.ports.Has(p.sport) {
		return false
	}
	i, ok := t.byFlow[flowKey{dst, src}]
	if !ok {
		return false
	}
	a := &t.attempts[i]
	if a.Hello.IsZero() || a.HelloServed || !a.HelloEnd.IsZero() {
		return true
	}
	switch {
	case p.payloadLen > 0:
		a.HelloServed = true
	case p.flags&(flagRST|flagFIN) != 0:
		a.HelloEnd = ref
	}
	return true
}

// arpClaim is a MAC answering ARP for an address (or announcing it).
type arpClaim struct {
	mac   [6]byte
	count int
	first FrameRef
}

// maxARPAddrs bounds the addresses whose ARP claims are kept.
const maxARPAddrs = 4096

func (t *tracker) arp(p *packet, ref FrameRef) {
	claims := t.arps[p.arpIP]
	for i := range claims {
		if claims[i].mac == p.arpMAC {
			claims[i].count++
			return
		}
	}
	if len(claims) == 0 && len(t.arps) >= maxARPAddrs {
		return
	}
	t.arps[p.arpIP] = append(claims, arpClaim{mac: p.arpMAC, count: 1, first: ref})
}

func (t *tracker) icmpError(p *packet, ref FrameRef, ts time.Time) {
	q := &p.quoted
	i, ok := t.byReply[replyKey{netip.AddrPortFrom(q.src, q.sport), q.dport, q.seq}]
	if !ok {
		return
	}
	a := &t.attempts[i]
	if a.Server.Addr() == q.dst && !a.synAck && !a.wrongSrc && !a.refused && !a.unreachable {
		a.unreachable = true
		a.setReply(p, ref, ts)
	}
}

// lookupReply finds the attempt a packet from the server port to client
// answers; ackOrSeq is the packet's ack (replies) or seq (client ACKs),
// which is ISN+1 in both cases.
func (t *tracker) lookupReply(client netip.AddrPort, serverPort uint16, ackOrSeq uint32) (int, bool) {
	i, ok := t.byReply[replyKey{client, serverPort, ackOrSeq - 1}]
	return i, ok
}

func (a *track) setReply(p *packet, ref FrameRef, ts time.Time) {
	a.Reply, a.ReplyTS, a.ReplySrc = ref, ts, p.src
}

// other counts TCP packets on the watched ports that belong to no attempt:
// connections the capture joined after their SYN.
func (t *tracker) other(src, dst netip.AddrPort) {
	var key flowKey
	switch {
	case t.ports.Has(dst.Port()):
		key = flowKey{src, dst}
	case t.ports.Has(src.Port()):
		key = flowKey{dst, src}
	default:
		return
	}
	if _, ok := t.byFlow[key]; ok {
		return
	}
	if _, ok := t.byFlow[flowKey{key.server, key.client}]; ok {
		return
	}
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
	t.addrs[a] = &addrInfo{dest: true}
}

// noteSender records packets sent by addresses that matter: SYN
// destinations, and anything answering from a watched port.
func (t *tracker) noteSender(p *packet, ref FrameRef) {
	info, ok := t.addrs[p.src]
	if !ok {
		if !p.isTCP || !t.ports.Has(p.sport) || p.flags&(flagSYN|flagACK) == flagSYN {
			return
		}
		info = &addrInfo{}
		t.addrs[p.src] = info
	}
	if info.sent == 0 {
		info.firstOut, info.ttl = ref, p.ttl
		info.hasMAC, info.mac = p.hasMAC, p.srcMAC
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
	t.synTTLs[p.ttl]++
}
