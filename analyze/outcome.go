package analyze

// Outcome is how a handshake attempt ended. Its string form is part of every
// output format and must not change.
type Outcome uint8

// The outcomes of DESIGN.md, in the column order the reports use.
const (
	Completed   Outcome = iota // SYN, SYN-ACK from the SYN's destination, client ACK
	Unanswered                 // nothing came back, and the SYN was retransmitted or the grace time passed
	Pending                    // a single SYN near the end of the capture: not judged
	Refused                    // RST from the server side before any SYN-ACK
	Unreachable                // an ICMP error quoting the SYN
	SynAckNoAck                // SYN-ACK seen, never ACKed by the client
	WrongSource                // the SYN-ACK came from another address than the SYN's destination
	numOutcomes
)

var outcomeNames = [numOutcomes]string{
	"completed", "unanswered", "pending", "refused", "unreachable", "synack-no-ack", "wrong-source",
}

// Outcomes lists every outcome in report order.
func Outcomes() []Outcome {
	all := make([]Outcome, numOutcomes)
	for i := range all {
		all[i] = Outcome(i)
	}
	return all
}

func (o Outcome) String() string {
	if o < numOutcomes {
		return outcomeNames[o]
	}
	return "unknown"
}

// Failed reports whether the outcome is a handshake that did not work.
// Completed and pending (not judged) are not failures.
func (o Outcome) Failed() bool { return o != Completed && o != Pending }

// MarshalText makes outcomes appear by name in JSON.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Counts holds a number per outcome.
type Counts [numOutcomes]int

// Total is the number of attempts counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Failed is the number of attempts whose outcome is a failure.
func (c Counts) Failed() int {
	n := 0
	for o, v := range c {
		if Outcome(o).Failed() {
			n += v
		}
	}
	return n
}
