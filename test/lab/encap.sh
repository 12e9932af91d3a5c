#!/usr/bin/env bash
# Handshakes inside tunnels and mirror framings, on a real Linux kernel, in
# two network namespaces of this machine (no traffic leaves it), recorded
# on the underlay so that every packet is encapsulated. Root only; needs
# iproute2, tcpdump and Go (to build test/lab/labnet).
#
#   side A (client)  ──── underlay 172.16.0.1 ── 172.16.0.2 ────  side B (server)
#   t0 10.20.0.1          (veth u0 ── u1, tcpdump here)            t0 10.20.0.2
#
# t0 is the tunnel of the scenario (VXLAN, Geneve, GRE, ERSPAN II or III).
# Side A routes the VIP 192.0.2.10 into the tunnel via 10.20.0.2, as a load
# balancer in direct server return would; B does not have the VIP, so its
# kernel drops those SYNs and A retransmits them, while connections to B's
# own 10.20.0.2:443 complete.
#
# Usage (from the repository root):
#   test/lab/encap.sh scenarios                 list the scenarios
#   test/lab/encap.sh record DIR [SCENARIO...]  record them (default: all)
#                                               into DIR/lab-SCENARIO.pcap
set -euo pipefail

vip=192.0.2.10
scenarios=(vxlan geneve gre erspan2 erspan3)

die() { echo "encap: $*" >&2; exit 1; }

a=slbe-a b=slbe-b

down() {
  local ns pid
  for ns in $a $b; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
}

# tunnel NS LOCAL REMOTE SCENARIO: the scenario's tunnel device t0.
tunnel() {
  local ns=$1 local=$2 remote=$3
  case $4 in
    vxlan) ip -n "$ns" link add t0 type vxlan id 42 local "$local" remote "$remote" dstport 4789 dev u ;;
    geneve) ip -n "$ns" link add t0 type geneve id 42 remote "$remote" ;;
    gre) ip -n "$ns" link add t0 type gre local "$local" remote "$remote" key 7 ;;
    erspan2) ip -n "$ns" link add t0 type erspan seq key 30 local "$local" remote "$remote" erspan_ver 1 erspan 123 ;;
    erspan3) ip -n "$ns" link add t0 type erspan seq key 30 local "$local" remote "$remote" erspan_ver 2 erspan_dir egress erspan_hwid 17 ;;
    *) die "unknown scenario $4 (one of: ${scenarios[*]})" ;;
  esac
}

up() {
  local s=$1 ns
  for ns in $a $b; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # No IPv6: its router and multicast chatter would only add noise.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  done
  ip link add u netns $a type veth peer name u netns $b
  ip -n $a link set u address 02:00:00:16:00:01
  ip -n $b link set u address 02:00:00:16:00:02
  ip -n $a addr add 172.16.0.1/24 dev u
  ip -n $b addr add 172.16.0.2/24 dev u
  ip -n $a link set u up
  ip -n $b link set u up
  ip -n $a neigh replace 172.16.0.2 lladdr 02:00:00:16:00:02 dev u nud permanent
  ip -n $b neigh replace 172.16.0.1 lladdr 02:00:00:16:00:01 dev u nud permanent
  # Kernels built without a tunnel's module cannot make it: say so, skip it.
  tunnel $a 172.16.0.1 172.16.0.2 "$s" 2>/dev/null || return 1
  tunnel $b 172.16.0.2 172.16.0.1 "$s" || return 1
  if [ "$s" != gre ]; then
    ip -n $a link set t0 address 02:00:00:20:00:01
    ip -n $b link set t0 address 02:00:00:20:00:02
  fi
  ip -n $a addr add 10.20.0.1/24 dev t0
  ip -n $b addr add 10.20.0.2/24 dev t0
  ip -n $a link set t0 up
  ip -n $b link set t0 up
  if [ "$s" != gre ]; then
    ip -n $a neigh replace 10.20.0.2 lladdr 02:00:00:20:00:02 dev t0 nud permanent
    ip -n $b neigh replace 10.20.0.1 lladdr 02:00:00:20:00:01 dev t0 nud permanent
  fi
  ip -n $a route add $vip/32 via 10.20.0.2
}

dial() { timeout 10 ip netns exec $a "$LABNET" dial "$@" >>"$state/dial.out" 2>&1 || true; }

record() {
  local dir=$1 s out pid i
  shift
  [ $# -gt 0 ] || set -- "${scenarios[@]}"
  for s in "$@"; do
    echo "encap: recording $s" >&2
    out="$dir/lab-$s.pcap"
    down
    if ! up "$s"; then
      echo "encap: this kernel cannot make a $s tunnel (no module): $s skipped" >&2
      continue
    fi
    ip netns exec $b "$LABNET" listen ":443" >"$state/listen.out" 2>&1 &
    disown $!
    for i in $(seq 50); do grep -q listening "$state/listen.out" && break; sleep 0.1; done
    ip netns exec $b tcpdump -q -U --immediate-mode -Z root -i u -w "$out" 2>"$state/tcpdump.err" &
    pid=$!
    for i in $(seq 100); do grep -q 'listening on' "$state/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
    dial 10.20.0.2:443
    dial -timeout 3500ms $vip:443
    dial 10.20.0.2:443
    dial -timeout 3500ms $vip:443
    sleep 1
    kill -INT $pid
    wait $pid || true
    down
  done
  sed 's/^/encap: /' "$state/dial.out" >&2
  echo "encap: recorded $* into $dir on Linux $(uname -r)" >&2
}

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces"
case ${1:-} in
  scenarios) printf '%s\n' "${scenarios[@]}" ;;
  record)
    [ $# -ge 2 ] || die "usage: encap.sh record DIR [SCENARIO...]"
    state=$(mktemp -d)
    trap 'down; rm -rf "$state"' EXIT
    trap 'exit 130' INT TERM
    if [ -z "${LABNET:-}" ]; then
      LABNET=$state/labnet
      go build -o "$LABNET" ./test/lab/labnet
    fi
    shift; record "$@"
    ;;
  *) die "usage: encap.sh scenarios | record DIR [SCENARIO...]" ;;
esac
