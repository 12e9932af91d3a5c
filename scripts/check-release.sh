#!/usr/bin/env bash
# check-release.sh checks what `make release` left in dist/, as a user
# would meet it: the checksums verify, every archive holds the binary,
# README, LICENSE (when the repository has one), NOTICES and the collector
# scripts byte for byte as in the repository (what `slbdiag collect
# --print-script` prints), and the
# linux/amd64 binary taken from its archive names its version and finds
# the problem in a bundled capture (exit status 1, a PROBLEM line), also
# in an empty root where no libpcap exists.
#
#   scripts/check-release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "check-release: $*" >&2; exit 1; }

sums=$(ls dist/*_checksums.txt 2>/dev/null) || fail "no checksums file in dist/: run 'make release' first"
version=$(basename "$sums" _checksums.txt)
version=${version#slbdiag_}
(cd dist && sha256sum --check --strict --quiet "$(basename "$sums")") || fail "checksums do not verify"

want_files=(README.md NOTICES collect/slbdiag-collect.ps1 collect/slbdiag-collect.cmd collect/slbdiag-collect.sh)
ls LICENSE* >/dev/null 2>&1 && want_files+=(LICENSE)
for platform in windows_amd64 windows_arm64 linux_amd64 linux_arm64 darwin_arm64; do
  base=slbdiag_${version}_$platform
  case $platform in
    windows_*) archive=dist/$base.zip list=$(unzip -Z1 "dist/$base.zip") exe=slbdiag.exe ;;
    *) archive=dist/$base.tar.gz list=$(tar tzf "dist/$base.tar.gz") exe=slbdiag ;;
  esac
  grep -q " $(basename "$archive")\$" "$sums" || fail "$archive is not in $sums"
  for f in "$exe" "${want_files[@]}"; do
    grep -qx "$base/$f" <<<"$list" || fail "$archive has no $f"
  done
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar xzf "dist/slbdiag_${version}_linux_amd64.tar.gz" -C "$dir"
bin=$dir/slbdiag_${version}_linux_amd64/slbdiag

for s in windows:slbdiag-collect.ps1 windows-cmd:slbdiag-collect.cmd linux:slbdiag-collect.sh; do
  f=$dir/slbdiag_${version}_linux_amd64/collect/${s#*:}
  cmp -s "$f" "collect/${s#*:}" || fail "the archive's collect/${s#*:} differs from the repository's"
  "$bin" collect --print-script "${s%%:*}" | cmp -s - "$f" || fail "slbdiag collect --print-script ${s%%:*} differs from the archive's collect/${s#*:}"
done
unzip -p "dist/slbdiag_${version}_windows_amd64.zip" "slbdiag_${version}_windows_amd64/collect/slbdiag-collect.ps1" | cmp -s - collect/slbdiag-collect.ps1 ||
  fail "the Windows archive's collect/slbdiag-collect.ps1 differs from the repository's (CRLF must survive)"

got=$("$bin" version | head -1)
[ "$got" = "slbdiag v$version" ] || fail "'slbdiag version' says '$got', want 'slbdiag v$version'"

set +e
"$bin" analyze testdata/pcaps/seed-strong-host.pcapng >"$dir/report.txt" 2>"$dir/stderr.txt"
status=$?
set -e
[ "$status" = 1 ] || fail "slbdiag analyze seed-strong-host.pcapng exited $status, want 1; stderr: $(cat "$dir/stderr.txt")"
grep -q '^PROBLEM: .*strong-host-receive' "$dir/report.txt" || fail "no PROBLEM line naming strong-host-receive in the report"
grep -qF "Written by slbdiag v$version" "$dir/report.txt" || fail "the report does not name slbdiag v$version"
# The Linux binary must start and read captures on a host with no libpcap
# (nor any other library): it is static, and it runs in an empty root
# holding only itself and the capture.
readelf -d "$bin" 2>/dev/null | grep -q NEEDED && fail "the linux/amd64 binary needs shared libraries: $(readelf -d "$bin" | grep NEEDED | tr -s ' ' | tr '\n' ';')"
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
  jail=$dir/jail
  mkdir -p "$jail"
  cp "$bin" "$jail/slbdiag"
  cp testdata/pcaps/seed-strong-host.pcapng "$jail/seed.pcapng"
  set +e
  chroot "$jail" /slbdiag analyze /seed.pcapng >"$dir/jail.txt" 2>"$dir/jail-stderr.txt"
  status=$?
  set -e
  [ "$status" = 1 ] || fail "in an empty root (no libpcap), slbdiag analyze exited $status, want 1; stderr: $(cat "$dir/jail-stderr.txt")"
  grep -q '^PROBLEM: .*strong-host-receive' "$dir/jail.txt" || fail "in an empty root (no libpcap), the report names no strong-host-receive problem"
  nolib="; it reads the capture in an empty root with no libpcap"
else
  nolib="; it is static (the run in an empty root needs root)"
fi
echo "check-release: $version: $(wc -l <"$sums") archives verify; the linux/amd64 binary reports the seed capture's problem$nolib"
