package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// noTrafficToVIPTexts are the texts of no-traffic-to-vip: the load balancer
// sends this host no VIP traffic.
var noTrafficToVIPTexts = causeTexts{
	about:    aboutNoTrafficToVIP,
	headline: headlineNoTrafficToVIP,
	why:      whyNoTrafficToVIP,
	windows:  forwardingWindows,
	linux:    forwardingLinux,

	predictsByHeadline: true,
	evidence: map[analyze.EvidenceKind]func(*analyze.Finding, *analyze.Evidence, Lang) string{
		analyze.EvNoSynToVIP: sayNoSynToVIP,
	},
	missing: map[analyze.EvidenceKind]func(*analyze.Finding, Lang) string{
		analyze.EvLoadBalancerSide: missingLoadBalancerSide,
	},
}

func headlineNoTrafficToVIP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("Not one SYN to the VIP %s reached this capture, while handshakes to the host's own address %s complete: the load balancer is not sending the VIP's traffic to this host.",
		f.Server.Addr(), addrOrNone(f.HostAddr)),
		fmt.Sprintf("抓包中没有任何发往 VIP %s 的 SYN，而发往本机地址 %s 的握手都能完成：负载均衡器没有把 VIP 的流量转发到这台主机。",
			f.Server.Addr(), addrOrNone(f.HostAddr)))
}

func whyNoTrafficToVIP(f *analyze.Finding, l Lang) string {
	return l.tr(fmt.Sprintf("The capture was taken where this host's traffic passes (handshakes to %s complete) but contains no SYN to the VIP %s. "+
		"The load balancer sends the VIP's connections to other backends or nowhere: it may consider this backend unhealthy (health probe failing or probing another port), "+
		"the backend may be missing from the pool or have weight 0, or a security group in front of the load balancer drops the clients.", addrOrNone(f.HostAddr), f.Server.Addr()),
		fmt.Sprintf("抓包位置能看到这台主机的流量（发往 %s 的握手都能完成），但其中没有任何发往 VIP %s 的 SYN。"+
			"负载均衡器把 VIP 的连接发给了其他后端，或者根本没有转发：它可能认为这台后端不健康（健康检查探测失败，或探测的是另一个端口），"+
			"这台后端可能不在后端服务器组中或权重为 0，也可能是负载均衡器前面的安全组丢弃了客户端流量。", addrOrNone(f.HostAddr), f.Server.Addr()))
}

func aboutNoTrafficToVIP(l Lang) (title, pattern string) {
	return l.tr("the load balancer sends no VIP traffic to this host", "负载均衡器没有把 VIP 流量转发到这台主机"),
		l.tr("A capture on the backend, with handshakes to its own address, and not one SYN to the VIP.",
			"在后端上抓的包里有发往本机地址的握手，却没有一个发往 VIP 的 SYN。")
}

// checkForwarding is the first step of both forwarding fixes.
func checkForwarding(f *analyze.Finding, l Lang) Step {
	return Step{Text: l.tr(fmt.Sprintf("In the load balancer, check this backend's health status, pool membership and weight, and the port its health probe uses (it must be one this host answers, e.g. %d).", f.Server.Port()),
		fmt.Sprintf("在负载均衡器上检查这台后端的健康状态、是否在后端服务器组中、权重，以及健康检查探测使用的端口（必须是本机会应答的端口，例如 %d）。", f.Server.Port()))}
}

func forwardingWindows(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "windows", Title: forwardingTitle(l), Steps: []Step{
		checkForwarding(f, l),
		{Text: l.tr("Check the health probe reaches the host and is answered: its handshakes appear in this capture from the probe range.",
			"确认健康检查探测能到达主机并得到应答：本次抓包中应能看到来自探测地址段的握手。"),
			Commands: []string{fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
	}}
}

func forwardingLinux(f *analyze.Finding, l Lang) Fix {
	return Fix{Platform: "linux", Title: forwardingTitle(l), Steps: []Step{
		checkForwarding(f, l),
		{Text: l.tr("Check the health probe reaches the host and is answered.", "确认健康检查探测能到达主机并得到应答。"),
			Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
	}}
}

func forwardingTitle(l Lang) string {
	return l.tr("The load balancer: make it send the VIP to this backend", "负载均衡器——让它把 VIP 流量转发到这台后端")
}

func sayNoSynToVIP(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("No SYN to %s in the capture (the filter shows no packet).", f.Server.Addr()),
		fmt.Sprintf("抓包中没有发往 %s 的 SYN（该过滤器显示不出任何包）。", f.Server.Addr()))
}

func missingLoadBalancerSide(f *analyze.Finding, l Lang) string {
	return l.tr("Not observed: the load balancer's own view. Its health status for this backend, the backend pool membership and weight, and a capture on the load balancer show whether it forwards the VIP anywhere.",
		"未观察到：负载均衡器自身的情况。查看它对这台后端的健康检查状态、后端服务器组成员和权重，并在负载均衡器上抓包，就能知道它是否把 VIP 的流量转发到了别处。")
}
