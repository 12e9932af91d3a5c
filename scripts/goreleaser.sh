#!/usr/bin/env bash
# goreleaser.sh runs the pinned GoReleaser, installing it with go install
# the first time (about 4 minutes on 2 cores) into a directory named after
# its version, so later runs, and CI with that directory cached, start at
# once and work offline.
#
#   scripts/goreleaser.sh release --snapshot --clean --skip=publish
set -euo pipefail
# v2.17.0 is the newest GoReleaser whose go.mod accepts Go 1.26 (v2.18
# needs Go 1.27).
version=v2.17.0
dir=${SLBDIAG_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/slbdiag-tools}/goreleaser-$version
if [ ! -x "$dir/goreleaser" ]; then
  echo "goreleaser.sh: installing GoReleaser $version into $dir" >&2
  GOBIN=$dir GOTOOLCHAIN=local go install "github.com/goreleaser/goreleaser/v2@$version"
fi
exec "$dir/goreleaser" "$@"
