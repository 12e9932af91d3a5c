#!/usr/bin/env bash
# A load balancer in direct server return, on a real Linux kernel, in three
# network namespaces of this machine (no traffic leaves it). Root only;
# needs iproute2 and Go (to build test/lab/labnet, the client and server).
#
#   client ───────── load balancer ───────── backend
#   c0 10.1.0.2      l0 10.1.0.1             b0 10.2.0.2
#   2001:db8:1::2    2001:db8:1::1           2001:db8:2::2
#                    l1 10.2.0.1, 100.100.110.1 (health probes)
#                       2001:db8:2::1
#
# The load balancer routes the VIP 192.0.2.10 (2001:db8::10) to the
# backend's address: a /32 (/128) route via 10.2.0.2, so the frame reaches
# the backend's MAC with the VIP as its IP destination, as a layer-2 DSR
# load balancer delivers it. The backend's replies go back through the load
# balancer, its default gateway. Health probes come from 100.100.110.1 on
# the load balancer to the backend's own address.
#
# Usage (from the repository root):
#   test/lab/lab.sh scenarios                  list the scenarios (watch-burst, for
#                                              'slbdiag watch', runs 40 s and is not recorded)
#   test/lab/lab.sh run ID SCENARIO OUT -- CMD...
#       build the lab (namespaces slbd<ID>-cli, -lb, -be), set SCENARIO up,
#       start CMD in the backend namespace, wait until it prints "listening
#       on" or "capturing on" on stderr, make the scenario's connections,
#       stop CMD with SIGINT, tear everything down. CMD's stdout, stderr and
#       exit code go to OUT.stdout, OUT.stderr, OUT.rc.
#   test/lab/lab.sh record DIR [SCENARIO...]   record the scenarios (default: all)
#                                              with tcpdump into DIR/lab-SCENARIO.pcap
#                                              (paired ones into -client.pcap and
#                                              -backend.pcap; every one with PAIR=1);
#                                              LAB_ID names the lab
#
# Every wait and every connection is bounded in time; everything is torn
# down on exit, failure or interrupt. dsr-firewall and dsr-lossy need nft
# (Debian package nftables).
set -euo pipefail

vip4=192.0.2.10 vip6=2001:db8::10
be4=10.2.0.2 be6=2001:db8:2::2
probe_src=100.100.110.1

scenarios=(dsr-novip dsr-probes dsr-fixed dsr-nolistener dsr-return-lost dsr6-novip dsr6-fixed
  dsr-firewall dsr-tls-alert dsr-lossy dsr-lb-blackhole dsr6-lb-blackhole)
# Scenarios recorded at the client's c0 and the backend's b0 at once, into
# lab-SCENARIO-client.pcap and lab-SCENARIO-backend.pcap: two captures of
# the same traffic, replayed together.
paired=(dsr-lb-blackhole dsr6-lb-blackhole)
# Scenarios that run for a minute, for 'slbdiag watch'; not recorded.
long_scenarios=(watch-burst)
# A second VIP the backend does not hold: its SYNs go unanswered.
vip4_dead=192.0.2.11

die() { echo "lab: $*" >&2; exit 1; }

# labnet DIR builds the lab's client and server into DIR, unless LABNET
# already names a built one.
labnet() {
  if [ -z "${LABNET:-}" ]; then
    LABNET=$1/labnet
    go build -o "$LABNET" ./test/lab/labnet
  fi
}

names() {
  cli=slbd$1-cli lb=slbd$1-lb be=slbd$1-be
}

# down kills what runs in the lab's namespaces (only processes this lab
# started live there) and deletes them.
down() {
  local ns pid
  for ns in $cli $lb $be; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
  done
}

