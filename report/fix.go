package report

import (
	"fmt"
	"net/netip"

	"github.com/slbdiag/slbdiag/analyze"
)

// Fix is what to do about a finding on one platform.
type Fix struct {
	Platform string `json:"platform"` // "windows" or "linux"
	Title    string `json:"title"`
	Steps    []Step `json:"steps"`
	Verify   string `json:"verify"`
}

// Step is one thing to do, with the commands that do it.
type Step struct {
	Text     string   `json:"text"`
	Commands []string `json:"commands,omitempty"`
}

// Placeholders the person running the fix fills in; live capture on the
// host will fill them with the real interface indexes and names.
const (
	phNIC      = "<NIC-IDX>"
	phLoopback = "<LOOPBACK-IDX>"
	phLoopName = "<LOOPBACK-NAME>"
	phSite     = "<SITE-NAME>"
	phCert     = "<CERT-THUMBPRINT>"
)

// fixes returns the fixes for a finding, the platform the host's TTL
// suggests first (Windows when unknown: the case slbdiag was built for).
func fixes(f *analyze.Finding) []Fix {
	var win, lin Fix
	switch f.Cause {
	case analyze.StrongHostReceive, analyze.WeakHostSend:
		win, lin = dsrWindows(f), dsrLinux(f)
	case analyze.NoListenerOnVIP:
		win, lin = listenerWindows(f), listenerLinux(f)
	case analyze.PartialLoss:
		win, lin = lossWindows(f), lossLinux(f)
	case analyze.ClientsFiltered:
		win, lin = filterWindows(f), filterLinux(f)
	case analyze.ReturnPathLost:
		win, lin = returnWindows(f), returnLinux(f)
	case analyze.NoTrafficToVIP:
		win, lin = forwardingWindows(f), forwardingLinux(f)
	default:
		return nil
	}
	vipFlag := fmt.Sprintf(" --vip %s", f.Server.Addr())
	if f.Cause == analyze.ClientsFiltered || f.Cause == analyze.ReturnPathLost || f.Cause == analyze.PartialLoss {
		vipFlag = "" // the destination is the host's own address, not a VIP
	}
	verify := fmt.Sprintf("Capture again on the host while clients connect, then run: slbdiag analyze AFTER.pcapng%s --port %d. Every attempt to %s should be completed.",
		vipFlag, f.Server.Port(), f.Server)
	win.Verify, lin.Verify = verify, verify
	if f.HostOS == analyze.OSLinux {
		return []Fix{lin, win}
	}
	return []Fix{win, lin}
}

// why explains the mechanism behind a finding.
func why(f *analyze.Finding) string {
	vip := f.Server.Addr()
	switch f.Cause {
	case analyze.StrongHostReceive:
		return fmt.Sprintf("The load balancer delivers the clients' packets to this host with the VIP %s as their destination address (direct server return), but no interface of the host owns %s. "+
			"Since Windows Vista/Server 2008, Windows uses the strong host model: a packet is accepted only on the interface that owns its destination address, so TCP never sees these SYNs, "+
			"nothing answers and IIS logs nothing. Windows Server 2003 (weak host model) accepted them. Linux accepts packets for any local address on any interface, but drops a packet whose destination is no local address at all. "+
			"The fix gives the host the VIP on a loopback adapter (which never answers ARP for it) and lets the NIC accept it.", vip, vip)
	case analyze.WeakHostSend:
		return fmt.Sprintf("SYNs to the VIP %s are accepted, but the SYN-ACKs leave from %s. The client sent its SYN to %s, so it ignores or resets a reply from another address. "+
			"On Windows the reply may only use the VIP as its source if the interface holding the VIP may send for it (weakhostsend) and the VIP is on a loopback adapter of the host.",
			vip, addrOrNone(f.HostAddr), vip)
	case analyze.NoListenerOnVIP:
		return fmt.Sprintf("The host accepts packets for %s but no socket listens on %s: the web server or HTTP.sys is bound to specific addresses that do not include the VIP.", vip, f.Server)
	case analyze.ClientsFiltered:
		return fmt.Sprintf("The SYNs went to %s, an address this host answers from, so the host model (which decides by destination address) cannot be the cause. "+
			"What differs between the SYNs that were answered and those that were not is their source: the health probes come from the load balancer's probe range, the clients from the Internet. "+
			"A host firewall rule, a network security group or a cloud security group that admits only the probe range drops the clients' SYNs before TCP sees them, and the load balancer keeps the backend healthy because its probes pass.", f.Server)
	case analyze.ReturnPathLost:
		return fmt.Sprintf("The host received the SYNs and answered them: SYN-ACKs left %s. The clients never acknowledged them (a client that sends its SYN again after the SYN-ACK left shows it never got it), so the SYN-ACKs did not reach them. "+
			"In direct server return the replies go straight from the backend to the client through the backend's own gateway: a wrong default route, a gateway or ACL that drops traffic it did not see enter, "+
			"or reverse-path filtering on the way loses them. If the backend replies from its own address instead of the VIP, the client also drops them.", f.Server.Addr())
	case analyze.NoTrafficToVIP:
		return fmt.Sprintf("The capture was taken where this host's traffic passes (handshakes to %s complete) but contains no SYN to the VIP %s. "+
			"The load balancer sends the VIP's connections to other backends or nowhere: it may consider this backend unhealthy (health probe failing or probing another port), "+
			"the backend may be missing from the pool or have weight 0, or a security group in front of the load balancer drops the clients.", addrOrNone(f.HostAddr), f.Server.Addr())
	case analyze.PartialLoss:
		return fmt.Sprintf("Some SYNs to %s were answered and others were not. The host model decides per destination address, all or nothing, so it cannot be the cause. "+
			"A full SYN backlog (the service is slow to accept), packet loss on the way in, or a rate limit drops some SYNs.", f.Server)
	}
	return ""
}

