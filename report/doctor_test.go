package report

import "testing"

// TestLookupDoctor: every format doctor's help names has a renderer, and
// a format outside the closed set is refused with the list.
func TestLookupDoctor(t *testing.T) {
	for _, name := range DoctorFormatNames() {
		if r, err := LookupDoctor(name); err != nil || r == nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"jsonl", "", "TEXT"} {
		if _, err := LookupDoctor(name); err == nil {
			t.Errorf("%q: accepted", name)
		}
	}
}
