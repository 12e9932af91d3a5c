#!/bin/sh
# slbdiag-collect.sh - collects, into one file, the host facts slbdiag reads
# on a Linux backend: interfaces and addresses (is the VIP on lo?), default
# routes, arp_ignore, arp_announce and rp_filter, and the TCP listeners. It
# only reads; it changes no setting. POSIX sh, nothing to install.
#
#   sh slbdiag-collect.sh VIP [PORTS]
#
# It writes slbdiag-facts-HOST-TIME.txt in the current directory (or
# $SLBDIAG_OUTDIR); give it to slbdiag doctor --host-facts. The format is
# described in slbdiag's docs/FACTSFILE.md.
set -u
LC_ALL=C
export LC_ALL

usage() { echo "slbdiag-collect: $1" >&2; exit 2; }

vip=${1:-}
ports=${2:-443}
case $vip in
  '' | *[!0-9a-fA-F.:]*) usage "the first argument must be the load balancer's VIP, an IP address" ;;
esac
case $ports in
  '' | *[!0-9,]*) usage "the ports must be a list such as 443,8443" ;;
esac
proc=${SLBDIAG_PROC:-/proc}
sys=${SLBDIAG_SYS:-/sys}
outdir=${SLBDIAG_OUTDIR:-.}
hostname=$(cat "$proc/sys/kernel/hostname" 2>/dev/null || uname -n)
safehost=$(printf '%s' "$hostname" | tr -c 'A-Za-z0-9_-' '_')
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
out=$outdir/slbdiag-facts-$safehost-$(date -u +%Y%m%d-%H%M%S).txt
[ -e "$out" ] && usage "$out exists already: not written over"
failed=

# enc percent-encodes a value as UTF-8 bytes, as the Windows collector does.
enc() {
  printf '%s' "$1" | od -An -v -tx1 | awk '
    BEGIN { safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~" }
    { for (i = 1; i <= NF; i++) {
        c = sprintf("%c", hex(toupper($i)))
        if (index(safe, c) > 0) printf "%s", c; else printf "%%%s", toupper($i)
    } }
    function hex(h,   d) { d = "0123456789ABCDEF"; return (index(d, substr(h, 1, 1)) - 1) * 16 + index(d, substr(h, 2, 1)) - 1 }'
}

fact() { printf '%s\n' "$*" >>"$out"; }
fail() { failed=${failed:+$failed,}$(enc "$1"); fact "unread step=$(enc "$1") reason=$(enc "$2")"; }

bom=$(printf '\357\273\277')
printf '%sslbdiag-collect/1 script=slbdiag-collect.sh version=2\n' "$bom" >"$out" || usage "cannot write $out"
kernel=$(cat "$proc/sys/kernel/osrelease" 2>/dev/null)
elevated=no
[ "$(id -u)" = 0 ] && elevated=yes
fact "header host=$(enc "$hostname") time=$now os_build=$(enc "$kernel") shell=sh locale=$(enc "${LANG:-}") elevated=$elevated vip=$(enc "$vip") ports=$(enc "$ports") capture_seconds=0 replay=no"
fact "facts-begin"
fact "os name=linux version=$(enc "$kernel")"

# Interfaces from sysfs: index, name, whether up, whether loopback.
for d in "$sys"/class/net/*; do
  [ -e "$d/ifindex" ] || continue
  name=${d##*/}
  idx=$(cat "$d/ifindex")
  flags=$(cat "$d/flags" 2>/dev/null || echo 0)
  # IFF_UP is 0x1, IFF_LOOPBACK 0x8.
  f=$(printf '%d' "$flags")
  down=yes; [ $((f & 1)) = 1 ] && down=no
  lo=no; [ $((f & 8)) = 8 ] && lo=yes
  mac=$(cat "$d/address" 2>/dev/null)
  fact "iface idx=$idx name=$(enc "$name") mac=$(enc "$mac") down=$down loopback=$lo"
done

