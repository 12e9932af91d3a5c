// Package watch is the engine of `slbdiag watch`: it keeps a window of the
// packets captured, opens an incident when handshakes fail, writes the
// incident's packets, and has a worker analyse and report each incident
// once no more attempts can join it, within a disk budget.
package watch
