package analyze

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// Cause is a stable cause id of DESIGN.md.
type Cause string

// The causes this version can recognise from a capture alone.
const (
	StrongHostReceive Cause = "strong-host-receive"
	WeakHostSend      Cause = "weak-host-send"
	NoListenerOnVIP   Cause = "no-listener-on-vip"
	PartialLoss       Cause = "partial-loss"
	ClientsFiltered   Cause = "client-traffic-filtered"
	ReturnPathLost    Cause = "return-path-lost"
	NoTrafficToVIP    Cause = "no-traffic-to-vip"
	TLSBindingMissing Cause = "tls-binding-missing"
	VIPAnswersARP     Cause = "vip-answers-arp"
)

// Confidence is how sure a finding is.
type Confidence string

// Confidence levels, from most to least certain.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

func (c Confidence) rank() int {
	switch c {
	case High:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// SortFindings orders findings most certain first and, at the same
// confidence, those that explain more attempts first; it keeps the order
// of findings equal in both.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(a.Confidence.rank(), b.Confidence.rank()); c != 0 {
			return c
		}
		return cmp.Compare(b.Attempts, a.Attempts)
	})
}

// Finding is a cause offered with the evidence for it.
type Finding struct {
	Cause      Cause
	Confidence Confidence
	Server     netip.AddrPort // the destination the finding is about
	HostAddr   netip.Addr     // the host's own address it was compared with, if any
	HostOS     OSHint         // from the TTL of the host's packets
	HostTTL    uint8          // the TTL HostOS was guessed from; 0 if unknown
	// Via is the MAC the finding's SYNs were delivered to, when the VIP's
	// SYNs went to several hosts and the finding is about one of them.
	Via      string
	Attempts int // attempts the finding explains
	Syns     int // their SYN transmissions
	Clients  int // their distinct clients
	// ClientsEstimated says Clients is an estimate within EstimateError
	// percent.
	ClientsEstimated bool
	Evidence         []Evidence
	// Missing lists the evidence that was not observed and would raise the
	// confidence. Not observed is not the same as observed to be absent.
	Missing []EvidenceKind
	// Place is where the capture was taken, for a finding whose text
	// locates a loss by it.
	Place Place
	// Role is the destination's role: a fix is verified with --vip when
	// it is a VIP.
	Role Role
	// Located is set when several captures of the same traffic already
	// named the hop where packets vanished (Result.Hops): the kinds of
	// packet, "syn" or "synack", they located.
	Located []string
	// Host is what the host's own configuration says (hostcheck.Apply); nil
	// without host facts.
	Host *HostConfig
}

// EvidenceKind names one kind of observation.
type EvidenceKind string

// Kinds of evidence.
const (
	EvSynsUnanswered   EvidenceKind = "syns-unanswered"       // SYNs to the destination, none answered
	EvNeverSource      EvidenceKind = "never-source"          // the destination never sent a packet
	EvHostMAC          EvidenceKind = "delivered-to-host-mac" // the SYNs went to the MAC the host sends from
	EvOwnAddrWorks     EvidenceKind = "own-address-completes" // handshakes to the host's own address completed
	EvOtherHostsAnswer EvidenceKind = "other-hosts-answer"    // SYNs to the VIP delivered to other MACs were answered
	EvSomeAnswered     EvidenceKind = "some-answered"         // other SYNs to the same destination completed
	EvWrongSource      EvidenceKind = "reply-from-other-address"
	EvRefused          EvidenceKind = "refused"
	EvRetransmissions  EvidenceKind = "retransmissions"                // clients retransmitted their SYNs
	EvClientsFail      EvidenceKind = "clients-unanswered"             // SYNs from clients (not probes) unanswered
	EvProbesComplete   EvidenceKind = "probes-complete"                // handshakes from health-probe ranges completed
	EvSynAckSent       EvidenceKind = "synack-sent"                    // the server sent SYN-ACKs the clients never acknowledged
	EvSynAfterSynAck   EvidenceKind = "syn-after-synack"               // clients retransmitted their SYN after the SYN-ACK left
	EvNoSynToVIP       EvidenceKind = "no-syn-to-vip"                  // not one SYN to the VIP in the capture
	EvLoadBalancerSide EvidenceKind = "load-balancer-side"             // what the load balancer itself shows
	EvHelloClosed      EvidenceKind = "hello-closed"                   // the server closed (RST/FIN) right after the ClientHello
	EvHelloServed      EvidenceKind = "hello-served"                   // ClientHellos the server answered
	EvHelloAlert       EvidenceKind = "hello-alert"                    // the server answered the ClientHello with a TLS alert
	EvSlowCompleted    EvidenceKind = "completed-after-retransmission" // handshakes that completed only after their SYN was sent again
	EvARPClaim         EvidenceKind = "arp-claims-vip"                 // a MAC answered ARP for the VIP or announced it
	// EvHostConfig is the host's own configuration, when packets alone
	// cannot tell the cause from another that looks the same on the wire:
	// which interface holds the VIP, and the firewall's rules and counters.
	EvHostConfig EvidenceKind = "host-configuration"
)

