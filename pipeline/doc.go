// Package pipeline is what follows an analysis, in one order for every
// command: the host's facts applied to the Result, redaction, the evidence
// packets, the reports, and each output put in place only when complete.
package pipeline
