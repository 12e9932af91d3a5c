package analyze

import (
	"encoding/binary"
	"net/netip"
)

// ring is a FIFO of values, each numbered by a sequence number that never
// repeats. It grows by doubling; the caller keeps it within its bound.
// The window of open attempts, the finished attempts' keys and
// the first SYNs of attempts decided early are rings.
type ring[T any] struct {
	buf  []T
	head uint64 // sequence number of the oldest value held
	tail uint64 // sequence number the next value gets
}

// window holds the open attempts in order of first SYN.
type window = ring[track]

func (w *ring[T]) len() int { return int(w.tail - w.head) }

// at returns the value with sequence number seq, or nil when it has left.
func (w *ring[T]) at(seq uint64) *T {
	if seq < w.head || seq >= w.tail {
		return nil
	}
	return &w.buf[seq&uint64(len(w.buf)-1)]
}

func (w *ring[T]) oldest() *T { return w.at(w.head) }

// push makes room for a new value and returns it, zeroed, with its
// sequence number.
func (w *ring[T]) push() (uint64, *T) {
	if w.len() == len(w.buf) {
		w.grow()
	}
	seq := w.tail
	w.tail++
	t := &w.buf[seq&uint64(len(w.buf)-1)]
	var zero T
	*t = zero
	return seq, t
}

func (w *ring[T]) pop() { w.head++ }

func (w *ring[T]) grow() {
	n := max(1024, 2*len(w.buf))
	buf := make([]T, n)
	for s := w.head; s < w.tail; s++ {
		buf[s&uint64(n-1)] = w.buf[s&uint64(len(w.buf)-1)]
	}
	w.buf = buf
}

// Keys of the tracker's maps are 64-bit hashes of the fields that identify
// an attempt, so an entry holds no pointer and costs 24 bytes. An entry is
// always checked against the attempt it points to while that is open;
// after it has left, two attempts whose keys collide (about one chance in
// 10^7 with a million attempts remembered) would have a late packet
// counted to the wrong one.

// replyHash identifies an attempt by what its replies carry: the client's
// address and port, the server port, and the sequence number they
// acknowledge, less one.
func replyHash(client netip.AddrPort, serverPort uint16, isn uint32) uint64 {
	a := client.Addr().As16()
	return mix(binary.LittleEndian.Uint64(a[:8]), binary.LittleEndian.Uint64(a[8:]),
		uint64(client.Port())|uint64(serverPort)<<16|uint64(isn)<<32, 0x5eed1)
}

// flowHash identifies a connection by its 4-tuple, client side first.
func flowHash(client, server netip.AddrPort) uint64 {
	c, s := client.Addr().As16(), server.Addr().As16()
	h := mix(binary.LittleEndian.Uint64(c[:8]), binary.LittleEndian.Uint64(c[8:]),
		uint64(client.Port())|uint64(server.Port())<<16, 0xf10)
	return mix(h, binary.LittleEndian.Uint64(s[:8]), binary.LittleEndian.Uint64(s[8:]), 0xf11)
}

// mix folds words into a hash (multiply and xor-shift, as in wyhash).
func mix(a, b, c, d uint64) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := d
	for _, w := range [...]uint64{a, b, c} {
		h = (h ^ w) * m
		h ^= h >> 32
	}
	return h
}