// Evidence is one observation, with example frames and the Wireshark
// display filter that shows the same packets.
type Evidence struct {
	Kind  EvidenceKind
	Count int // the packets Filter shows, where CountsFilter says so
	// Attempts is the number of attempts the packets belong to, where the
	// text names them as well (retransmissions: the attempts that sent
	// their SYN again).
	Attempts int
	Frames   []FrameRef // examples, at most maxExamples
	Filter   string
	Addr     netip.Addr // the other address involved, if any
	MAC      string     // the MAC involved, if any
	Names    []string   // the TLS server names (SNI) involved, if any: the first ones met, distinct
	// MoreNames counts the handshakes whose name is not in Names: past
	// the names listed per destination, they are counted, not named.
	MoreNames int
	// DelayMax and DelayMean are how long the attempts waited, first SYN
	// to SYN-ACK, where the evidence is about a delay; zero if unknown.
	DelayMax, DelayMean time.Duration
	Alerts              []uint8 // the TLS alerts' descriptions, if any (AlertName names them)
	Fact                *Fact   // for host-fact evidence: what the configuration shows
}

// OSHint is the operating system a TTL suggests. It is a hint: TTLs can
// be changed.
type OSHint string

// OS hints.
const (
	OSUnknown OSHint = ""
	OSWindows OSHint = "windows"
	OSLinux   OSHint = "linux"
)

// osFromTTL guesses the OS from the TTL a host's packet left with (seen on
// the host itself, so no hops were taken off): 128 Windows, 64 Linux.
func osFromTTL(ttl uint8) OSHint {
	switch {
	case ttl == 0 || ttl > 128:
		return OSUnknown
	case ttl > 64:
		return OSWindows
	}
	return OSLinux
}

const maxExamples = 5

// CountsFilter reports whether an evidence's Count is the number of
// packets its Filter shows, as the report prints them side by side.
// Evidence from host facts, and the SYNs' MAC, print no count.
func CountsFilter(e Evidence) bool {
	return e.Filter != "" && e.Fact == nil && e.Kind != EvHostMAC
}

// EvidenceKinds lists every kind of evidence a finding can carry, seen in
// the capture or read from host facts, so that whatever shows evidence
// can be tested on each (TestKindListsComplete keeps it whole).
func EvidenceKinds() []EvidenceKind {
	return []EvidenceKind{EvSynsUnanswered, EvNeverSource, EvHostMAC, EvOwnAddrWorks, EvOtherHostsAnswer, EvSomeAnswered,
		EvWrongSource, EvRefused, EvRetransmissions, EvClientsFail, EvProbesComplete, EvSynAckSent, EvSynAfterSynAck,
		EvNoSynToVIP, EvLoadBalancerSide, EvHelloClosed, EvHelloServed, EvHelloAlert, EvSlowCompleted, EvARPClaim, EvHostConfig,
		EvFactVIPNowhere, EvFactVIPOnLoopback, EvFactVIPOnNIC, EvFactVIPOnOther, EvFactWeakRecvOff, EvFactWeakSendOff,
		EvFactHostModelReady, EvFactNoSiteBinding, EvFactNoCertificate, EvFactFirewallOn, EvFactARPIgnore, EvFactARPAnnounce,
		EvFactNoListener, EvFactFilterDrops, EvFactHTTPListenOnly, EvFactNotRead}
}

// MissingKinds lists the kinds of evidence a finding can name as not
// observed (Finding.Missing).
func MissingKinds() []EvidenceKind {
	return []EvidenceKind{EvHostMAC, EvOwnAddrWorks, EvRetransmissions, EvSynAfterSynAck, EvLoadBalancerSide, EvHostConfig}
}

// Observable reports whether evidence of kind k can be present in a
// finding; the others are only ever named as not observed (Missing): what
// a capture of this host cannot show.
func (k EvidenceKind) Observable() bool { return k != EvLoadBalancerSide && k != EvHostConfig }
