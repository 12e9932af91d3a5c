package capture

import (
	"net"
	"strings"
	"testing"
)

// An interface is still there when the OS has its index under its name;
// one not matched to the OS's list is never called gone.
func TestStillThere(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Skipf("no interfaces: %v", err)
	}
	real := ifs[0]
	if err := stillThere(Interface{Index: real.Index, Friendly: real.Name}); err != nil {
		t.Errorf("%s (index %d): %v", real.Name, real.Index, err)
	}
	if err := stillThere(Interface{}); err != nil {
		t.Errorf("an unmatched interface: %v", err)
	}
	err = stillThere(Interface{Index: real.Index, Friendly: real.Name + "-gone"})
	if err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("a renamed interface: %v, want gone", err)
	}
}
