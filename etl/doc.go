// Package etl reads the Event Trace Log (.etl) files that Windows pktmon and
// `netsh trace capture=yes` write, in pure Go: buffers, XPRESS-compressed
// buffers, event records and the PktMon and NDIS-PacketCapture packet events,
// which it turns into one frame per packet with the components it crossed.
package etl
