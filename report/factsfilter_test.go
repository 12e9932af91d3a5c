package report

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestFilterStepChainQuoting: an nftables chain named in the customer's
// file goes into the suggested command only when it is safe there.
func TestFilterStepChainQuoting(t *testing.T) {
	f := &analyze.Finding{Server: netip.MustParseAddrPort("192.0.2.10:443")}
	for _, tc := range []struct{ chain, want string }{
		{"inet lab input", "nft insert rule inet lab input tcp dport 443 accept"},
		{"inet x;rm -rf / input", "nft insert rule inet filter input tcp dport 443 accept"},
		{"inet $(reboot) input", "nft insert rule inet filter input tcp dport 443 accept"},
	} {
		st := filterStep(&analyze.Fact{Setting: "nftables", Value: tc.chain, Rule: "drop"}, f, English)
		if got := strings.Join(st.Commands, "\n"); !strings.Contains(got, tc.want) {
			t.Errorf("chain %q: commands %q, want %q", tc.chain, got, tc.want)
		}
	}
}
