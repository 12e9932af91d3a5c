package capture

import (
	"bufio"
	"encoding/binary"
	"io"
)

// pcap's header is 24 bytes and each record's 16; the version sits at
// bytes 4-8 of the header, a record's captured and original lengths at
// bytes 8-16 of its header.
const (
	pcapHeaderLen = 24
	pcapRecordLen = 16
)

// isOldPcap reports whether a pcap file, whose magic r starts with, has a
// version 2.0 to 2.3 header: old libpcap's, which pcapgo rejects and
// libpcap still reads (sf-pcap.c).
func isOldPcap(r *bufio.Reader) bool {
	h, err := r.Peek(8)
	if err != nil {
		return false
	}
	major, minor := pcapVersion(h)
	return major == 2 && minor < 4
}

func pcapVersion(h []byte) (major, minor uint16) {
	var bo binary.ByteOrder = binary.LittleEndian
	if h[0] == 0xa1 {
		bo = binary.BigEndian
	}
	return bo.Uint16(h[4:6]), bo.Uint16(h[6:8])
}

// oldPcap passes on an old pcap file as version 2.4, rewriting bytes in
// place and never adding or dropping one, so that every offset in it
// stays the file's own. As libpcap does, it swaps the two lengths of
// each record where the old writers put them the other way round: always
// for versions before 2.3, and for 2.3 where the captured length is the
// larger (tcpdump's 2.3 files were written either way).
type oldPcap struct {
	src   io.Reader
	bo    binary.ByteOrder
	minor uint16
	out   int64  // bytes passed on so far
	hdr   []byte // header bytes read and fixed, not yet passed on
	left  int    // bytes of the current record's data still to pass on
	err   error
}

func (o *oldPcap) Read(p []byte) (int, error) {
	if len(o.hdr) == 0 && o.left == 0 && o.err == nil {
		o.next()
	}
	if len(o.hdr) > 0 {
		n := copy(p, o.hdr)
		o.hdr = o.hdr[n:]
		o.out += int64(n)
		return n, nil
	}
	if o.left == 0 {
		return 0, o.err
	}
	n, err := o.src.Read(p[:min(len(p), o.left)])
	o.left -= n
	o.out += int64(n)
	if err != nil && o.left > 0 {
		o.err, o.left = err, 0
	}
	if n > 0 {
		return n, nil
	}
	return 0, o.err
}

// next reads the file's header, at the start, or the next record's, and
// fixes it. What a short read leaves is passed on as it was, with its
// error after it.
func (o *oldPcap) next() {
	size := pcapRecordLen
	if o.bo == nil {
		size = pcapHeaderLen
	}
	b := make([]byte, size)
	n, err := io.ReadFull(o.src, b)
	o.hdr = b[:n]
	if err != nil {
		o.err = err
		if err == io.ErrUnexpectedEOF {
			o.err = io.EOF // as the file ends: the reader names the cut
		}
		return
	}
	if o.bo == nil {
		o.bo = binary.LittleEndian
		if b[0] == 0xa1 {
			o.bo = binary.BigEndian
		}
		_, o.minor = pcapVersion(b)
		o.bo.PutUint16(b[6:8], 4)
		return
	}
	capLen, origLen := o.bo.Uint32(b[8:12]), o.bo.Uint32(b[12:16])
	if o.minor < 3 || capLen > origLen {
		capLen, origLen = origLen, capLen
		o.bo.PutUint32(b[8:12], capLen)
		o.bo.PutUint32(b[12:16], origLen)
	}
	o.left = int(capLen)
}
