// Package hostcheck is host-only diagnosis: what a host's own
// configuration (package hostfacts) says of SYNs to a VIP. Check predicts,
// from the facts alone, what a capture would most likely show; Apply lets
// the facts confirm, refine or contradict the findings of a capture of
// that host (an analyze.Result). Both decide from the same view of the
// facts, so they agree on the same host.
//
// It sits after analyze: analyze reads packets and knows nothing of
// hostfacts; the host-fact evidence kinds and the HostConfig a finding
// carries are declared there, without hostfacts types, and filled here.
// It does no I/O and no formatting.
package hostcheck
