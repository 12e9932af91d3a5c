#!/usr/bin/env bash
# Generates large captures deterministically and times slbdiag on them
# against cat, tcpdump and tshark, on the same file in the same run, from
# the page cache. Usage: bench/run.sh (or make bench). Environment:
#   SLBDIAG_BENCH_DIR  scratch directory (default /tmp/slbdiag-bench; needs ~12 GB)
#   PACKETS            packets in the backend mix (default 10000000)
#   FLOOD              distinct clients in the SYN flood (default 5000000)
#   FLOOD6             distinct IPv6 clients in the flood to random ports (default 2000000)
#   SCAN               distinct ports, and distinct destinations, in the scans (default 100000)
#   TSHARK_PACKETS     packets of the smaller mix tshark is timed on (default 1000000)
#   RUNS               runs per command, the best counts (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SLBDIAG_BENCH_DIR:-/tmp/slbdiag-bench}
packets=${PACKETS:-10000000}
flood=${FLOOD:-5000000}
flood6=${FLOOD6:-2000000}
scan=${SCAN:-100000}
tshark_packets=${TSHARK_PACKETS:-1000000}
runs=${RUNS:-3}
case "$dir" in "$PWD"|"$PWD"/*) echo "bench: $dir is inside the repository; use a scratch directory" >&2; exit 2 ;; esac
for tool in tcpdump tshark /usr/bin/time gzip zcat; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install tcpdump tshark time gzip)" >&2; exit 2; }
done
mkdir -p "$dir"
df -h "$dir" | tail -1 | awk '{print "bench: scratch " $6 ", " $4 " free"}'

go build -o "$dir/slbdiag" ./cmd/slbdiag
go build -o "$dir/benchgen" ./internal/benchgen

# gen NAME ARGS...: writes $dir/NAME once (files are deterministic, so a
# file already there from an earlier run with the same sizes is reused).
gen() {
  local name=$1; shift
  local stamp="$dir/$name.args"
  if [ -s "$dir/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$*" ]; then return; fi
  echo "bench: writing $name" >&2
  "$dir/benchgen" "$@" -o "$dir/$name" 2>"$dir/$name.log"
  grep -o '[0-9]* packets' "$dir/$name.log" | cut -d' ' -f1 >"$dir/$name.packets"
  echo "$*" >"$stamp"
}
gen mix.pcap -kind mix -packets "$packets"
gen mix.pcapng -kind mix -format pcapng -packets "$packets"
gen flood.pcap -kind flood -shape clients -packets "$flood"
gen flood6.pcap -kind flood -shape clients6 -packets "$flood6"
gen ports.pcap -kind flood -shape ports -packets "$scan"
gen dests.pcap -kind flood -shape dests -packets "$scan"
gen small.pcap -kind mix -packets "$tshark_packets"
# The gzip'd file is small.pcap compressed, rewritten whenever small.pcap is.
if [ ! -s "$dir/small.pcap.gz" ] || [ "$dir/small.pcap" -nt "$dir/small.pcap.gz" ]; then
  echo "bench: writing small.pcap.gz" >&2
  gzip -c "$dir/small.pcap" >"$dir/small.pcap.gz.tmp" && mv "$dir/small.pcap.gz.tmp" "$dir/small.pcap.gz"
fi
cp "$dir/small.pcap.packets" "$dir/small.pcap.gz.packets"

# timed LABEL CMD...: the best of $runs runs; sets secs and rss_mib.
timed() {
  local label=$1; shift
  secs="" rss_mib=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/time.out" bash -c "$1" >/dev/null 2>"$dir/cmd.err" || true
    read -r s kb < <(tail -1 "$dir/time.out") || { cat "$dir/time.out" >&2; exit 1; }
    if [ -z "$secs" ] || awk "BEGIN{exit !($s < $secs)}"; then secs=$s; fi
    kb_mib=$(awk "BEGIN{printf \"%.0f\", $kb/1024}")
    if [ -z "$rss_mib" ] || [ "$kb_mib" -gt "$rss_mib" ]; then rss_mib=$kb_mib; fi
  done
  : "$label"
}

row() { # FILE TOOL
  local f=$1 tool=$2 size pk
  size=$(stat -c %s "$dir/$f")
  pk=$(cat "$dir/$f.packets")
  awk -v f="$f" -v t="$tool" -v s="$secs" -v sz="$size" -v pk="$pk" -v rss="$rss_mib" -v r="$3" \
    'BEGIN{printf "| %-12s | %-22s | %7.2f | %12.0f | %8.0f | %6d | %s |\n", f, t, s, pk/s, sz/1e6/s, rss, r}'
}

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(go version | cut -d' ' -f3); $(tcpdump --version 2>&1 | head -1); $(tshark --version | head -1)"
echo
echo "| file         | command                | seconds |    packets/s |     MB/s | RSS MiB | slbdiag vs it |"
echo "|--------------|------------------------|---------|--------------|----------|---------|---------------|"
syn="tcp[tcpflags] & tcp-syn != 0"
for f in mix.pcap mix.pcapng flood.pcap; do
  p="$dir/$f"
  cat "$p" >/dev/null # into the page cache
  timed cat "cat '$p' > /dev/null"; cat_s=$secs; cat_rss=$rss_mib
  timed tcpdump "tcpdump -n -r '$p' -w /dev/null '$syn'"; tcp_s=$secs; tcp_rss=$rss_mib
  timed text "'$dir/slbdiag' analyze '$p'"; text_s=$secs; text_rss=$rss_mib
  timed jsonl "'$dir/slbdiag' analyze --format jsonl '$p'"; jsonl_s=$secs; jsonl_rss=$rss_mib
  ratio() { awk "BEGIN{printf \"%.2f\", $text_s/$1}"; }
  secs=$cat_s rss_mib=$cat_rss; row "$f" "cat" "$(ratio "$cat_s")x (target <= 3)"
  secs=$tcp_s rss_mib=$tcp_rss; row "$f" "tcpdump SYN filter" "$(ratio "$tcp_s")x (target <= 1)"
  secs=$text_s rss_mib=$text_rss; row "$f" "slbdiag analyze (text)" "-"
  secs=$jsonl_s rss_mib=$jsonl_rss; row "$f" "slbdiag analyze (jsonl)" "$(awk "BEGIN{printf \"%.2f\", $jsonl_s/$tcp_s}")x tcpdump"
done
# tshark dissects every packet: timed on a smaller mix, with slbdiag on it too.
p="$dir/small.pcap"
cat "$p" >/dev/null
timed tshark "tshark -n -r '$p' -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' > /dev/null"; tsh_s=$secs; tsh_rss=$rss_mib
timed text "'$dir/slbdiag' analyze '$p'"; text_s=$secs; text_rss=$rss_mib
speedup=$(awk "BEGIN{printf \"%.0f\", $tsh_s/$text_s}")
secs=$tsh_s rss_mib=$tsh_rss; row small.pcap "tshark SYN filter" "${speedup}x faster (target >= 50)"
secs=$text_s rss_mib=$text_rss; row small.pcap "slbdiag analyze (text)" "-"
# A gzip'd capture: slbdiag inflates it itself; tcpdump reads zcat's output.
p="$dir/small.pcap.gz"
cat "$p" >/dev/null
timed zcat "zcat '$p' | tcpdump -n -r - -w /dev/null '$syn'"; z_s=$secs; z_rss=$rss_mib
timed text "'$dir/slbdiag' analyze '$p'"; text_s=$secs; text_rss=$rss_mib
secs=$z_s rss_mib=$z_rss; row small.pcap.gz "zcat | tcpdump SYN" "$(awk "BEGIN{printf \"%.2f\", $text_s/$z_s}")x (target <= 1)"
secs=$text_s rss_mib=$text_rss; row small.pcap.gz "slbdiag analyze (text)" "-"
# Every flood and scan shape within the memory bound, every port watched.
echo
echo "| file         | flood or scan                      | seconds | RSS MiB | bound 256 MiB |"
echo "|--------------|------------------------------------|---------|---------|---------------|"
over=0
for shape in "flood.pcap:$flood distinct IPv4 clients, one port" "flood6.pcap:$flood6 IPv6 clients, random ports" \
  "ports.pcap:$scan distinct ports" "dests.pcap:$scan distinct destinations"; do
  f=${shape%%:*} what=${shape#*:}
  cat "$dir/$f" >/dev/null
  timed text "'$dir/slbdiag' analyze --port any '$dir/$f'"
  verdict=ok
  [ "$rss_mib" -le 256 ] || { verdict=OVER; over=1; }
  printf '| %-12s | %-34s | %7.2f | %7d | %-13s |\n' "$f" "$what" "$secs" "$rss_mib" "$verdict"
done
echo
echo "tshark is timed on small.pcap ($(cat "$dir/small.pcap.packets") packets), not on the large files: it takes minutes there."
[ "$over" = 0 ] || { echo "bench: a flood or scan went over 256 MiB" >&2; exit 1; }
