#!/usr/bin/env bash
# A NAT load balancer on a real Linux kernel, in four network namespaces of
# this machine (no traffic leaves it), recorded on the bridge that joins
# them, so that one capture holds both sides of every connection: the
# client's SYN to the VIP and the same SYN, same client port and ISN,
# rewritten by the load balancer to the backend's address. Root only;
# needs iproute2, nft (Debian package nftables), tcpdump and Go (to build
# test/lab/labnet, the client and server).
#
#   client c0 ──┐                 ┌── l0 load balancer (one arm)
#   10.1.0.2    │   br0 (switch)  │   10.1.0.1, 10.2.0.1
#   2001:db8:1::2 ─────────────────── 2001:db8:1::1, 2001:db8:2::1
#               │                 │   nft: VIP:443 dnat to the backend
#   backend b0 ─┘                 └── tcpdump -i br0
#   10.2.0.2, 2001:db8:2::2
#
# The VIP 192.0.2.10 (2001:db8::10) is the load balancer's: it rewrites the
# destination of SYNs to VIP:443 to the backend's address (nft dnat) and
# sends them out of the same arm; the backend's replies come back through
# it (its default gateway) and leave with the VIP as source again.
#
# Usage (from the repository root):
#   test/lab/nat.sh record FILE    record two connections (IPv4, IPv6) into FILE
set -euo pipefail

vip4=192.0.2.10 vip6=2001:db8::10
be4=10.2.0.2 be6=2001:db8:2::2
id=nat$$
cli=$id-cli lb=$id-lb be=$id-be sw=$id-sw

die() { echo "nat: $*" >&2; exit 1; }

down() {
  local ns pid
  for ns in $cli $lb $be $sw; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
}

up() {
  local ns
  for ns in $cli $lb $be $sw; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip -n $sw link add br0 type bridge
  ip -n $sw link set br0 up
  # Fixed MACs, so that recordings name the same hosts every time.
  local i=1 pair
  for pair in "$cli c0 sc" "$lb l0 sl" "$be b0 sb"; do
    set -- $pair
    ip link add "$2" netns "$1" type veth peer name "$3" netns $sw
    ip -n "$1" link set "$2" address 02:00:00:0$i:00:0$i
    ip -n $sw link set "$3" master br0 up
    ip -n "$1" link set "$2" up
    i=$((i + 1))
  done
  ip -n $cli addr add 10.1.0.2/24 dev c0
  ip -n $cli addr add 2001:db8:1::2/64 dev c0 nodad
  ip -n $lb addr add 10.1.0.1/24 dev l0
  ip -n $lb addr add 10.2.0.1/24 dev l0
  ip -n $lb addr add 2001:db8:1::1/64 dev l0 nodad
  ip -n $lb addr add 2001:db8:2::1/64 dev l0 nodad
  ip -n $be addr add $be4/24 dev b0
  ip -n $be addr add $be6/64 dev b0 nodad
  ip -n $cli route add default via 10.1.0.1
  ip -n $cli -6 route add default via 2001:db8:1::1
  ip -n $be route add default via 10.2.0.1
  ip -n $be -6 route add default via 2001:db8:2::1
  # One arm: what the load balancer forwards leaves where it came in; it
  # must not tell the client to go to the backend directly.
  ip netns exec $lb sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.l0.send_redirects=0
  # Neighbours are fixed, so that no SYN waits for address resolution.
  ip -n $cli neigh replace 2001:db8:1::1 lladdr 02:00:00:02:00:02 dev c0 nud permanent
  ip -n $cli neigh replace 10.1.0.1 lladdr 02:00:00:02:00:02 dev c0 nud permanent
  ip -n $lb neigh replace 10.1.0.2 lladdr 02:00:00:01:00:01 dev l0 nud permanent
  ip -n $lb neigh replace 2001:db8:1::2 lladdr 02:00:00:01:00:01 dev l0 nud permanent
  ip -n $lb neigh replace $be4 lladdr 02:00:00:03:00:03 dev l0 nud permanent
  ip -n $lb neigh replace $be6 lladdr 02:00:00:03:00:03 dev l0 nud permanent
  ip -n $be neigh replace 10.2.0.1 lladdr 02:00:00:02:00:02 dev b0 nud permanent
  ip -n $be neigh replace 2001:db8:2::1 lladdr 02:00:00:02:00:02 dev b0 nud permanent
  ip netns exec $lb nft -f - <<NFT
table inet lab {
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr $vip4 tcp dport 443 dnat ip to $be4
    ip6 daddr $vip6 tcp dport 443 dnat ip6 to $be6
  }
}
NFT
}

record() {
  local file=$1 pid i
  state=$(mktemp -d)
  trap 'down; rm -rf "$state"' EXIT
  trap 'exit 130' INT TERM
  go build -o "$state/labnet" ./test/lab/labnet
  up
  ip netns exec $be "$state/labnet" listen ":443" >"$state/listen.out" 2>&1 &
  disown $!
  for i in $(seq 50); do
    grep -q listening "$state/listen.out" 2>/dev/null && break
    sleep 0.1
  done
  grep -q listening "$state/listen.out" || die "the backend's listener did not start: $(cat "$state/listen.out")"
  ip netns exec $sw tcpdump -q -U --immediate-mode -Z root -i br0 -w "$file" 'tcp port 443' 2>"$state/tcpdump.err" &
  pid=$!
  for i in $(seq 50); do
    grep -q 'listening on' "$state/tcpdump.err" 2>/dev/null && break
    sleep 0.1
  done
  grep -q 'listening on' "$state/tcpdump.err" || die "tcpdump did not start: $(cat "$state/tcpdump.err")"
  timeout 10 ip netns exec $cli "$state/labnet" dial "$vip4:443" >&2 || true
  timeout 10 ip netns exec $cli "$state/labnet" dial "[$vip6]:443" >&2 || true
  sleep 1
  kill -INT $pid
  wait $pid || true
  echo "nat: recorded $file on Linux $(uname -r)" >&2
}

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces"
case ${1:-} in
  record) [ $# -eq 2 ] || die "usage: nat.sh record FILE"; record "$2" ;;
  *) die "usage: nat.sh record FILE" ;;
esac
