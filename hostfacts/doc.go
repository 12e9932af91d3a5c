// Package hostfacts reads a host's own configuration that decides whether it
// accepts and answers packets to a VIP: interfaces, addresses, host-model
// settings, ARP sysctls, listeners and bindings. Reading never changes the host.
package hostfacts
