package analyze

import (
	"net/netip"
	"slices"
	"time"
)

// Result is everything slbdiag found in the inputs. Renderers format it; no
// field needs further analysis.
type Result struct {
	Inputs []InputInfo
	Ports  string    // the watched ports, as given
	Port   uint16    // the watched port when there is just one, else 0
	VIPs   PrefixSet // the VIPs given with --vip; nil when inferred
	// VIPGuesses are, when not one SYN went to a VIP given with --vip, the
	// destinations that received SYNs and never sent a packet: diagnosed
	// as likely VIPs instead, since a mistyped --vip is likelier than a
	// load balancer that forwards nothing.
	VIPGuesses   []netip.Addr
	Grace        time.Duration
	Horizon      time.Duration // how long an attempt stayed open after its first SYN
	ProbeNets    PrefixSet     // health-probe source ranges: the known ones and --probe-net
	Summary      Summary
	Destinations []Destination // most telling first: VIPs, then host addresses
	CapturePoint CapturePoint
	Hops         []Hop     // with several captures of the same traffic: where packets vanished
	Findings     []Finding // most certain and largest first
	// Examples are whole attempts, in order of first SYN: the first few
	// of each outcome per destination, for diagrams and evidence files.
	// Every attempt went to Config.OnAttempt; every count is over all.
	Examples []Attempt
	Timeline *Timeline // the attempts by time of first SYN; nil without any
	Warnings []Warning
	// Encapsulations are the tunnels and mirror framings the packets were
	// unwrapped from, per input and outer source, in order of first
	// appearance; empty when every packet came plain.
	Encapsulations []Encapsulation
	// HostFacts says which host's facts refined the findings; nil without
	// --host-facts.
	HostFacts *FactsUse
	// Redacted says what a redacted report replaced; zero when nothing
	// was (set by the report's redaction, not by analysis).
	Redacted Redacted
	// Elsewhere are the servers that received SYNs on ports not watched,
	// most first (at most 10), and ElsewhereMore the SYNs to the others:
	// where to look when nothing went to --port.
	Elsewhere     []Elsewhere
	ElsewhereMore int
}

// Judged reports whether any handshake attempt got an outcome other than
// pending: whether there was anything to judge.
func (r *Result) Judged() bool { return r.Summary.Counts.Total() > r.Summary.Counts[Pending] }

// Problem reports whether any handshake failed or a finding names a cause
// (a TLS binding missing, say, fails after handshakes that completed).
func (r *Result) Problem() bool { return r.Summary.Counts.Failed() > 0 || len(r.Findings) > 0 }

// CutShort returns the warning of a watch incident cut short whose packets
// hold fewer failed attempts than watch saw in it, if there is one.
func (r *Result) CutShort() (Warning, bool) {
	for _, w := range r.Warnings {
		if w.Kind == WarnCut && w.Attempts > r.Summary.Counts.Failed() {
			return w, true
		}
	}
	return Warning{}, false
}

// Interrupted reports whether reading was stopped before the end of the
// inputs (a signal): the result covers only part of them.
func (r *Result) Interrupted() bool {
	return slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Kind == WarnInterrupted })
}

// InputInfo describes one input as it was read.
type InputInfo struct {
	Name        string
	Format      string
	Frames      int
	First, Last time.Time // timestamps of its earliest and latest frames
	LinkTypes   []string  // link types seen, in order of first appearance
	Damaged     string    // why reading stopped early, if it did
	Cut         int       // frames the snaplen cut short
	Kept        int       // the fewest bytes a cut frame kept
}

// Summary counts over all inputs.
type Summary struct {
	Frames           int
	Start, End       time.Time
	SynPackets       int // client SYNs to the watched ports, retransmissions included
	Counts           Counts
	ProbeCounts      Counts // the attempts from health-probe ranges; Counts less these are the clients'
	MidstreamPackets int    // TCP packets of connections whose SYN was not captured
	MidstreamConns   int
	MidstreamCapped  bool // MidstreamConns is a lower bound
}

// Role is what an address is to slbdiag.
type Role string

// Roles of destination addresses.
const (
	RoleVIP       Role = "vip"        // given with --vip
	RoleLikelyVIP Role = "likely-vip" // no --vip: received SYNs and never sent a packet
	RoleHost      Role = "host"       // sends packets: an address a host in the capture answers from
	RoleSilent    Role = "silent"     // not a given VIP, and never sent a packet (or a client's address that received a SYN)
)

// IsVIP reports whether the role is a given or inferred VIP.
func (r Role) IsVIP() bool { return r == RoleVIP || r == RoleLikelyVIP }

// Destination is the handshake statistics of one server address and port.
type Destination struct {
	Server  netip.AddrPort
	Role    Role
	Counts  Counts
	Syns    int // SYN transmissions, retransmissions included
	Clients int // distinct client addresses
	// ClientsEstimated says Clients is an estimate, within
	// EstimateError percent (too many distinct clients to remember).
	ClientsEstimated bool
	Sent             int      // packets sent by the address (any port)
	HostTTL          uint8    // TTL of the first packet the address sent
	SynMACs          []string // destination MACs the SYNs were delivered to
	// AlsoClient says the address also sent SYNs as a client (one SYN to
	// a client's address makes it a destination). Past the bound of
	// client addresses remembered it is false: not known.
	AlsoClient bool
	// OtherMACs counts the attempts delivered to MACs past the first
	// ones listed in SynMACs.
	OtherMACs int
	Examples  [numOutcomes]FrameRef // first SYN of the first attempt with each outcome
}

