package report_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/report"
)

// seedResult analyses the bundled capture of the strong host model case.
func seedResult() *analyze.Result {
	f, err := capture.Open("../testdata/pcaps/seed-strong-host.pcapng", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	ports, _ := analyze.ParsePorts("443")
	r, err := analyze.Run(context.Background(), analyze.Config{Ports: ports},
		[]analyze.Input{{Name: "seed-strong-host.pcapng", Format: f.Format, Source: f}})
	if err != nil {
		log.Fatal(err)
	}
	return r
}

// Text writes the terminal report. Its first screen says what is wrong,
// how sure, and what to type; what was read, the table of destinations and
// each finding with its evidence, explanation and fix steps follow. Here,
// the first screen.
func ExampleText() {
	var b strings.Builder
	if err := report.Text(&b, seedResult(), report.Options{Width: 100}); err != nil {
		log.Fatal(err)
	}
	head, _, _ := strings.Cut(b.String(), "\n\nRead ")
	fmt.Println(head)
	// Output:
	// PROBLEM: strong-host-receive (confidence medium): 9 SYNs in 3 attempts from 2 clients to VIP
	//   192.0.2.10:443 were never answered: they reach the host and its strong host model drops them,
	//   because the VIP is not an address of the interface they arrive on. Or a host firewall drops them:
	//   the packets look the same, the host's configuration tells (below).
	// Fix: Windows Server 2008 and later: the VIP on a loopback adapter, weak host model on the NIC and
	//   the loopback. Type (every step explained, and how to verify, under Finding 1):
	//     hdwwiz.exe
	//     netsh interface ipv4 add address "<LOOPBACK-NAME>" 192.0.2.10 255.255.255.255
	//     netsh interface ipv4 show interfaces
	//     netsh interface ipv4 set interface <NIC-IDX> weakhostreceive=enabled
	//     netsh interface ipv4 set interface <LOOPBACK-IDX> weakhostreceive=enabled weakhostsend=enabled
	//     New-WebBinding -Name "<SITE-NAME>" -Protocol https -IPAddress 192.0.2.10 -Port 443
	//     netsh http add sslcert ipport=192.0.2.10:443 certhash=<CERT-THUMBPRINT> appid={4dc3e181-e14b-4a21-b022-59fc669b0914}
	//     netsh http show sslcert
	//     New-NetFirewallRule -DisplayName "HTTPS on VIP 192.0.2.10" -Direction Inbound -Protocol TCP -LocalAddress 192.0.2.10 -LocalPort 443 -Action Allow
}

// Verdict is the report's first line, for a status line or a ticket's
// title.
func ExampleVerdict() {
	fmt.Println(report.Verdict(seedResult(), report.Chinese))
	// Output:
	// 问题：来自 2 个客户端、3 个连接尝试的 9 个 SYN 发往 VIP 192.0.2.10:443，始终没有应答：这些 SYN 已到达本机，但 VIP 不是接收网卡上的地址，被强主机模型丢弃。也可能是主机防火墙丢弃了它们：两者在包上看起来一样，要看主机配置（见下文）。原因：strong-host-receive，置信度：中。
}
