// Package capture opens the sources of packets slbdiag reads: capture files
// (pcap, pcapng, gzip'd, stdin) and live interfaces, kept open across an
// interface's disappearance (Reopening). It yields raw frames with their link
// type and capture information, keeps the latest of them in memory (Window)
// and writes them out (evidence files), and knows nothing of TCP.
package capture
