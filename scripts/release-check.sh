#!/usr/bin/env bash
# release-check.sh runs before GoReleaser builds anything: it says which
# tool is missing for which archive, rather than letting a cgo link fail
# half-way, and it refuses a tagged release without a LICENSE.
#
#   scripts/release-check.sh snapshot|release
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-snapshot}
problems=()

# The Linux binaries are linked statically: they need the static libpcap
# and the static libdbus it brings (Debian's libpcap-dev, libdbus-1-dev).
has_pcap() { # the static link libraries for a Debian multiarch triplet
  [ -e "/usr/lib/$1/libpcap.a" ] && [ -e "/usr/lib/$1/libdbus-1.a" ]
}
[ -f /usr/include/pcap.h ] || [ -f /usr/include/pcap/pcap.h ] ||
  problems+=("no libpcap headers: apt-get install libpcap-dev (linux builds capture live through it)")
command -v gcc >/dev/null || problems+=("no gcc: apt-get install gcc (linux/amd64 is built with cgo)")
has_pcap x86_64-linux-gnu || problems+=("no static libpcap/libdbus for linux/amd64: apt-get install libpcap-dev libdbus-1-dev")
command -v aarch64-linux-gnu-gcc >/dev/null ||
  problems+=("no arm64 cross compiler: apt-get install gcc-aarch64-linux-gnu")
has_pcap aarch64-linux-gnu ||
  problems+=("no static libpcap/libdbus for linux/arm64: dpkg --add-architecture arm64 && apt-get update && apt-get install libpcap-dev:arm64 libdbus-1-dev:arm64")

if [ ${#problems[@]} -gt 0 ]; then
  echo "release: cannot build the Linux archives:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  echo "  'make release-deps' installs them (Debian, as root)." >&2
  exit 1
fi

if ! ls LICENSE* >/dev/null 2>&1; then
  if [ "$mode" = release ]; then
    echo "release: the repository has no LICENSE; a release must say under which terms it is shared" >&2
    exit 1
  fi
  echo "release: warning: no LICENSE in the repository; this snapshot's archives have none" >&2
fi
