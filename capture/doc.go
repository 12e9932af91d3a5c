// Package capture opens the sources of packets slbdiag reads: capture files
// (pcap, pcapng, gzip'd, stdin). It yields raw frames with their link type and
// capture information and knows nothing of TCP.
package capture
