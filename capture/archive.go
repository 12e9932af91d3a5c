package capture

import "bytes"

// archives are the containers customers wrap captures in, by their first
// bytes, with what to do about each: naming them beats printing a magic
// number nobody recognises.
var archives = []struct {
	magic []byte
	what  string
}{
	{[]byte("PK\x03\x04"), "a zip archive: unzip it first and give slbdiag the capture inside"},
	{[]byte("PK\x05\x06"), "an empty zip archive: it holds no capture"},
	{[]byte{0xfd, '7', 'z', 'X'}, "an xz-compressed file: decompress it first (xz -d FILE, or 7-Zip on Windows)"},
	{[]byte{'7', 'z', 0xbc, 0xaf}, "a 7-Zip archive: extract it first (7z x FILE)"},
	{[]byte("BZh"), "a bzip2-compressed file: decompress it first (bunzip2 FILE)"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "a zstd-compressed file: decompress it first (zstd -d FILE)"},
	{[]byte("Rar!"), "a RAR archive: extract it first"},
	{[]byte("MSCF"), "a Windows cabinet (.cab, as netsh trace writes beside its .etl): give slbdiag the .etl, or expand the .cab first (expand -F:* FILE DIR)"},
}

// archiveOf names the container a file starting with magic is, and what
// to do with it; "" when it is none slbdiag knows.
func archiveOf(magic []byte) string {
	for _, a := range archives {
		if bytes.HasPrefix(magic, a.magic) {
			return a.what
		}
	}
	return ""
}