up() {
  local ns
  for ns in $cli $lb $be; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  done
  ip link add c0 netns $cli type veth peer name l0 netns $lb
  ip link add l1 netns $lb type veth peer name b0 netns $be
  # Fixed MACs, so that recordings name the same hosts every time.
  ip -n $cli link set c0 address 02:00:00:01:00:02
  ip -n $lb link set l0 address 02:00:00:01:00:01
  ip -n $lb link set l1 address 02:00:00:02:00:01
  ip -n $be link set b0 address 02:00:00:02:00:02
  ip -n $cli addr add 10.1.0.2/24 dev c0
  ip -n $cli addr add 2001:db8:1::2/64 dev c0 nodad
  ip -n $lb addr add 10.1.0.1/24 dev l0
  ip -n $lb addr add 2001:db8:1::1/64 dev l0 nodad
  ip -n $lb addr add 10.2.0.1/24 dev l1
  ip -n $lb addr add $probe_src/32 dev l1
  ip -n $lb addr add 2001:db8:2::1/64 dev l1 nodad
  ip -n $be addr add $be4/24 dev b0
  ip -n $be addr add $be6/64 dev b0 nodad
  for dev in "$cli c0" "$lb l0" "$lb l1" "$be b0"; do
    set -- $dev
    ip -n "$1" link set "$2" up
  done
  ip -n $cli route add default via 10.1.0.1
  ip -n $cli -6 route add default via 2001:db8:1::1
  ip -n $be route add default via 10.2.0.1
  ip -n $be -6 route add default via 2001:db8:2::1
  ip netns exec $lb sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip netns exec $be sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  # IPv6 neighbours are fixed: otherwise the load balancer holds the first
  # SYN and its retransmission while it resolves the backend, then sends
  # both within microseconds, which no real load balancer path shows.
  ip -n $cli neigh replace 2001:db8:1::1 lladdr 02:00:00:01:00:01 dev c0 nud permanent
  ip -n $lb neigh replace 2001:db8:1::2 lladdr 02:00:00:01:00:02 dev l0 nud permanent
  ip -n $lb neigh replace $be6 lladdr 02:00:00:02:00:02 dev l1 nud permanent
  ip -n $be neigh replace 2001:db8:2::1 lladdr 02:00:00:02:00:01 dev b0 nud permanent
  # The load balancer: the VIP to the backend's address, at layer 2.
  ip -n $lb route add $vip4/32 via $be4
  ip -n $lb -6 route add $vip6/128 via $be6
}

# vip_on_lo is the Linux fix: the VIP on lo, not announced or answered in ARP.
vip_on_lo() {
  ip -n $be addr add $vip4/32 dev lo
  ip -n $be addr add $vip6/128 dev lo nodad
  ip netns exec $be sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.b0.arp_ignore=1 net.ipv4.conf.b0.arp_announce=2
}

# listen ADDR... starts the backend's service and waits until it is bound.
listen() {
  local out=$state/listen.out i
  ip netns exec $be "$LABNET" listen "$@" >"$out" 2>&1 &
  disown $!
  for i in $(seq 50); do
    grep -q listening "$out" 2>/dev/null && return 0
    sleep 0.1
  done
  die "the backend's listener did not start: $(cat "$out")"
}

setup() {
  case $1 in
    dsr-novip | dsr-probes | dsr6-novip) listen ":443" ;;
    dsr-lb-blackhole | dsr6-lb-blackhole)
      # The load balancer forwards nothing to the VIP: its route is a
      # blackhole, which drops the clients' SYNs without an ICMP error.
      # Its health probes still reach the backend, which is healthy.
      listen ":443"
      ip -n $lb route replace blackhole $vip4/32
      ip -n $lb -6 route replace blackhole $vip6/128
      ;;
    dsr-fixed | dsr6-fixed) vip_on_lo; listen ":443" ;;
    dsr-nolistener) vip_on_lo; listen "$be4:443" ;;
    dsr-return-lost)
      vip_on_lo; listen ":443"
      # The return path loses the SYN-ACKs: the load balancer drops
      # what the backend sends from the VIP.
      ip -n $lb rule add from $vip4/32 iif l1 blackhole priority 100
      ;;
    watch-burst)
      vip_on_lo; listen ":443"
      ip -n $lb route add $vip4_dead/32 via $be4
      ;;
    dsr-firewall)
      # The fix is in place, but a host firewall drops the clients' SYNs
      # to the VIP: on the wire, the same as a VIP on no interface.
      vip_on_lo; listen ":443"
      ip netns exec $be nft -f - <<NFT
