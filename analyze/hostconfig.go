package analyze

import "net/netip"

// HostConfig is what the host's own configuration says about a finding:
// the interfaces its fix applies to, and the steps of the fix already
// done. A Finding has one only when host facts were given.
type HostConfig struct {
	Source string    // where the facts came from: "this host" or a file
	OS     string    // "windows" or "linux", from the facts
	NIC    HostIface // the interface the SYNs arrive on; zero if unknown or several
	// NICs are the interfaces the SYNs may arrive on: the one NIC, or
	// every candidate when the facts could not decide. NICBy says how.
	NICs     []HostIface
	NICBy    string
	Loopback HostIface // the loopback adapter that holds (or is to hold) the VIP; zero if none
	Site     string    // the IIS site to bind to the VIP, when the facts name it
	VIPOn    HostIface // the interface that holds the VIP; zero if none
	Done     FixDone
}

// FixDone is what of the usual fix the host's facts show already done.
type FixDone struct {
	VIPOnLoopback     bool // the VIP is on the loopback adapter
	VIPOnlyOnLoopback bool // no interface but a loopback holds the VIP
	NICWeakReceive    bool // weakhostreceive is enabled on every receiving NIC
	LoopbackWeakHost  bool // weakhostreceive and weakhostsend are enabled on the loopback adapter
	SiteBinding       bool // an IIS site takes the VIP's port (by address or All Unassigned)
	Certificate       bool // HTTP.sys has a certificate for TLS to the VIP
	FirewallOff       bool // every Windows Firewall profile is off
}

// HostIface names one interface of the host.
type HostIface struct {
	Index int
	Name  string
}

// IsZero reports whether the interface is unknown.
func (h HostIface) IsZero() bool { return h == HostIface{} }

// Fact is the detail of a host-fact piece of evidence: which interface,
// which setting, which value.
type Fact struct {
	Iface     HostIface
	Setting   string           // "weakhostreceive", "arp_ignore", …
	Value     string           // "disabled", "0", …
	Listeners []netip.AddrPort // what listens on the port instead, for EvFactNoListener
	// Command and Line say where in the facts the evidence was read, for
	// EvFactFilterDrops: the command that printed the rule and its line.
	Command string
	Line    int
	Rule    string   // the rule that decides, as printed
	Ranges  []string // the source ranges the filter still admits
}

// FactsUse says which host's facts a Result was read with. hostcheck.Apply
// sets it; nil without facts.
type FactsUse struct {
	Source string
	// OtherHost says the facts are of another host than the capture's:
	// none of their addresses (VIPs aside) is the capture host's. Facts of
	// another host refine no finding and build no fix.
	OtherHost    bool
	FactAddrs    []netip.Addr // the facts' own addresses, VIPs and loopback aside
	CaptureHosts []netip.Addr // the capture host's addresses
}

// Kinds of evidence read from the host's configuration rather than seen in
// the capture. Their Fact field says what was read.
const (
	EvFactVIPNowhere     EvidenceKind = "host-fact-vip-on-no-interface"
	EvFactVIPOnLoopback  EvidenceKind = "host-fact-vip-on-loopback"
	EvFactVIPOnNIC       EvidenceKind = "host-fact-vip-on-nic"       // on the interface the SYNs arrive on
	EvFactVIPOnOther     EvidenceKind = "host-fact-vip-on-other-nic" // on another network interface
	EvFactWeakRecvOff    EvidenceKind = "host-fact-weakhostreceive-disabled"
	EvFactWeakSendOff    EvidenceKind = "host-fact-weakhostsend-disabled"
	EvFactHostModelReady EvidenceKind = "host-fact-weak-host-configured" // VIP on loopback, both flags enabled
	EvFactNoSiteBinding  EvidenceKind = "host-fact-no-iis-binding"
	EvFactNoCertificate  EvidenceKind = "host-fact-no-sslcert"
	EvFactFirewallOn     EvidenceKind = "host-fact-firewall-on"
	EvFactARPIgnore      EvidenceKind = "host-fact-arp-ignore"
	EvFactARPAnnounce    EvidenceKind = "host-fact-arp-announce"
	EvFactNoListener     EvidenceKind = "host-fact-no-listener-on-vip"
	EvFactFilterDrops    EvidenceKind = "host-fact-filter-drops"  // a packet filter drops clients' SYNs to the VIP's port
	EvFactHTTPListenOnly EvidenceKind = "host-fact-http-iplisten" // HTTP.sys listens only on other addresses
	// EvFactNotRead is a fact the finding's confidence needed and the
	// facts given do not hold: Fact.Setting is its GapFact.
	EvFactNotRead EvidenceKind = "host-fact-not-read"
)

// How the receiving NIC was decided (HostConfig.NICBy).
const (
	NICByCapture     = "capture"       // it holds the host address the capture matched
	NICByOnly        = "only"          // the only network interface up with an address of the VIP's family
	NICByProbeSubnet = "probe-subnet"  // the only one on the subnet the load balancer's probes come from
	NICByRoute       = "default-route" // the only one with the default gateway
	NICByCandidates  = "candidates"    // the facts could not decide: every candidate
)

// GapFact names a kind of fact not read.
type GapFact string

// Kinds of facts a verdict may lack.
const (
	GapAddresses    GapFact = "addresses"       // ipconfig /all, ip addr
	GapNIC          GapFact = "receiving-nic"   // no network interface up with an address of the VIP's family
	GapWeakReceive  GapFact = "weakhostreceive" // netsh interface ipv4 show interface N
	GapWeakSend     GapFact = "weakhostsend"
	GapSites        GapFact = "iis-bindings"  // appcmd list site
	GapCertificates GapFact = "sslcert"       // netsh http show sslcert
	GapListeners    GapFact = "listeners"     // ss -ltn
	GapARP          GapFact = "arp-sysctls"   // sysctl -a
	GapFirewall     GapFact = "firewall"      // netsh advfirewall show allprofiles state
	GapFilterRules  GapFact = "filter-rules"  // netsh advfirewall firewall show rule name=all verbose; iptables -S, nft list ruleset
	GapFilterUnsure GapFact = "filter-unsure" // rules read, one slbdiag cannot fully read may drop the SYNs
	GapIPListen     GapFact = "http-iplisten" // netsh http show iplisten
)