// Warning is something that limits what the inputs can show.
type Warning struct {
	Kind   WarningKind
	File   int    // index into Inputs, when it concerns one
	Count  int    // frames or attempts it concerns; for damaged inputs, the frames read whole
	Detail string // the underlying error or value
	// Offset is where a damaged input's unreadable record starts (in
	// uncompressed bytes for gzip'd files), -1 when the reader did not say;
	// Truncated says the input ended there rather than holding garbage.
	Offset    int64
	Truncated bool
	// Received is, for capture drops, what the capture library received.
	Received int
	// Attempts is, for bounds reached, how many attempts the warning
	// concerns; Limit is the bound.
	Attempts, Limit int
	// Frame is, for odd timestamps, the first frame whose time was odd,
	// At its time and Before the input's latest time before it (zero for
	// the first frame).
	Frame      int
	Before, At time.Time
	// Rerun is, for late packets, a horizon that would have kept the
	// replies that came after their attempt left; 0 when none did.
	Rerun time.Duration
}

// WarningKind names a kind of warning.
type WarningKind string

// Kinds of warnings.
const (
	WarnDamaged     WarningKind = "damaged-input"        // reading stopped early; results go up to the damage
	WarnLinkType    WarningKind = "unsupported-link"     // frames of a link type slbdiag cannot decode
	WarnPending     WarningKind = "pending"              // SYNs too close to the end to judge
	WarnInterrupted WarningKind = "interrupted"          // reading was stopped before the end
	WarnDuplicates  WarningKind = "duplicates-collapsed" // copies of one packet (pktmon, SPAN) counted once; Count is the copies
	WarnDrops       WarningKind = "capture-drops"        // live: the kernel, Npcap or the interface dropped packets; Count is how many, Received what was received
	WarnEarly       WarningKind = "decided-early"        // more attempts open at once than Limit: Count were decided before their horizon; Attempts of them are counted unanswered but might be pending
	WarnLate        WarningKind = "late-packets"         // Count SYN retransmissions and Attempts replies came after their attempt left (past the horizon, Detail)
	WarnForgotten   WarningKind = "forgotten-early"      // Count finished attempts were forgotten before their packets stopped (Limit remembered): a later SYN of one would start a new attempt
	WarnDestsCapped WarningKind = "destinations-grouped" // past Limit destinations: Count more (Detail "estimated" when estimated) with Attempts attempts counted together
	WarnEstimated   WarningKind = "clients-estimated"    // Count client counts are estimates within Detail percent
	WarnAddrsCapped WarningKind = "addresses-capped"     // past Limit addresses, Count packets of new ones were not followed (their roles and TTLs unknown)
	WarnARPCapped   WarningKind = "arp-capped"           // past Limit address-MAC pairs, Count ARP claims not followed
	WarnMACsCapped  WarningKind = "macs-grouped"         // Count attempts went to destination MACs past the first Limit of their destination, and are judged with the destination only
	WarnFindings    WarningKind = "findings-grouped"     // Count more findings of cause Detail, about Attempts attempts, are not listed one by one
	WarnHopsCapped  WarningKind = "hops-capped"          // past Limit attempts some capture missed, Count were not compared: hop counts are lower bounds
	WarnOneSided    WarningKind = "one-sided"            // SYNs and not one packet from a server; Count is the SYNs
	WarnSnaplen     WarningKind = "snaplen-cut"          // frames cut short by the capture's snaplen; Count is how many, Detail the fewest bytes kept
	WarnOffload     WarningKind = "checksum-offload"     // SYNs and SYN-ACKs with wrong TCP checksums, as offload leaves them; Count is how many, Detail how many SYN-ACKs of them
	WarnMalformed   WarningKind = "malformed-tcp"        // Count TCP headers that cannot be one (data offset under 5, SYN with RST), not counted as attempts; File and Detail the first one's file and frame
	WarnOSDrops     WarningKind = "os-drops"             // the capture (a pktmon .etl) logged Count packets the OS dropped, Attempts of them SYNs, where and why in Detail (component, the OS's reason and its name, location)
	WarnTimestamps  WarningKind = "odd-timestamps"       // Count frames of an input went back in time (over a second), jumped more than a year ahead, or lie before 1995 or after 2100; Frame, Before and At show the first
	WarnFragments   WarningKind = "fragments-lost"       // Count fragmented TCP datagrams were never completed (expired, overlapping, cut off by the end), Attempts of them evicted for memory: a SYN in them is not counted
	WarnCut         WarningKind = "incident-cut"         // watch: the incident's packets were cut short (Detail: disk, stop) at Count packets; Attempts is the failed attempts watch saw in it
)

// Redacted counts what redaction replaced in a result: client addresses,
// TLS server names, and whether input file names were replaced.
type Redacted struct {
	Clients, Names int
	Files          bool
}

// Any says something was replaced.
func (r Redacted) Any() bool { return r.Clients > 0 || r.Names > 0 || r.Files }
