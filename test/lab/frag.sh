#!/usr/bin/env bash
# Handshakes whose SYN arrives in IP fragments, to a real Linux kernel in a
# network namespace of this machine (no traffic leaves it), recorded on the
# server's interface. Root only; needs iproute2, tcpdump and Go (to build
# test/lab/labnet, whose fragsyn writes the fragments).
#
#   client  c0 02:00:00:40:00:01 ──── s0 02:00:00:40:00:02  server
#           10.40.0.1                       10.40.0.2, 2001:db8:40::2
#           2001:db8:40::1
#
# labnet fragsyn sends from 10.40.0.9 (2001:db8:40::9), an address the
# client's kernel does not have, so that only labnet answers the server's
# SYN-ACK; the server's kernel reassembles the SYN and answers it. One
# capture holds: an IPv4 SYN in two fragments (completes), the same to the
# VIP 192.0.2.10, which the server does not have (unanswered), an IPv6 SYN
# in two fragments and one as an IPv6 atomic fragment (both complete).
#
# record-tfo records TCP Fast Open handshakes instead, from the kernels'
# own sockets: the client (net.ipv4.tcp_fastopen=5: no cookie needed)
# sends data in its SYN through a router whose link to the server has an
# MTU of 300 and, with net.ipv4.ip_no_pmtu_disc=1, no DF bit, so the router
# fragments the larger SYN; the server (tcp_fastopen=0x602) acknowledges
# ISN+1+length. One SYN carries 100 bytes, one 400 (fragmented).
#
# Usage (from the repository root):
#   test/lab/frag.sh record DIR       record DIR/lab-fragments.pcap
#   test/lab/frag.sh record-tfo DIR   record DIR/lab-tfo.pcap
#   test/lab/frag.sh record-split DIR record DIR/lab-fragments-split.pcap
#
# record-split records a SYN whose TCP header itself is split: the first
# fragment holds 8 bytes of it (ports and sequence number, no flags), over
# IPv4 (completes), then a first fragment whose second never comes (the
# server's kernel never completes it: no SYN). Not over IPv6: Linux
# refuses a first fragment without the whole upper-layer header (RFC
# 7112) with an ICMPv6 parameter problem, sent before the SYN is whole.
set -euo pipefail

die() { echo "frag: $*" >&2; exit 1; }

# FRAG_NS names the namespaces, to keep runs apart.
ns=${FRAG_NS:-slbf}
c=$ns-c s=$ns-s r=$ns-r

down() {
  local ns pid
  for ns in $c $s $r; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
}

up() {
  local ns
  for ns in $c $s; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
      net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0
  done
  ip link add c0 netns $c type veth peer name s0 netns $s
  ip -n $c link set c0 address 02:00:00:40:00:01
  ip -n $s link set s0 address 02:00:00:40:00:02
  ip -n $c addr add 10.40.0.1/24 dev c0
  ip -n $c addr add 2001:db8:40::1/64 dev c0 nodad
  ip -n $s addr add 10.40.0.2/24 dev s0
  ip -n $s addr add 2001:db8:40::2/64 dev s0 nodad
  ip -n $c link set c0 up
  ip -n $s link set s0 up
  # The server finds labnet's addresses at the client's MAC.
  ip -n $s neigh replace 10.40.0.9 lladdr 02:00:00:40:00:01 dev s0 nud permanent
  ip -n $s neigh replace 2001:db8:40::9 lladdr 02:00:00:40:00:01 dev s0 nud permanent
}

fragsyn() {
  timeout 10 ip netns exec $c "$LABNET" fragsyn -i c0 -dstmac 02:00:00:40:00:02 "$@" >>"$state/dial.out" 2>&1 || true
}

record() {
  local out=$1/lab-fragments.pcap pid i
  down
  up
  ip netns exec $s "$LABNET" listen ":443" >"$state/listen.out" 2>&1 &
  disown $!
  for i in $(seq 50); do grep -q listening "$state/listen.out" && break; sleep 0.1; done
  ip netns exec $s tcpdump -q -U --immediate-mode -Z root -i s0 -w "$out" 'ip or (ip6 and not ip6 multicast)' 2>"$state/tcpdump.err" &
  pid=$!
  for i in $(seq 100); do grep -q 'listening on' "$state/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  fragsyn -src 10.40.0.9 10.40.0.2:443
  sleep 0.2
  fragsyn -src 10.40.0.9 -timeout 1500ms 192.0.2.10:443
  fragsyn -src 2001:db8:40::9 '[2001:db8:40::2]:443'
  sleep 0.2
  fragsyn -src 2001:db8:40::9 -atomic '[2001:db8:40::2]:443'
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  down
  sed 's/^/frag: /' "$state/dial.out" >&2
  echo "frag: recorded $out on Linux $(uname -r)" >&2
}

