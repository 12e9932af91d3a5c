#!/usr/bin/env bash
# notices.sh prints the licence texts of everything compiled into the
# slbdiag binaries of every release platform: the Go standard library and
# runtime, and each module cmd/slbdiag imports. Release archives ship its
# output as NOTICES. It reads the module cache only (go list downloads a
# missing module through GOPROXY), so it works offline after a build, and
# it fails rather than print a module without its licence.
#
#   scripts/notices.sh > NOTICES
set -euo pipefail
cd "$(dirname "$0")/.."

targets="linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/arm64"
rule() { printf '%*s\n' 80 '' | tr ' ' "$1"; }

# Module path, version and directory, once each, over every platform:
# Windows builds pull in golang.org/x/sys/windows, cgo builds gopacket/pcap.
mods=$(
  for t in $targets; do
    cgo=0
    [ "${t%/*}" = linux ] && cgo=1
    GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=$cgo go list -deps \
      -f '{{with .Module}}{{if not .Main}}{{with .Replace}}{{.Path}} {{.Version}} {{.Dir}}{{else}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}{{end}}' \
      ./cmd/slbdiag
  done | sort -u
)

licence_files() {
  find "$1" -maxdepth 1 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' -o -iname 'NOTICE*' \) | sort
}

section() { # title, files...
  local title=$1
  shift
  echo
  rule =
  echo "$title"
  for f in "$@"; do
    rule -
    echo "$(basename "$f"):"
    echo
    cat "$f"
  done
}

echo "slbdiag is built from the Go toolchain and the modules below; their licences follow."
echo "Live capture uses the system's libpcap (Linux) or Npcap (Windows), which slbdiag"
echo "loads at run time and does not include."

goroot=$(go env GOROOT)
section "The Go standard library and runtime, $(go env GOVERSION)" "$goroot/LICENSE"

missing=()
while read -r path ver dir; do
  [ -n "$path" ] || continue
  mapfile -t files < <(licence_files "$dir")
  if [ ${#files[@]} -eq 0 ]; then
    missing+=("$path $ver")
    continue
  fi
  section "$path $ver" "${files[@]}"
done <<<"$mods"

if [ ${#missing[@]} -gt 0 ]; then
  echo "notices.sh: no licence file found for: ${missing[*]}" >&2
  exit 1
fi
