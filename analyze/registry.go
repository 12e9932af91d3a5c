package analyze

// causeDef is everything analyze knows of one cause, declared once: the
// outcomes of the attempts it explains, what kind of address it is about,
// and its detector over the running totals. The report declares each
// cause's texts the same way, a file per cause (report/cause_*.go); tests
// iterate Causes() over both.
type causeDef struct {
	cause    Cause
	outcomes []Outcome // of the attempts it explains, and those its evidence counts beside them
	onHost   bool      // about SYNs to an address the host answers from, not a VIP
	beside   bool      // seen beside handshakes that complete: fixed when the finding is gone
	// detect finds the cause at one destination; global over the whole
	// capture. Exactly one is set.
	detect func(d *diagnosis, dest *Destination, t *destTotals) []Finding
	global func(d *diagnosis) []Finding
}

// causeDefs are the causes slbdiag recognises, in the order explain
// shows them and diagnosis looks for them.
var causeDefs = []causeDef{
	{cause: StrongHostReceive, outcomes: []Outcome{Unanswered, Pending}, detect: (*diagnosis).strongHostAt},
	{cause: WeakHostSend, outcomes: []Outcome{WrongSource}, detect: (*diagnosis).weakHostSendAt},
	{cause: NoListenerOnVIP, outcomes: []Outcome{Refused}, detect: (*diagnosis).noListenerAt},
	{cause: TLSBindingMissing, outcomes: []Outcome{Completed}, beside: true, detect: (*diagnosis).tlsBindingAt},
	{cause: ClientsFiltered, outcomes: []Outcome{Unanswered, Pending}, onHost: true, detect: (*diagnosis).clientsFilteredAt},
	{cause: ReturnPathLost, outcomes: []Outcome{SynAckNoAck}, onHost: true, detect: (*diagnosis).returnPathLostAt},
	{cause: VIPAnswersARP, beside: true, global: (*diagnosis).vipAnswersARP},
	{cause: NoTrafficToVIP, global: (*diagnosis).noTrafficToVIPAll},
	{cause: PartialLoss, outcomes: []Outcome{Unanswered, Pending}, onHost: true, detect: (*diagnosis).partialLossAt},
}

func causeDefOf(c Cause) *causeDef {
	for i := range causeDefs {
		if causeDefs[i].cause == c {
			return &causeDefs[i]
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

// BesideHandshakes reports whether the cause is seen beside handshakes
// that complete (a TLS binding, ARP) rather than in handshakes that fail:
// its fix has worked when the finding is gone, not when every attempt
// completes.
func (c Cause) BesideHandshakes() bool {
	def := causeDefOf(c)
	return def != nil && def.beside
}

// one is a detector's answer as a list.
func one(f Finding, ok bool) []Finding {
	if !ok {
		return nil
	}
	return []Finding{f}
}

// strongHostAt: the whole destination, or the part of it delivered to one
// backend of several.
func (d *diagnosis) strongHostAt(dest *Destination, t *destTotals) []Finding {
	fs := one(d.strongHostReceive(scope{dest: dest, t: &t.all, sent: dest.Sent, macs: dest.SynMACs}))
	return append(fs, d.perHost(dest, t)...)
}

func (d *diagnosis) weakHostSendAt(dest *Destination, t *destTotals) []Finding {
	return one(d.weakHostSend(dest, t))
}

func (d *diagnosis) noListenerAt(dest *Destination, t *destTotals) []Finding {
	return one(d.noListener(dest, t))
}

func (d *diagnosis) tlsBindingAt(dest *Destination, t *destTotals) []Finding {
	return one(d.tlsBindingMissing(dest, t))
}

func (d *diagnosis) clientsFilteredAt(dest *Destination, t *destTotals) []Finding {
	return one(d.clientsFiltered(dest, t))
}

func (d *diagnosis) returnPathLostAt(dest *Destination, t *destTotals) []Finding {
	return one(d.returnPathLost(dest, t))
}

func (d *diagnosis) noTrafficToVIPAll() []Finding { return one(d.noTrafficToVIP()) }

// partialLossAt: loss, unless a backend of several drops every SYN to the
// VIP (the host model, per backend) or only the clients are dropped (a
// filter): those explain the unanswered SYNs better.
func (d *diagnosis) partialLossAt(dest *Destination, t *destTotals) []Finding {
	if len(d.perHost(dest, t)) > 0 {
		return nil
	}
	if _, filtered := d.clientsFiltered(dest, t); filtered {
		return nil
	}
	return one(d.partialLoss(dest, t))
}
