#!/usr/bin/env bash
# Memory of 'slbdiag watch' over a long run: a backend and a client in two
# network namespaces of this machine (no traffic leaves it), steady load
# (three clients connecting in a loop to a listener on 443, a fourth refused
# on 8443 every 0.3 s, so incidents open, close and are removed by
# --max-disk all along), and the watch's RSS printed every 10 s. Root only;
# needs iproute2 and Go. Not a test: read the numbers (README, Watch).
#
#   test/lab/watch-soak.sh [SECONDS]     default 600
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "watch-soak: run as root" >&2; exit 1; }
secs=${1:-600}
s=slbdsoak$$-s c=slbdsoak$$-c
work=$(mktemp -d)
cleanup() {
  local ns pid
  for ns in $s $c; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/slbdiag" ./cmd/slbdiag
go build -o "$work/labnet" ./test/lab/labnet
ip netns add $s; ip netns add $c
ip -n $s link add w0 type veth peer name w1 netns $c
ip -n $s addr add 10.9.0.1/24 dev w0; ip -n $c addr add 10.9.0.2/24 dev w1
ip -n $s link set w0 up; ip -n $c link set w1 up
ip netns exec $s "$work/labnet" listen 10.9.0.1:443 >/dev/null 2>&1 &
ip netns exec $s "$work/slbdiag" watch -i w0 --out "$work/out" --vip 10.9.0.1 --port 443,8443 \
  --before 5s --after 2s --max-span 20s --max-disk 10MiB --format text,json >/dev/null 2>"$work/watch.err" &
watch=$!
sleep 2
end=$(( $(date +%s) + secs ))
for _ in 1 2 3; do
  ( while [ "$(date +%s)" -lt $end ]; do ip netns exec $c "$work/labnet" dial -timeout 1s 10.9.0.1:443 >/dev/null 2>&1; done ) &
done
( while [ "$(date +%s)" -lt $end ]; do ip netns exec $c "$work/labnet" dial -timeout 1s 10.9.0.1:8443 >/dev/null 2>&1; sleep 0.3; done ) &
t0=$(date +%s)
while [ "$(date +%s)" -lt $end ]; do
  echo "t=$(( $(date +%s) - t0 ))s rss_kb=$(ps -o rss= -p $watch) incidents_kept=$(find "$work/out" -mindepth 1 -maxdepth 1 -type d | wc -l) disk_kb=$(du -sk "$work/out" | cut -f1)"
  sleep 10
done
sleep 3
kill -INT $watch
rc=0; wait $watch || rc=$?
echo "watch exited $rc"
grep -E "watched|removed" "$work/watch.err" | tail -3
echo "incidents removed for --max-disk: $(grep -c 'to stay within --max-disk' "$work/watch.err")"