func dsrWindows(f *analyze.Finding) Fix {
	vip, port := f.Server.Addr(), f.Server.Port()
	ipv, mask := "ipv4", "255.255.255.255"
	prefix := 32
	if vip.Is6() && !vip.Is4In6() {
		ipv, mask, prefix = "ipv6", "", 128
	}
	addAddr := fmt.Sprintf("netsh interface %s add address %q %s %s", ipv, phLoopName, vip, mask)
	if mask == "" {
		addAddr = fmt.Sprintf("netsh interface %s add address %q %s", ipv, phLoopName, vip)
	}
	return Fix{Platform: "windows", Title: "Windows Server 2008 and later: the VIP on a loopback adapter, weak host model on the NIC and the loopback", Steps: []Step{
		{Text: "Install the Microsoft KM-TEST Loopback Adapter (Server 2008/2008 R2: \"Microsoft Loopback Adapter\"): Device Manager > Action > Add legacy hardware > Network adapters > Microsoft. Give it the VIP as a /" + fmt.Sprint(prefix) + " address, so the host owns the VIP without answering ARP for it.",
			Commands: []string{"hdwwiz.exe", addAddr,
				fmt.Sprintf("New-NetIPAddress -InterfaceAlias %q -IPAddress %s -PrefixLength %d -SkipAsSource $true   # PowerShell, Server 2012 and later", phLoopName, vip, prefix)}},
		{Text: "Find the interface indexes (Idx column) of the NIC the SYNs arrive on and of the loopback adapter, then enable the weak host model on those two only.",
			Commands: []string{
				fmt.Sprintf("netsh interface %s show interfaces", ipv),
				fmt.Sprintf("netsh interface %s set interface %s weakhostreceive=enabled", ipv, phNIC),
				fmt.Sprintf("netsh interface %s set interface %s weakhostreceive=enabled weakhostsend=enabled", ipv, phLoopback),
				fmt.Sprintf("Set-NetIPInterface -InterfaceIndex %s -WeakHostReceive Enabled   # PowerShell, Server 2012 and later", phNIC),
				fmt.Sprintf("Set-NetIPInterface -InterfaceIndex %s -WeakHostReceive Enabled -WeakHostSend Enabled", phLoopback)}},
		{Text: fmt.Sprintf("Bind the site to %s:%d (or All Unassigned) with its certificate, and check HTTP.sys has a certificate for that address.", vip, port),
			Commands: []string{
				fmt.Sprintf("New-WebBinding -Name %q -Protocol https -IPAddress %s -Port %d", phSite, vip, port),
				fmt.Sprintf("netsh http add sslcert ipport=%s certhash=%s appid={4dc3e181-e14b-4a21-b022-59fc669b0914}", netip.AddrPortFrom(vip, port), phCert),
				"netsh http show sslcert"}},
		{Text: "Allow the port for the VIP in Windows Firewall (the loopback adapter often lands in the Public profile).",
			Commands: []string{fmt.Sprintf("New-NetFirewallRule -DisplayName \"HTTPS on VIP %s\" -Direction Inbound -Protocol TCP -LocalAddress %s -LocalPort %d -Action Allow", vip, vip, port)}},
	}}
}

