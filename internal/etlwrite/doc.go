// Package etlwrite writes Event Trace Log files as Windows pktmon (compressed
// buffers, PktMon events) and `netsh trace` (uncompressed buffers,
// NDIS-PacketCapture events) do, so that tests and the bench can make .etl
// inputs from their own packets.
package etlwrite