table inet lab {
  chain input {
    type filter hook input priority 0;
    ip daddr $vip4 tcp dport 443 drop
  }
}
NFT
      ;;
    dsr-tls-alert)
      # A TLS service with a certificate for one name: a ClientHello for
      # another is answered with a fatal unrecognized_name alert.
      vip_on_lo; listen_tls ":443"
      ;;
    dsr-lossy)
      # The path loses 30% of the packets of port 443 both ways, at the
      # load balancer (netem where the kernel has it; nft's random drop
      # here, where it has not).
      vip_on_lo; listen ":443"
      ip netns exec $lb nft -f - <<NFT
table inet lab {
  chain forward {
    type filter hook forward priority 0;
    tcp dport 443 numgen random mod 10 < 3 drop
    tcp sport 443 numgen random mod 10 < 3 drop
  }
}
NFT
      ;;
    *) die "unknown scenario $1 (one of: ${scenarios[*]} ${long_scenarios[*]})" ;;
  esac
}

# listen_tls ADDR starts the backend's TLS service for served.example and
# waits until it is bound.
listen_tls() {
  local out=$state/listen.out i
  ip netns exec $be "$LABNET" tlslisten -name served.example "$@" >"$out" 2>&1 &
  disown $!
  for i in $(seq 50); do
    grep -q listening "$out" 2>/dev/null && return 0
    sleep 0.1
  done
  die "the backend's TLS listener did not start: $(cat "$out")"
}

# dial NS [labnet dial flags] ADDR: one connection attempt, bounded.
dial() {
  local ns=$1; shift
  timeout 10 ip netns exec "$ns" "$LABNET" dial "$@" >>"$state/dial.out" 2>&1 || true
}
probe() { dial $lb -src $probe_src -timeout 2s "$be4:443"; }
client4() { dial $cli "$vip4:443"; }
client6() { dial $cli "[$vip6]:443"; }

traffic() {
  case $1 in
    dsr-novip) client4; client4 ;;
    dsr-probes | dsr-fixed | dsr-nolistener | dsr-return-lost | dsr-lb-blackhole) probe; client4; probe; client4 ;;
    dsr6-lb-blackhole) probe; client6; probe; client6 ;;
    dsr6-novip | dsr6-fixed) client6; client6 ;;
    watch-burst) watch_burst ;;
    dsr-firewall) probe; client4; probe; client4 ;;
    dsr-tls-alert)
      probe
      dial $cli -sni served.example "$vip4:443"
      dial $cli -sni unknown.example "$vip4:443"
      dial $cli -sni unknown.example "$vip4:443"
      ;;
    dsr-lossy)
      # 20 connections, each given time for four SYN transmissions.
      local i
      for i in $(seq 20); do dial $cli -timeout 8s "$vip4:443"; done
      ;;
  esac
}

# watch_burst: healthy traffic all along (a probe and a client every half
# second) and three failed attempts at known times: at 2 s one unanswered
# (to the VIP the backend does not hold; the client retransmits at 1 and
# 3 s) and at 3 s one refused (the VIP's port 8443, where nothing
# listens), close enough to make one incident; at 22 s another unanswered,
# alone. It ends at 38 s.
watch_burst() {
  local healthy
  ( while [ ! -e "$state/stop" ]; do probe; client4; sleep 0.5; done ) &
  healthy=$!
  sleep 2; dial $cli -timeout 3.5s "$vip4_dead:443" &
  sleep 1; dial $cli "$vip4:8443"
  sleep 19; dial $cli -timeout 3.5s "$vip4_dead:443"
  sleep 16; touch "$state/stop"
  wait $healthy
}

