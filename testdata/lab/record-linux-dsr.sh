#!/usr/bin/env bash
# Records testdata/pcaps/lab-linux-before.pcap and lab-linux-after.pcap from a
# real Linux kernel, in two network namespaces on this machine (no traffic
# leaves it). Run as root from the repository root; needs iproute2, tcpdump
# and python3.
#
#   client (slbdiag-cli) 10.0.0.23 ---veth--- 10.0.0.8 backend (slbdiag-be)
#
# The client routes the VIP 192.0.2.10 to the backend's MAC, as a load
# balancer in direct server return delivers it. A TLS-less listener on the
# backend's port 443 stands in for the web server, bound to all addresses.
#
# before: the backend does not have the VIP. Its kernel drops the SYNs to
#         192.0.2.10 (not a local address, forwarding off), the client
#         retransmits them; health probes to 10.0.0.8:443 complete.
# after:  the fix slbdiag prints for Linux, the VIP on lo with arp_ignore and
#         arp_announce: the same connections complete, answered from the VIP.
set -euo pipefail
out=${1:-testdata/pcaps}
cli=slbdiag-cli be=slbdiag-be

cleanup() {
  [ -n "${listener:-}" ] && kill "$listener" 2>/dev/null || true
  ip netns del $cli 2>/dev/null || true
  ip netns del $be 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip netns add $cli
ip netns add $be
ip link add veth-cli netns $cli type veth peer name veth-be netns $be
ip -n $cli link set lo up
ip -n $be link set lo up
ip -n $cli addr add 10.0.0.23/24 dev veth-cli
ip -n $be addr add 10.0.0.8/24 dev veth-be
# Fixed MACs, so the captures name the same hosts each time.
ip -n $cli link set veth-cli address 02:00:00:00:00:23
ip -n $be link set veth-be address 02:00:00:00:00:08
ip -n $cli link set veth-cli up
ip -n $be link set veth-be up
ip -n $cli route add 192.0.2.10/32 via 10.0.0.8
ip netns exec $be sysctl -qw net.ipv4.ip_forward=0

ip netns exec $be python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 443)); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
' &
listener=$!
sleep 0.5

# connect HOST PORT SECONDS: one TCP connection attempt from the client,
# given up after SECONDS (the kernel retransmits the SYN at 1 s and 3 s).
connect() {
  ip netns exec $cli timeout "$3" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null || true
}

record() {
  local file=$1; shift
  ip netns exec $be tcpdump -q -U --immediate-mode -Z root -i veth-be -w "$file" "tcp port 443" &
  local dump=$!
  sleep 1
  "$@"
  sleep 1.5
  kill -INT $dump
  wait $dump || true
}

scenario() {
  connect 10.0.0.8 443 2      # health probe to the backend's own address
  connect 192.0.2.10 443 3.5  # a client through the VIP: SYN, retries at 1 s and 3 s
  connect 10.0.0.8 443 2      # another probe
  connect 192.0.2.10 443 3.5  # another client connection
}

record "$out/lab-linux-before.pcap" scenario

ip -n $be addr add 192.0.2.10/32 dev lo
ip netns exec $be sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
record "$out/lab-linux-after.pcap" scenario

echo "recorded $out/lab-linux-before.pcap and $out/lab-linux-after.pcap on Linux $(uname -r)"
