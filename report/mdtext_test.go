package report

import "testing"

func TestMd(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Device Manager > Action > Add legacy hardware", "Device Manager > Action > Add legacy hardware"},
		{"Frames: merge-b.pcapng#1, merge-b.pcapng#6.", "Frames: merge-b.pcapng#1, merge-b.pcapng#6."},
		{"# not a heading", `\# not a heading`},
		{"> not a quote", `\> not a quote`},
		{"- not a list", `\- not a list`},
		{"then run: slbdiag analyze AFTER.pcapng --vip 192.0.2.10 --port 443. Every attempt",
			"then run: `slbdiag analyze AFTER.pcapng --vip 192.0.2.10 --port 443`. Every attempt"},
		{"然后运行：slbdiag analyze AFTER.pcapng --port 443。所有", "然后运行：`slbdiag analyze AFTER.pcapng --port 443`。所有"},
		{"(the Linux one is in --format json).", "(the Linux one is in `--format json`)."},
		{"check the capture point, --port and the capture filter.", "check the capture point, `--port` and the capture filter."},
		{"capture with -s 0 (tcpdump) or a larger pktmon --pkt-size to see them", "capture with `-s 0` (tcpdump) or a larger `pktmon --pkt-size` to see them"},
		{"or curl -k https://<host address>/ from another machine)", "or `curl -k https://<host address>/` from another machine)"},
		{"执行 curl -k https://<本机地址>/）：如果", "执行 `curl -k https://<本机地址>/`）：如果"},
		{"replace <HOST-NAME> with the site's real name", "replace `<HOST-NAME>` with the site's real name"},
		{"slbdiag read the packets inside.", "slbdiag read the packets inside."},
		{"notslbdiag analyze x.pcap, recurl -k", "notslbdiag analyze x.pcap, recurl `-k`"},
		{"pre-existing and 5-tuple", "pre-existing and 5-tuple"},
		{"arp_ignore=1, _x_", `arp_ignore=1, \_x\_`},
		{"<script>alert(1)</script>", `\<script>alert(1)\</script>`},
		{"see [x](http://e.example/) *a* |b| `c`", "see \\[x](http://e.example/) \\*a\\* \\|b\\| \\`c\\`"},
		{"[2001:db8::10]:443 first", `\[2001:db8::10]:443 first`},
		{"to [2001:db8::10]:443, none answered", "to [2001:db8::10]:443, none answered"},
		{"![i][r] [a] [b]", `!\[i][r] [a] [b]`},
		{"a;calc;#&calc&rem &amp; &#60;", `a;calc;#&calc&rem \&amp; \&#60;`},
		{`C:\Windows \*`, `C:\Windows \\\*`},
	} {
		if got := md(c.in); got != c.want {
			t.Errorf("md(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestCodeSpan(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ip.src==10.0.0.5", "`ip.src==10.0.0.5`"},
		{"a`b", "``a`b``"},
		{"`a``", "``` `a`` ```"},
	} {
		if got := codeSpan(c.in); got != c.want {
			t.Errorf("codeSpan(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := codeFence([]string{"echo", "a ```` b"}); got != "`````" {
		t.Errorf("codeFence = %q", got)
	}
}

// TestMDCommandInProse: a command line quoted in prose is one code span,
// not a span per flag ("ip `-br` addr" pasted runs nothing useful).
func TestMDCommandInProse(t *testing.T) {
	for in, want := range map[string]string{
		"(ip -br addr, or Get-NetIPAddress -IPAddress 192.0.2.10) and":                                       "(`ip -br addr`, or `Get-NetIPAddress -IPAddress 192.0.2.10`) and",
		"counters (nft list ruleset, iptables -L -v -n, or Get-NetFirewallRule and Get-NetFirewallProfile).": "counters (`nft list ruleset`, `iptables -L -v -n`, or `Get-NetFirewallRule` and `Get-NetFirewallProfile`).",
		"a Microsoft Hyper-V Network Adapter":                                                                "a Microsoft Hyper-V Network Adapter",
	} {
		if got := md(in); got != want {
			t.Errorf("md(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}
