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

// Text writes the terminal report: the verdict and the first fix on top,
// then what was read, the table of destinations, and each finding with its
// evidence, explanation and fix steps. Here, its head.
func ExampleText() {
	var b strings.Builder
	if err := report.Text(&b, seedResult(), report.Options{Width: 100}); err != nil {
		log.Fatal(err)
	}
	head, _, _ := strings.Cut(b.String(), "Roles:")
	fmt.Print(head)
	// Output:
	// PROBLEM: 9 SYNs in 3 attempts from 2 clients to VIP 192.0.2.10:443 were never answered: they reach the host and its strong host model drops them, because the VIP is not an address of the interface they arrive on. Or a host firewall drops them: the packets look the same, the host's configuration tells (below). Cause: strong-host-receive, confidence medium.
	// Fix: Windows Server 2008 and later: the VIP on a loopback adapter, weak host model on the NIC and the loopback (steps under Finding 1).
	//
	// Read seed-strong-host.pcapng: pcapng, Ethernet, 25 frames, 2026-03-02 10:00:00 to 10:00:15 (15.001s).
	// 7 handshake attempts (13 SYN transmissions) to port 443; VIPs: inferred (destinations that never send a packet). Times are UTC.
	// Captured on the backend: 10.0.0.5 sends with TTL 128, an initial value, so its packets were captured before any router; the clients' SYNs arrive with TTL 113.
	// Health probes: 4 attempts (4 completed). Clients: 3 attempts (3 unanswered).
	//
	// Handshakes by destination (port 443):
	// +----------------+--------------+-------+-----------+------------+
	// | destination    | role         | total | completed | unanswered |
	// +----------------+--------------+-------+-----------+------------+
	// | 192.0.2.10:443 |   likely VIP |     3 |         0 |          3 |
	// |   10.0.0.5:443 | host address |     4 |         4 |          0 |
	// +----------------+--------------+-------+-----------+------------+
	// Not shown, 0 for every destination: pending, refused, unreachable, synack-no-ack, wrong-source.
}

// Verdict is the report's first line, for a status line or a ticket's
// title.
func ExampleVerdict() {
	fmt.Println(report.Verdict(seedResult(), report.Chinese))
	// Output:
	// 问题：来自 2 个客户端、3 个连接尝试的 9 个 SYN 发往 VIP 192.0.2.10:443，始终没有应答：这些 SYN 已到达本机，但 VIP 不是接收网卡上的地址，被强主机模型丢弃。也可能是主机防火墙丢弃了它们：两者在包上看起来一样，要看主机配置（见下文）。原因：strong-host-receive，置信度：中。
}