# Addresses from iproute2 (one line each with -o).
if command -v ip >/dev/null 2>&1; then
  ip -o addr show 2>/dev/null | while read -r n _ fam pfx _; do
    case $fam in inet | inet6) fact "addr idx=${n%:} prefix=$(enc "$pfx")" ;; esac
  done
  fact "read what=addresses"
  for fam in -4 -6; do
    ip "$fam" route show default 2>/dev/null | while read -r line; do
      dev=$(printf '%s\n' "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }')
      via=$(printf '%s\n' "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1) }')
      [ -n "$dev" ] || continue
      idx=$(cat "$sys/class/net/$dev/ifindex" 2>/dev/null) || continue
      pfx=0.0.0.0/0; [ "$fam" = -6 ] && pfx=::/0
      fact "route idx=$idx prefix=$(enc "$pfx") nexthop=$(enc "$via")"
    done
  done
  fact "read what=routes"
else
  fail addresses "no ip command (iproute2)"
fi

# ARP and reverse-path sysctls of all, default and each interface.
n=0
for d in "$proc"/sys/net/ipv4/conf/*; do
  [ -d "$d" ] || continue
  for k in arp_ignore arp_announce rp_filter; do
    [ -r "$d/$k" ] || continue
    fact "sysctl key=$(enc "net.ipv4.conf.${d##*/}.$k") value=$(cat "$d/$k")"
    n=$((n + 1))
  done
done
if [ "$n" -gt 0 ]; then fact "read what=sysctl"; else fail sysctl "no $proc/sys/net/ipv4/conf"; fi

# Listening TCP sockets from /proc/net/tcp and tcp6 (state 0A): addresses
# are 32-bit words in host order (little-endian), ports big-endian hex.
listeners() {
  awk -v six="$2" '
    function hex(h,   d, i, v) { d = "0123456789ABCDEF"; v = 0; h = toupper(h)
      for (i = 1; i <= length(h); i++) v = v * 16 + index(d, substr(h, i, 1)) - 1; return v }
    function word(w) { return substr(w, 7, 2) substr(w, 5, 2) substr(w, 3, 2) substr(w, 1, 2) }
    NR > 1 && $4 == "0A" {
      split($2, a, ":"); port = hex(a[2]); h = a[1]
      if (six == "") {
        w = word(h)
        ip = hex(substr(w, 1, 2)) "." hex(substr(w, 3, 2)) "." hex(substr(w, 5, 2)) "." hex(substr(w, 7, 2))
      } else {
        b = word(substr(h, 1, 8)) word(substr(h, 9, 8)) word(substr(h, 17, 8)) word(substr(h, 25, 8))
        ip = ""
        for (i = 0; i < 8; i++) ip = ip (i ? ":" : "") tolower(substr(b, i * 4 + 1, 4))
      }
      print "listen ip=" ip " port=" port
    }' "$1"
}
if [ -r "$proc/net/tcp" ]; then
  listeners "$proc/net/tcp" "" >>"$out"
  [ -r "$proc/net/tcp6" ] && listeners "$proc/net/tcp6" 6 | sed 's/:/%3A/g' >>"$out"
  fact "read what=listeners"
else
  fail listeners "no $proc/net/tcp"
fi
fact "facts-end"

# The raw outputs, each behind a prompt line, for a person to read and for
# slbdiag to check the facts with.
fact "outputs-begin"
raw() {
  printf '$ %s\n' "$*" >>"$out"
  "$@" >>"$out" 2>&1 || failed=${failed:+$failed,}$(enc "$*")
  printf '\n' >>"$out"
}
if command -v ip >/dev/null 2>&1; then
  raw ip addr
  raw ip route
fi
if command -v sysctl >/dev/null 2>&1; then raw sysctl net.ipv4.conf; fi
if command -v ss >/dev/null 2>&1; then raw ss -ltn; fi
# The packet filter: without it no verdict is OK at high confidence.
if command -v iptables >/dev/null 2>&1; then raw iptables -S; fi
if command -v nft >/dev/null 2>&1; then raw nft list ruleset; fi
fact "slbdiag-collect-end status=complete failed=$failed etl="
echo "Wrote $out"
[ -z "$failed" ] || echo "Steps that failed: $failed"
