package hostfacts

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLongNameCut: an interface name of 1 MiB, more than any OS allows, is
// cut to MaxNameLen characters with a note, and the JSON of the facts
// stays small.
func TestLongNameCut(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	text := "C:\\>netsh interface ipv4 show interfaces\n\nIdx     Met         MTU          State                Name\n---  ----------  ----------  ------------  ---------------------------\n 12          25        1500  connected     " + long + "\n"
	f, err := Parse(context.Background(), "long", text)
	if err != nil {
		t.Fatal(err)
	}
	ifc := f.ByIndex(12)
	if ifc == nil || utf8.RuneCountInString(ifc.Name) != MaxNameLen+1 || !strings.HasSuffix(ifc.Name, "…") {
		t.Fatalf("interface 12: %+v", ifc)
	}
	if !strings.Contains(strings.Join(f.Unread, "\n"), "longer than 256 characters") {
		t.Errorf("no note of the cut: %q", f.Unread)
	}
	b, _ := json.Marshal(f)
	if len(b) > 64<<10 {
		t.Errorf("the facts' JSON is %d bytes for one interface", len(b))
	}
}

// TestCROnlyLineEnds: outputs saved with lone CRs read line by line, as
// the same with LF or CRLF.
func TestCROnlyLineEnds(t *testing.T) {
	lf := "C:\\>netsh interface ipv4 show interfaces\n\nIdx     Met         MTU          State                Name\n---  ----------  ----------  ------------  ---------------------------\n 12          25        1500  connected     Ethernet\n"
	for name, text := range map[string]string{"cr": strings.ReplaceAll(lf, "\n", "\r"), "crlf": strings.ReplaceAll(lf, "\n", "\r\n")} {
		d, err := Decode([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(context.Background(), name, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ifc := f.ByIndex(12); ifc == nil || ifc.Name != "Ethernet" {
			t.Errorf("%s: interface 12 %+v", name, ifc)
		}
	}
}
