package analyze

// causeDef is everything analyze knows of one cause, declared once in
// the cause's own file (cause_*.go) beside its detector and the counters
// only it reads: the outcomes of the attempts it explains, what kind of
// address it is about, when its fix has worked, which host-facts check
// refines it, and its detector over the running totals. The report
// declares each cause's texts the same way, a file per cause
// (report/cause_*.go); TestRegistryComplete and the report's and
// hostcheck's registry tests walk Causes() over all of them.
type causeDef struct {
	cause    Cause
	outcomes []Outcome // of the attempts it explains, and those its evidence counts beside them
	onHost   bool      // about SYNs to an address the host answers from, not a VIP
	// fixedWhenGone: its fix has worked when the finding is gone, not
	// when every attempt completes (seen beside handshakes that
	// complete, or in some of them only).
	fixedWhenGone bool
	facts         FactCheck // what the host's configuration can say of it
	// detect finds the cause at one destination; global over the whole
	// capture. Exactly one is set.
	detect func(d *diagnosis, dest *Destination, t *destTotals) []Finding
	global func(d *diagnosis) []Finding
}

// causeDefs are the causes slbdiag recognises, in the order explain
// shows them and diagnosis looks for them: one line per cause_*.go file
// (TestRegistryComplete fails for a file whose cause is not listed).
var causeDefs = []*causeDef{
	&strongHostReceiveCause,
	&weakHostSendCause,
	&noListenerCause,
	&tlsBindingCause,
	&clientsFilteredCause,
	&returnPathLostCause,
	&vipAnswersARPCause,
	&noTrafficToVIPCause,
	&partialLossCause,
}

// FactCheck names what the host's own configuration can say of a cause's
// findings: the check package hostcheck runs to confirm, refine or
// contradict them. Every cause names one, FactsNone included.
type FactCheck uint8

// The host-facts checks.
const (
	factsUnset       FactCheck = iota // a cause that names none fails TestRegistryComplete
	FactsNone                         // the facts slbdiag reads say nothing of the cause
	FactsHostModel                    // which interface holds the VIP, and whether the host model accepts and answers for it
	FactsListener                     // a socket, or an IIS site binding, for the VIP
	FactsCertificate                  // an HTTP.sys certificate for the VIP
	FactsARP                          // whether the host answers ARP for the VIP
)

func causeDefOf(c Cause) *causeDef {
	for _, def := range causeDefs {
		if def.cause == c {
			return def
		}
	}
	return nil
}

// Causes lists the causes slbdiag recognises, in the order explain shows them.
func Causes() []Cause {
	out := make([]Cause, len(causeDefs))
	for i, c := range causeDefs {
		out[i] = c.cause
	}
	return out
}

// OnHostAddress reports whether the cause is about SYNs to an address the
// host answers from, rather than to a VIP.
func (c Cause) OnHostAddress() bool {
	def := causeDefOf(c)
	return def != nil && def.onHost
}

// FixedWhenGone reports whether the cause's fix has worked when its
// finding is gone, rather than when every attempt completes: a cause seen
// beside handshakes that complete (a TLS binding, ARP), or in some of
// them only (loss).
func (c Cause) FixedWhenGone() bool {
	def := causeDefOf(c)
	return def != nil && def.fixedWhenGone
}

// FactCheck is the host-facts check that refines the cause's findings;
// FactsNone for an id this version does not know.
func (c Cause) FactCheck() FactCheck {
	if def := causeDefOf(c); def != nil {
		return def.facts
	}
	return FactsNone
}

// one is a detector's answer as a list.
func one(f Finding, ok bool) []Finding {
	if !ok {
		return nil
	}
	return []Finding{f}
}