func dsrLinux(f *analyze.Finding) Fix {
	vip := f.Server.Addr()
	steps := []Step{}
	if vip.Is4() || vip.Is4In6() {
		steps = append(steps,
			Step{Text: "Put the VIP on lo, so the kernel accepts packets for it.", Commands: []string{fmt.Sprintf("ip addr add %s/32 dev lo", vip.Unmap())}},
			Step{Text: "Keep the host from answering ARP for the VIP or announcing it (persist in /etc/sysctl.d/).",
				Commands: []string{"sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"}},
			Step{Text: "If replies to clients leave through another interface than the SYNs came in on, make reverse-path filtering loose on the receiving interface.",
				Commands: []string{"sysctl -w net.ipv4.conf.all.rp_filter=2"}})
	} else {
		steps = append(steps, Step{Text: "Put the VIP on lo, so the kernel accepts packets for it (lo never answers neighbour solicitations for it).",
			Commands: []string{fmt.Sprintf("ip -6 addr add %s/128 dev lo", vip)}})
	}
	steps = append(steps, Step{Text: fmt.Sprintf("Check the service listens on all addresses or on %s.", vip),
		Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}})
	return Fix{Platform: "linux", Title: "Linux: the VIP on lo, ARP kept quiet", Steps: steps}
}

func listenerWindows(f *analyze.Finding) Fix {
	vip, port := f.Server.Addr(), f.Server.Port()
	return Fix{Platform: "windows", Title: "Windows: bind the site and HTTP.sys to the VIP", Steps: []Step{
		{Text: "See which addresses listen on the port, and whether HTTP.sys is limited to a list of addresses (an IP listen list without the VIP).",
			Commands: []string{fmt.Sprintf("netstat -ano | findstr :%d", port), "netsh http show iplisten"}},
		{Text: "Add the VIP to the listen list (or delete the list so HTTP.sys listens on all addresses), and bind the site to the VIP or All Unassigned.",
			Commands: []string{fmt.Sprintf("netsh http add iplisten ipaddress=%s", vip),
				fmt.Sprintf("New-WebBinding -Name %q -Protocol https -IPAddress %s -Port %d", phSite, vip, port)}},
	}}
}

func listenerLinux(f *analyze.Finding) Fix {
	return Fix{Platform: "linux", Title: "Linux: make the service listen on the VIP", Steps: []Step{
		{Text: fmt.Sprintf("See which addresses listen on port %d; bind the service to 0.0.0.0 (or ::) or to %s.", f.Server.Port(), f.Server.Addr()),
			Commands: []string{fmt.Sprintf("ss -ltnp 'sport = :%d'", f.Server.Port())}},
		{Text: "A service that binds the VIP before the address exists needs non-local binds.",
			Commands: []string{"sysctl -w net.ipv4.ip_nonlocal_bind=1"}},
	}}
}

