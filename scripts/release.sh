#!/usr/bin/env bash
# release.sh builds the release archives and their checksums into dist/
# with GoReleaser: a snapshot unless HEAD is exactly a tag. Nothing is
# published. The commit, its time and whether the tree was modified are
# read here from git and passed to the build, because GoReleaser falls
# back to "none" in a checkout without a remote or a tag.
#
#   scripts/release.sh            (make release)
set -euo pipefail
cd "$(dirname "$0")/.."

SLBDIAG_COMMIT=$(git rev-parse HEAD)
SLBDIAG_SHORT=$(git rev-parse --short=12 HEAD)
SLBDIAG_DATE=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
SLBDIAG_TIMESTAMP=$(git log -1 --format=%ct HEAD)
SLBDIAG_DIRTY=false
[ -z "$(git status --porcelain --untracked-files=no)" ] || SLBDIAG_DIRTY=true
export SLBDIAG_COMMIT SLBDIAG_SHORT SLBDIAG_DATE SLBDIAG_TIMESTAMP SLBDIAG_DIRTY

args=(release --clean --skip=publish)
if ! git describe --tags --exact-match HEAD >/dev/null 2>&1; then
  args+=(--snapshot)
fi
exec scripts/goreleaser.sh "${args[@]}"
