// Package analyzetest holds what tests of analyze and of the packages that
// show its results need to know of it beyond its API: the lists of every
// kind it declares. Like net/http/httptest it is imported only by tests
// (TestImportGraph keeps it so), and TestKindListsComplete keeps the lists
// whole against analyze's source.
package analyzetest

import "github.com/slbdiag/slbdiag/analyze"

// EvidenceKinds lists every kind of evidence a finding can carry, seen in
// the capture or read from host facts, so that whatever shows evidence
// can be tested on each.
func EvidenceKinds() []analyze.EvidenceKind {
	return []analyze.EvidenceKind{analyze.EvSynsUnanswered, analyze.EvNeverSource, analyze.EvHostMAC, analyze.EvOwnAddrWorks,
		analyze.EvOtherHostsAnswer, analyze.EvSomeAnswered, analyze.EvWrongSource, analyze.EvRefused, analyze.EvRetransmissions,
		analyze.EvClientsFail, analyze.EvProbesComplete, analyze.EvSynAckSent, analyze.EvSynAfterSynAck, analyze.EvNoSynToVIP, analyze.EvNotAtBackend,
		analyze.EvLoadBalancerSide, analyze.EvHelloClosed, analyze.EvHelloServed, analyze.EvHelloAlert, analyze.EvSlowCompleted,
		analyze.EvARPClaim, analyze.EvHostConfig,
		analyze.EvFactVIPNowhere, analyze.EvFactVIPOnLoopback, analyze.EvFactVIPOnNIC, analyze.EvFactVIPOnOther,
		analyze.EvFactWeakRecvOff, analyze.EvFactWeakSendOff, analyze.EvFactHostModelReady, analyze.EvFactNoSiteBinding,
		analyze.EvFactNoCertificate, analyze.EvFactFirewallOn, analyze.EvFactARPIgnore, analyze.EvFactARPAnnounce,
		analyze.EvFactNoListener, analyze.EvFactFilterDrops, analyze.EvFactHTTPListenOnly, analyze.EvFactNotRead}
}

// MissingKinds lists the kinds of evidence a finding can name as not
// observed (Finding.Missing).
func MissingKinds() []analyze.EvidenceKind {
	return []analyze.EvidenceKind{analyze.EvHostMAC, analyze.EvOwnAddrWorks, analyze.EvRetransmissions,
		analyze.EvSynAfterSynAck, analyze.EvLoadBalancerSide, analyze.EvHostConfig}
}

// WarningKinds lists every kind of warning, so that whatever shows
// warnings can be tested on each.
func WarningKinds() []analyze.WarningKind {
	return []analyze.WarningKind{analyze.WarnDamaged, analyze.WarnLinkType, analyze.WarnPending, analyze.WarnInterrupted,
		analyze.WarnDuplicates, analyze.WarnDrops, analyze.WarnOneSided, analyze.WarnSnaplen, analyze.WarnOffload,
		analyze.WarnEarly, analyze.WarnLate, analyze.WarnForgotten, analyze.WarnDestsCapped, analyze.WarnEstimated,
		analyze.WarnAddrsCapped, analyze.WarnARPCapped, analyze.WarnMACsCapped, analyze.WarnFindings, analyze.WarnHopsCapped, analyze.WarnOSDrops, analyze.WarnTimestamps, analyze.WarnCut, analyze.WarnFragments,
		analyze.WarnMalformed}
}