func lossWindows(f *analyze.Finding) Fix {
	return Fix{Platform: "windows", Title: "Windows: look for SYN backlog drops and loss, not host settings", Steps: []Step{
		{Text: "Check TCP failure counters and whether the service keeps up (connection backlog).",
			Commands: []string{"netstat -s -p tcp", fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
		{Text: "Capture at the load balancer or the client at the same time, to see whether the missing SYNs reached the host at all."},
	}}
}

func lossLinux(f *analyze.Finding) Fix {
	return Fix{Platform: "linux", Title: "Linux: look for SYN backlog drops and loss, not host settings", Steps: []Step{
		{Text: "Check listen queue overflows and drops, and the accept backlog of the listener (Recv-Q against Send-Q).",
			Commands: []string{"nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtTCPReqQFullDrop", fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
		{Text: "Capture at the load balancer or the client at the same time, to see whether the missing SYNs reached the host at all."},
	}}
}

func filterWindows(f *analyze.Finding) Fix {
	port := f.Server.Port()
	return Fix{Platform: "windows", Title: "Windows: admit the clients, not only the probes", Steps: []Step{
		{Text: fmt.Sprintf("List the inbound rules for port %d with their remote address scope; a rule limited to the probe range admits the probes and not the clients.", port),
			Commands: []string{
				fmt.Sprintf("Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq %d | Get-NetFirewallRule | Where-Object Direction -eq Inbound | Format-Table DisplayName,Enabled,Action,Profile", port),
				fmt.Sprintf("Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq %d | Get-NetFirewallRule | Get-NetFirewallAddressFilter", port),
				"netsh advfirewall show allprofiles"}},
		{Text: fmt.Sprintf("Widen the rule's remote addresses to the clients, or add one; check the cloud network security group too: it must admit the clients to %s.", f.Server),
			Commands: []string{fmt.Sprintf("New-NetFirewallRule -DisplayName \"HTTPS from clients\" -Direction Inbound -Protocol TCP -LocalPort %d -RemoteAddress Any -Action Allow", port)}},
	}}
}

func filterLinux(f *analyze.Finding) Fix {
	port := f.Server.Port()
	return Fix{Platform: "linux", Title: "Linux: admit the clients, not only the probes", Steps: []Step{
		{Text: fmt.Sprintf("Look for rules on port %d that accept only the probe range, and count what they drop.", port),
			Commands: []string{"nft list ruleset", fmt.Sprintf("iptables -L INPUT -n -v | grep -w %d", port)}},
		{Text: fmt.Sprintf("Admit the clients to port %d in the host firewall, and in the cloud security group in front of the host.", port),
			Commands: []string{fmt.Sprintf("nft add rule inet filter input tcp dport %d accept", port)}},
	}}
}

func returnWindows(f *analyze.Finding) Fix {
	return Fix{Platform: "windows", Title: "Windows: follow the SYN-ACKs' way back", Steps: []Step{
		{Text: "See which route and source address the replies to a client take; in direct server return they must leave through the backend's own gateway with the VIP as source.",
			Commands: []string{"route print", "Find-NetRoute -RemoteIPAddress " + exampleClient(f)}},
		{Text: "Capture on the client (or at the gateway) at the same time: if the SYN-ACKs never arrive there, the gateway, an ACL or a stateful firewall that saw no SYN drops them."},
	}}
}

func returnLinux(f *analyze.Finding) Fix {
	return Fix{Platform: "linux", Title: "Linux: follow the SYN-ACKs' way back", Steps: []Step{
		{Text: "See which route and source address the replies to a client take.",
			Commands: []string{fmt.Sprintf("ip route get %s from %s", exampleClient(f), f.Server.Addr().Unmap())}},
		{Text: "Check reverse-path filtering and firewall drops on the way out, then capture at the gateway or the client to find the hop that loses the SYN-ACKs.",
			Commands: []string{"sysctl net.ipv4.conf.all.rp_filter", "nstat -az TcpExtTCPSynRetrans"}},
	}}
}

func forwardingWindows(f *analyze.Finding) Fix {
	return Fix{Platform: "windows", Title: "The load balancer: make it send the VIP to this backend", Steps: []Step{
		{Text: fmt.Sprintf("In the load balancer, check this backend's health status, pool membership and weight, and the port its health probe uses (it must be one this host answers, e.g. %d).", f.Server.Port())},
		{Text: "Check the health probe reaches the host and is answered: its handshakes appear in this capture from the probe range.",
			Commands: []string{fmt.Sprintf("netstat -ano | findstr :%d", f.Server.Port())}},
	}}
}

func forwardingLinux(f *analyze.Finding) Fix {
	return Fix{Platform: "linux", Title: "The load balancer: make it send the VIP to this backend", Steps: []Step{
		{Text: fmt.Sprintf("In the load balancer, check this backend's health status, pool membership and weight, and the port its health probe uses (it must be one this host answers, e.g. %d).", f.Server.Port())},
		{Text: "Check the health probe reaches the host and is answered.",
			Commands: []string{fmt.Sprintf("ss -ltn 'sport = :%d'", f.Server.Port())}},
	}}
}

// exampleClient is a client of the finding's attempts, or a placeholder.
func exampleClient(f *analyze.Finding) string {
	for _, e := range f.Evidence {
		if e.Kind == analyze.EvSynAckSent && e.Addr.IsValid() {
			return e.Addr.String()
		}
	}
	return "<CLIENT-IP>"
}
