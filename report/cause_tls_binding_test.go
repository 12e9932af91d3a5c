package report

import (
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// Names past the list a destination keeps are said as a count, in both
// languages.
func TestTLSNamesSayTheRest(t *testing.T) {
	f := &analyze.Finding{Evidence: []analyze.Evidence{{Kind: analyze.EvHelloClosed, Names: []string{"a.example"}, MoreNames: 4}}}
	if got := names(f, analyze.EvHelloClosed, English); !strings.Contains(got, "a.example") || !strings.Contains(got, "4 more handshakes") {
		t.Errorf("English: %q", got)
	}
	if got := names(f, analyze.EvHelloClosed, Chinese); !strings.Contains(got, "另有 4 次握手") {
		t.Errorf("Chinese: %q", got)
	}
}
