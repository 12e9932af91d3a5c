package english

import "testing"

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 packets"}, {1, "1 packet"}, {2, "2 packets"}} {
		if got := Plural(tt.n, "packet"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	for _, tt := range []struct {
		b    float64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1 kB"}, {1 << 30, "1.07 GB"}, {2e12, "2 TB"}} {
		if got := Size(tt.b); got != tt.want {
			t.Errorf("Size(%g) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestOr(t *testing.T) {
	for _, tt := range []struct {
		items []string
		want  string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"}, {[]string{"a", "b", "c"}, "a, b or c"}} {
		if got := Or(tt.items); got != tt.want {
			t.Errorf("Or(%q) = %q, want %q", tt.items, got, tt.want)
		}
	}
}
