package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nrb is a name resolution block of one IPv4 record naming addr.
func nrb(addr [4]byte, name string) block {
	le := binary.LittleEndian
	v := append(addr[:], append([]byte(name), 0)...)
	body := le.AppendUint16(nil, 1) // nrb_record_ipv4
	body = le.AppendUint16(body, uint16(len(v)))
	body = append(body, v...)
	body = append(body, make([]byte, (4-len(v)%4)%4)...)
	body = append(body, 0, 0, 0, 0) // nrb_record_end
	return block{typ: 4, body: body}
}

// preambles are well-formed pcapngs with more than the read buffer (1
// MiB) of blocks before their first packet: secrets, name resolution,
// and interface descriptions, which pcapgo keeps.
func preambles() map[string][]byte {
	f60 := bytes.Repeat([]byte{1}, 60)
	secrets := block{typ: 0x0A, body: append([]byte{0x4b, 0x53, 0x4c, 0x54, 0, 0, 0x20, 0}, make([]byte, 2<<20)...)}
	names := []block{shb(), idb()}
	for i := range 40000 {
		names = append(names, nrb([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}, fmt.Sprintf("host-%d.example", i)))
	}
	names = append(names, epb(f60, 0), epb(f60, 0))
	ifaces := []block{shb()}
	for range 60000 {
		ifaces = append(ifaces, idb())
	}
	ifaces = append(ifaces, epb(f60, 0), idb(), epb(f60, 0))
	return map[string][]byte{
		"secrets":    ng(shb(), idb(), secrets, epb(f60, 0), epb(f60, 0)),
		"names":      ng(names...),
		"interfaces": ng(ifaces...),
	}
}

// TestLargePreamble: none of the preambles is damage; every frame is read.
func TestLargePreamble(t *testing.T) {
	for name, data := range preambles() {
		t.Run(name, func(t *testing.T) {
			if len(data) < 1<<20 {
				t.Fatalf("%d bytes: the test needs more than 1 MiB before the first packet", len(data))
			}
			checkDamage(t, data, 2, -1, "")
		})
	}
}

// TestLargePreambleTshark: Wireshark reads the generated preambles as
// well-formed, with the frames slbdiag reads; and a capture with 2 MiB of
// TLS secrets that Wireshark's own editcap embedded reads whole too.
func TestLargePreambleTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	dir := t.TempDir()
	files := map[string]int{}
	for name, data := range preambles() {
		p := filepath.Join(dir, name+".pcapng")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files[p] = 2
	}
	if _, err := exec.LookPath("editcap"); err == nil {
		var keys bytes.Buffer
		for i := range 14000 {
			fmt.Fprintf(&keys, "CLIENT_RANDOM %064x %096x\n", i, i)
		}
		keylog, out := filepath.Join(dir, "keys.txt"), filepath.Join(dir, "editcap-secrets.pcapng")
		if err := os.WriteFile(keylog, keys.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.Command("editcap", "--inject-secrets", "tls,"+keylog, filepath.Join("..", "testdata", "pcaps", "tls-binding.pcapng"), out).CombinedOutput(); err != nil {
			t.Fatalf("editcap: %v: %s", err, b)
		}
		files[out] = 25
	}
	for p, frames := range files {
		out, err := exec.Command("tshark", "-r", p, "-T", "fields", "-e", "frame.number").Output()
		if err != nil {
			t.Fatalf("%s: tshark: %v", filepath.Base(p), err)
		}
		if n := len(strings.Fields(string(out))); n != frames {
			t.Fatalf("%s: tshark reads %d frames, want %d", filepath.Base(p), n, frames)
		}
		f, err := Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(f)
		f.Close()
		if len(got) != frames || err != nil {
			t.Errorf("%s: read %d frames (%v), want %d as tshark", filepath.Base(p), len(got), err, frames)
		}
	}
}