record_split() {
  local out=$1/lab-fragments-split.pcap pid i
  down
  up
  ip netns exec $s "$LABNET" listen ":443" >"$state/listen.out" 2>&1 &
  disown $!
  for i in $(seq 50); do grep -q listening "$state/listen.out" && break; sleep 0.1; done
  ip netns exec $s tcpdump -q -U --immediate-mode -Z root -i s0 -w "$out" 'ip or (ip6 and not ip6 multicast)' 2>"$state/tcpdump.err" &
  pid=$!
  for i in $(seq 100); do grep -q 'listening on' "$state/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  fragsyn -src 10.40.0.9 -first 8 10.40.0.2:443
  sleep 0.2
  fragsyn -src 10.40.0.9 -first 24 -only-first -timeout 1500ms 10.40.0.2:443
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  down
  sed 's/^/frag: /' "$state/dial.out" >&2
  echo "frag: recorded $out on Linux $(uname -r)" >&2
}

# up_tfo builds client ── router ── server, 10.41.0.0/24 and 10.42.0.0/24.
up_tfo() {
  local ns
  for ns in $c $r $s; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add c0 netns $c type veth peer name r0 netns $r
  ip link add r1 netns $r type veth peer name s0 netns $s
  ip -n $c link set c0 address 02:00:00:41:00:01
  ip -n $r link set r0 address 02:00:00:41:00:02
  ip -n $r link set r1 address 02:00:00:42:00:01
  ip -n $s link set s0 address 02:00:00:42:00:02
  ip -n $c addr add 10.41.0.1/24 dev c0
  ip -n $r addr add 10.41.0.2/24 dev r0
  ip -n $r addr add 10.42.0.1/24 dev r1
  ip -n $s addr add 10.42.0.2/24 dev s0
  ip -n $r link set r1 mtu 300
  for dev in "$c c0" "$r r0" "$r r1" "$s s0"; do
    set -- $dev
    ip -n "$1" link set "$2" up
  done
  ip -n $c route add default via 10.41.0.2
  ip -n $s route add default via 10.42.0.1
  ip -n $c neigh replace 10.41.0.2 lladdr 02:00:00:41:00:02 dev c0 nud permanent
  ip -n $r neigh replace 10.41.0.1 lladdr 02:00:00:41:00:01 dev r0 nud permanent
  ip -n $r neigh replace 10.42.0.2 lladdr 02:00:00:42:00:02 dev r1 nud permanent
  ip -n $s neigh replace 10.42.0.1 lladdr 02:00:00:42:00:01 dev s0 nud permanent
  ip netns exec $r sysctl -qw net.ipv4.ip_forward=1
  ip netns exec $c sysctl -qw net.ipv4.tcp_fastopen=5 net.ipv4.ip_no_pmtu_disc=1
  ip netns exec $s sysctl -qw net.ipv4.tcp_fastopen=0x602
}

record_tfo() {
  local out=$1/lab-tfo.pcap pid i
  down
  up_tfo
  ip netns exec $s "$LABNET" listen ":443" >"$state/listen.out" 2>&1 &
  disown $!
  for i in $(seq 50); do grep -q listening "$state/listen.out" && break; sleep 0.1; done
  ip netns exec $s tcpdump -q -U --immediate-mode -Z root -i s0 -w "$out" ip 2>"$state/tcpdump.err" &
  pid=$!
  for i in $(seq 100); do grep -q 'listening on' "$state/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  timeout 10 ip netns exec $c "$LABNET" dial -data 100 10.42.0.2:443 >>"$state/dial.out" 2>&1 || true
  sleep 0.2
  timeout 10 ip netns exec $c "$LABNET" dial -data 400 10.42.0.2:443 >>"$state/dial.out" 2>&1 || true
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  down
  sed 's/^/frag: /' "$state/dial.out" >&2
  echo "frag: recorded $out on Linux $(uname -r)" >&2
}

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces"
case ${1:-} in
  record | record-tfo | record-split)
    [ $# -eq 2 ] || die "usage: frag.sh record DIR | record-tfo DIR | record-split DIR"
    state=$(mktemp -d)
    trap 'down; rm -rf "$state"' EXIT
    trap 'exit 130' INT TERM
    if [ -z "${LABNET:-}" ]; then
      LABNET=$state/labnet
      go build -o "$LABNET" ./test/lab/labnet
    fi
    case $1 in
      record) record "$2" ;;
      record-tfo) record_tfo "$2" ;;
      record-split) record_split "$2" ;;
    esac
    ;;
  *) die "usage: frag.sh record DIR | record-tfo DIR | record-split DIR" ;;
esac
