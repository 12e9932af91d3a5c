package capture

import (
	"time"

	"github.com/gopacket/gopacket"
)

// pcapRecordInBuffer returns the next pcap record straight from the read
// buffer, without the copy pcapgo makes, when the record lies whole in
// the buffer and pcapgo would take it as it is. Any other record (cut
// short, longer than the packet it claims) is left to pcapgo, whose
// errors and offsets the file keeps. The data is valid until the next read.
func (f *File) pcapRecordInBuffer() ([]byte, gopacket.CaptureInfo, bool) {
	if f.Format != FormatPcap {
		return nil, gopacket.CaptureInfo{}, false
	}
	h, _ := f.buf.Peek(16)
	if len(h) < 16 {
		return nil, gopacket.CaptureInfo{}, false
	}
	o := f.order()
	caplen, origlen := o.Uint32(h[8:12]), o.Uint32(h[12:16])
	// check refused a caplen above maxFrameLen: the record fits the buffer.
	if caplen > origlen || caplen > maxFrameLen {
		return nil, gopacket.CaptureInfo{}, false
	}
	n := 16 + int(caplen)
	rec, _ := f.buf.Peek(n)
	if len(rec) < n {
		return nil, gopacket.CaptureInfo{}, false
	}
	// As pcapgo computes it, the fraction's product in 32 bits included.
	frac := o.Uint32(rec[4:8]) * f.nanoFactor
	ci := gopacket.CaptureInfo{
		Timestamp:     time.Unix(int64(o.Uint32(rec[0:4])), int64(frac)).UTC(),
		CaptureLength: int(caplen),
		Length:        int(origlen),
	}
	data := rec[16:n:n]
	f.buf.Discard(n)
	return data, ci, true
}
