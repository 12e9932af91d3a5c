// Package analyze follows TCP handshakes in captured frames and explains the
// ones that failed: it decodes frames (with package decode), tracks
// attempts, assigns address roles and returns a Result value. It does no
// I/O and no formatting.
//
// It is a stream processor. An attempt is open in the tracker until its
// outcome can no longer change (answered and acknowledged, refused,
// unreachable) or its horizon has passed since its first SYN; then it
// leaves, in order of first SYN, to the running totals per destination
// that diagnosis reads, to a bounded set of whole examples, and to
// Config.OnAttempt, the only consumer that sees every attempt. Memory is
// bounded by what is open, not by the length of the capture; every table
// has a bound, and reaching one is a warning that says which counts it
// made inexact and by how much.
package analyze
