package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// capturePoint says where the capture was taken and why slbdiag thinks
// so; empty when there were no SYNs to judge by.
func capturePoint(cp analyze.CapturePoint, l Lang) string {
	if cp.SynSample == 0 {
		return ""
	}
	switch cp.Place {
	case analyze.PlaceBackend:
		return l.tr(fmt.Sprintf("Captured on the backend: %s sends with TTL %d, an initial value, so its packets were captured before any router; the clients' SYNs arrive with TTL %d.", cp.Host, cp.HostTTL, cp.SynTTL),
			fmt.Sprintf("抓包位置：后端主机。%s 发出的包 TTL 为 %d，是初始值，说明抓包时还没经过任何路由器；客户端的 SYN 到达时 TTL 为 %d。", cp.Host, cp.HostTTL, cp.SynTTL))
	case analyze.PlaceClient:
		return l.tr(fmt.Sprintf("Captured on the client: its SYNs leave with TTL %d, an initial value, while the servers' replies arrive routed.", cp.SynTTL),
			fmt.Sprintf("抓包位置：客户端。SYN 发出时 TTL 为 %d，是初始值，而服务器的应答到达时已经过路由。", cp.SynTTL))
	case analyze.PlacePath:
		return l.tr(fmt.Sprintf("Captured in the path (a router, load balancer or mirror port): neither the servers' packets nor the clients' SYNs (TTL %d) carry an initial TTL.", cp.SynTTL),
			fmt.Sprintf("抓包位置：路径中间（路由器、负载均衡器或镜像端口）：服务器的包和客户端的 SYN（TTL %d）都不是初始 TTL。", cp.SynTTL))
	case analyze.PlaceLAN:
		return l.tr(fmt.Sprintf("Captured on one LAN with both ends: %s (TTL %d) and the clients' SYNs (TTL %d) both carry initial TTLs.", cp.Host, cp.HostTTL, cp.SynTTL),
			fmt.Sprintf("抓包位置：两端位于同一局域网：%s（TTL %d）和客户端的 SYN（TTL %d）都是初始 TTL。", cp.Host, cp.HostTTL, cp.SynTTL))
	}
	return l.tr(fmt.Sprintf("Capture point not known: the servers sent nothing, and the clients' SYNs arrive with TTL %d, which looks the same on the backend and in the path.", cp.SynTTL),
		fmt.Sprintf("无法判断抓包位置：服务器没有发出任何包，客户端的 SYN 到达时 TTL 为 %d，在后端和路径中间看到的都一样。", cp.SynTTL))
}
