#!/usr/bin/env bash
# Runs each fuzz target for a bounded time: the file readers, the decoder
# and whole analyses (decoder and tracker). New crashers land in the
# package's testdata/fuzz/<Target>/ and then run in every 'go test' as
# regression inputs: commit them with the fix.
#
#   scripts/fuzz.sh                 every target, 30s each
#   FUZZTIME=5m scripts/fuzz.sh     longer
#   scripts/fuzz.sh FuzzDecode      only the named targets
#
# FUZZPARALLEL sets the fuzzing workers (default 1: the machine is shared).
# FUZZMINIMIZE bounds the minimizing of each new interesting input (default
# 5s): Go's 60s default can spend a whole short run shrinking one large
# seed (FuzzRun's are whole captures) instead of fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
parallel=${FUZZPARALLEL:-1}
minimize=${FUZZMINIMIZE:-5s}
targets=(
  ./capture:FuzzFile
  ./capture:FuzzRedact
  ./analyze:FuzzDecode
  ./analyze:FuzzRun
  ./analyze:FuzzParsePorts
  ./analyze:FuzzParsePrefixes
  ./analyze:FuzzParseClientHello
  ./decode:FuzzFastDecode
  ./decode:FuzzDecodeLayout
  ./hostfacts:FuzzBundle
  ./report:FuzzJSONString
)

want() { # target: run it if no names were given, or if it is named
  [ $# -eq 1 ] && return 0
  local t=$1; shift
  for n in "$@"; do [ "$n" = "$t" ] && return 0; done
  return 1
}

failed=0
for pt in "${targets[@]}"; do
  pkg=${pt%%:*} target=${pt##*:}
  want "$target" "$@" || continue
  echo "fuzz: $pkg $target for $fuzztime"
  start=$(date +%s)
  if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" -parallel "$parallel"; then
    echo "fuzz: $target FAILED; the input is in $pkg/testdata/fuzz/$target/" >&2
    failed=1
  fi
  echo "fuzz: $target took $(( $(date +%s) - start ))s"
done
exit $failed
