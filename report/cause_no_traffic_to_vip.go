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
		analyze.EvNoSynToVIP:   sayNoSynToVIP,
		analyze.EvNotAtBackend: sayNotAtBackend,
	},
	missing: map[analyze.EvidenceKind]func(*analyze.Finding, Lang) string{
		analyze.EvLoadBalancerSide: missingLoadBalancerSide,
	},
}

// beforeBackend says whether the finding rests on two captures: SYNs one
// saw that the backend's never did.
func beforeBackend(f *analyze.Finding) bool {
	for _, e := range f.Evidence {
		if e.Kind == analyze.EvNotAtBackend {
			return true
		}
	}
	return false
}

func headlineNoTrafficToVIP(f *analyze.Finding, l Lang) string {
	if beforeBackend(f) {
		return l.tr(fmt.Sprintf("%s of %s to the VIP %s were sent and never reached the backend: its capture, taken at the same time, holds none of them while handshakes to the host's own address %s complete. They died before the backend, between the clients and the load balancer or at the load balancer, which is not sending the VIP's traffic to this host.",
			count(f.Syns, "SYN"), count(f.Attempts, "attempt"), f.Server, addrOrNone(f.HostAddr)),
			fmt.Sprintf("发往 VIP %s 的 %d 个连接尝试的 %d 个 SYN 已经发出，却始终没有到达后端：同一时间在后端抓的包里一个也没有，而发往本机地址 %s 的握手都能完成。它们在到达后端之前就丢失了——在客户端与负载均衡器之间，或在负载均衡器上：负载均衡器没有把 VIP 的流量转发到这台主机。",
				f.Server, f.Attempts, f.Syns, addrOrNone(f.HostAddr)))
	}
	return l.tr(fmt.Sprintf("Not one SYN to the VIP %s reached this capture, while handshakes to the host's own address %s complete: the load balancer is not sending the VIP's traffic to this host.",
		f.Server.Addr(), addrOrNone(f.HostAddr)),
		fmt.Sprintf("抓包中没有任何发往 VIP %s 的 SYN，而发往本机地址 %s 的握手都能完成：负载均衡器没有把 VIP 的流量转发到这台主机。",
			f.Server.Addr(), addrOrNone(f.HostAddr)))
}

func whyNoTrafficToVIP(f *analyze.Finding, l Lang) string {
	if beforeBackend(f) {
		return l.tr(fmt.Sprintf("Two captures of the same traffic were read together. One shows the clients sending their SYNs to %s and sending them again; the backend's, which was capturing at the time and shows the host answering on %s, shows not one of them. "+
			"So the host never received them and cannot be what drops them: no setting on the host changes this. "+
			"Between the clients and the backend, the load balancer sends the VIP's connections to other backends or nowhere (this backend unhealthy to it, missing from the pool or at weight 0, no rule or route for the VIP), or a security group, ACL or firewall in front of it drops the clients.",
			f.Server, addrOrNone(f.HostAddr)),
			fmt.Sprintf("同一流量的两份抓包被一起读取。其中一份显示客户端向 %s 发送了 SYN 并多次重传；后端的抓包在同一时间进行，能看到主机在 %s 上应答，却一个这样的 SYN 也没有。"+
				"所以主机根本没有收到它们，丢包的不是主机：主机上的任何设置都改变不了这一点。"+
				"在客户端与后端之间，负载均衡器把 VIP 的连接发给了其他后端或根本没有转发（它认为这台后端不健康、后端不在服务器组中或权重为 0、没有 VIP 的规则或路由），或者负载均衡器前面的安全组、ACL 或防火墙丢弃了客户端流量。",
				f.Server, addrOrNone(f.HostAddr)))
	}
	return l.tr(fmt.Sprintf("The capture was taken where this host's traffic passes (handshakes to %s complete) but contains no SYN to the VIP %s. "+
		"The load balancer sends the VIP's connections to other backends or nowhere: it may consider this backend unhealthy (health probe failing or probing another port), "+
		"the backend may be missing from the pool or have weight 0, or a security group in front of the load balancer drops the clients.", addrOrNone(f.HostAddr), f.Server.Addr()),
		fmt.Sprintf("抓包位置能看到这台主机的流量（发往 %s 的握手都能完成），但其中没有任何发往 VIP %s 的 SYN。"+
			"负载均衡器把 VIP 的连接发给了其他后端，或者根本没有转发：它可能认为这台后端不健康（健康检查探测失败，或探测的是另一个端口），"+
			"这台后端可能不在后端服务器组中或权重为 0，也可能是负载均衡器前面的安全组丢弃了客户端流量。", addrOrNone(f.HostAddr), f.Server.Addr()))
}

func aboutNoTrafficToVIP(l Lang) (title, pattern string) {
	return l.tr("the load balancer sends no VIP traffic to this host", "负载均衡器没有把 VIP 流量转发到这台主机"),
		l.tr("A capture on the backend, with handshakes to its own address, and not one SYN to the VIP; or, read together with a capture that shows the clients' SYNs to the VIP, none of those SYNs.",
			"在后端上抓的包里有发往本机地址的握手，却没有一个发往 VIP 的 SYN；或者与能看到客户端发往 VIP 的 SYN 的抓包一起读取时，后端的抓包里一个这样的 SYN 也没有。")
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

func sayNotAtBackend(f *analyze.Finding, e *analyze.Evidence, l Lang) string {
	return l.tr(fmt.Sprintf("None of the SYNs of %s is in the backend's capture, which was capturing at the time: there, handshakes to %s complete (the frames) and the filter shows no SYN to %s.",
		count(e.Attempts, "attempt"), addrOrNone(e.Addr), f.Server),
		fmt.Sprintf("这 %d 个连接尝试的 SYN 一个也不在后端的抓包里，而后端当时正在抓包：那里发往 %s 的握手都能完成（见帧），该过滤器显示不出任何发往 %s 的 SYN。",
			e.Attempts, addrOrNone(e.Addr), f.Server))
}
