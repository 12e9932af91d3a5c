package etl

import (
	"fmt"
	"time"
	"unicode/utf16"
)

// Header is what the logfile header (TRACE_LOGFILE_HEADER) says of a trace.
type Header struct {
	BufferSize    uint32 // bytes per buffer, as the logger was set up
	OSBuild       uint32 // the Windows build that wrote the trace
	Processors    uint32
	LogFileMode   uint32
	BuffersWriten uint32
	EventsLost    uint32
	BuffersLost   uint32
	PerfFreq      uint64 // ticks per second of the clock that stamps events
	ClockType     uint32 // 1 = QPC
	Start         time.Time
	LoggerName    string
	Compressed    bool // buffers after the first are compressed

	startFiletime uint64
	rawStart      uint64 // the header record's own raw time
}

// logfileHeaderLen is how much of TRACE_LOGFILE_HEADER the reader uses,
// up to and including BuffersLost.
const logfileHeaderLen = 280

// parseHeader reads the logfile header from the SYSTEM64 record that
// starts buffer 0.
func parseHeader(r *record) (Header, error) {
	b := r.data
	if r.kind != hdrSystem64 || r.id != 0 || len(b) < logfileHeaderLen {
		return Header{}, fmt.Errorf("%w: the first record is not a logfile header", ErrNotETL)
	}
	h := Header{
		BufferSize:    le32(b, 0),
		OSBuild:       le32(b, 8),
		Processors:    le32(b, 12),
		LogFileMode:   le32(b, 32),
		BuffersWriten: le32(b, 36),
		EventsLost:    le32(b, 48),
		PerfFreq:      le64(b, 256),
		startFiletime: le64(b, 264),
		ClockType:     le32(b, 272),
		BuffersLost:   le32(b, 276),
		rawStart:      r.raw,
	}
	h.Compressed = h.LogFileMode&compressedMode != 0
	if h.PerfFreq == 0 {
		return Header{}, fmt.Errorf("%w: the logfile header gives no clock frequency", ErrNotETL)
	}
	h.LoggerName, _ = utf16z(b[logfileHeaderLen:])
	h.Start = h.Time(r.raw)
	return h, nil
}

// filetimeEpoch is 1970-01-01 in FILETIME (100 ns since 1601), in µs.
const filetimeEpochMicros = 11644473600000000

// Time converts a raw event timestamp to wall time, to the 100 ns of a
// FILETIME (UnixMicro of it is the µs the tools the captures are checked
// with print).
func (h *Header) Time(raw uint64) time.Time {
	d := int64(raw) - int64(h.rawStart)
	// Split to keep d × 10^7 from overflowing on long traces.
	f := int64(h.startFiletime) + d/int64(h.PerfFreq)*1e7 + floorDiv(d%int64(h.PerfFreq)*1e7, int64(h.PerfFreq))
	return time.Unix(0, (f-filetimeEpochMicros*10)*100).UTC()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// utf16z decodes a NUL-terminated UTF-16LE string and returns what follows
// it; without a NUL the whole of b is the string.
func utf16z(b []byte) (string, []byte) {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		c := le16(b, i)
		if c == 0 {
			return string(utf16.Decode(u)), b[i+2:]
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), nil
}
