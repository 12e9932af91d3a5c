package main

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/slbdiag/slbdiag/capture"
)

// A Windows host as Npcap and the OS describe it: the device is a GUID,
// the name people use is the friendly one.
var windowsIfaces = []capture.Interface{
	{Name: `\Device\NPF_{4E2A1C7B-2F6D-4C3A-9E51-6A0C8B1D2E3F}`, Friendly: "Ethernet 2", Description: "Red Hat VirtIO Ethernet Adapter",
		Index: 12, Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/24")}, Flags: []string{"up", "running"}},
	{Name: `\Device\NPF_Loopback`, Description: "Adapter for loopback traffic capture", Flags: []string{"loopback"}},
}

func TestInterfaces(t *testing.T) {
	var b bytes.Buffer
	if err := writeInterfaces(&b, windowsIfaces); err != nil {
		t.Fatal(err)
	}
	want := "INDEX  NAME                                                FRIENDLY NAME / DESCRIPTION                   ADDRESSES    FLAGS\n" +
		"12     \\Device\\NPF_{4E2A1C7B-2F6D-4C3A-9E51-6A0C8B1D2E3F}  \"Ethernet 2\" Red Hat VirtIO Ethernet Adapter  10.0.0.5/24  up,running\n" +
		"-      \\Device\\NPF_Loopback                                Adapter for loopback traffic capture          -            loopback\n"
	if b.String() != want {
		t.Errorf("writeInterfaces:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeInterfacesJSON(&b, windowsIfaces[1:]); err != nil {
		t.Fatal(err)
	}
	wantJSON := "[\n  {\n    \"name\": \"\\\\Device\\\\NPF_Loopback\",\n    \"description\": \"Adapter for loopback traffic capture\",\n    \"addresses\": [],\n    \"flags\": [\n      \"loopback\"\n    ]\n  }\n]\n"
	if b.String() != wantJSON {
		t.Errorf("writeInterfacesJSON:\n%s\nwant:\n%s", b.String(), wantJSON)
	}
	if got, want := interfaceLine(windowsIfaces[0]), `"Ethernet 2" (index 12, \Device\NPF_{4E2A1C7B-2F6D-4C3A-9E51-6A0C8B1D2E3F}) Red Hat VirtIO Ethernet Adapter: 10.0.0.5/24`; got != want {
		t.Errorf("interfaceLine = %s, want %s", got, want)
	}
}