# run ID SCENARIO OUT -- CMD...
run() {
  local id=$1 scen=$2 out=$3 pid i rc
  shift 3
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "run: no capture command"
  names "$id"
  state=$(mktemp -d)
  trap 'down; rm -rf "$state"' EXIT
  trap 'exit 130' INT TERM
  down
  labnet "$state"
  up
  setup "$scen"
  ip netns exec "${capture_ns:-$be}" "$@" >"$out.stdout" 2>"$out.stderr" &
  pid=$!
  for i in $(seq 100); do
    grep -qE 'listening on|capturing on' "$out.stderr" 2>/dev/null && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  grep -qE 'listening on|capturing on' "$out.stderr" || { kill -KILL $pid 2>/dev/null || true; die "the capture did not start: $(cat "$out.stderr")"; }
  # A second capture of the same traffic, at the client (record, paired
  # scenarios): started before any connection, stopped after the first.
  local pid2=
  if [ -n "${client_capture[*]:-}" ]; then
    ip netns exec $cli "${client_capture[@]}" >"$out.client.stdout" 2>"$out.client.stderr" &
    pid2=$!
    for i in $(seq 100); do
      grep -qE 'listening on' "$out.client.stderr" 2>/dev/null && break
      kill -0 $pid2 2>/dev/null || break
      sleep 0.1
    done
    grep -qE 'listening on' "$out.client.stderr" || { kill -KILL $pid $pid2 2>/dev/null || true; die "the client's capture did not start: $(cat "$out.client.stderr")"; }
  fi
  traffic "$scen"
  sleep 1.5 # the last replies and retransmissions
  kill -INT $pid $pid2 2>/dev/null || true
  for i in $(seq 100); do
    if ! kill -0 $pid 2>/dev/null && { [ -z "$pid2" ] || ! kill -0 $pid2 2>/dev/null; }; then break; fi
    sleep 0.1
  done
  kill -KILL $pid $pid2 2>/dev/null || true
  [ -z "$pid2" ] || wait $pid2 || true
  rc=0
  wait $pid || rc=$?
  echo $rc >"$out.rc"
  sed 's/^/lab: /' "$state/dial.out" >&2
}

record() {
  local dir=$1 s filter='tcp port 443 or arp or icmp or (icmp6 and ip6[40] < 128)'
  shift
  [ $# -gt 0 ] || set -- "${scenarios[@]}"
  for s in "$@"; do
    echo "lab: recording $s" >&2
    # On the backend's b0; a lossy path is recorded where its users are,
    # on the client's c0, which sees every SYN it sent.
    local ns_of=be dev=b0 file=$dir/lab-$s.pcap client_capture=()
    [ "$s" = dsr-lossy ] && [ -z "${PAIR:-}" ] && ns_of=cli dev=c0
    if [ -n "${PAIR:-}" ] || [[ " ${paired[*]} " = *" $s "* ]]; then
      file=$dir/lab-$s-backend.pcap
      client_capture=(tcpdump -q -U --immediate-mode -Z root -i c0 -w "$dir/lab-$s-client.pcap" "$filter")
    fi
    ( names "${LAB_ID:-rec}"; capture_ns=${!ns_of}
      run "${LAB_ID:-rec}" "$s" "$state_rec/$s" -- tcpdump -q -U --immediate-mode -Z root -i $dev -w "$file" "$filter" )
  done
  echo "lab: recorded $* into $dir on Linux $(uname -r)" >&2
}

[ "$(id -u)" = 0 ] || die "run as root: the lab creates network namespaces"
case ${1:-} in
  scenarios) printf '%s\n' "${scenarios[@]}" "${long_scenarios[@]}" ;;
  run) shift; run "$@" ;;
  record)
    [ $# -ge 2 ] || die "usage: lab.sh record DIR [SCENARIO...]"
    state_rec=$(mktemp -d)
    labnet "$state_rec"; export LABNET
    trap 'rm -rf "$state_rec"' EXIT
    shift; record "$@"
    ;;
  *) die "usage: lab.sh scenarios | run ID SCENARIO OUT -- CMD... | record DIR [SCENARIO...]" ;;
esac
