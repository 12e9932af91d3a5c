// Package analyze follows TCP handshakes in captured frames and explains the
// ones that failed: it decodes frames, tracks attempts, assigns address roles
// and returns a Result value. It does no I/O and no formatting.
package analyze
