#!/usr/bin/env bash
# Scan for known vulnerabilities, offline, with pinned versions:
#   1. build a govulncheck database from the golang.org/x/vulndb module at
#      VULNDB_VERSION (its data/osv directory, indexed by its cmd/indexdb),
#      cached under $UNET_VULNDB_CACHE (default ~/.cache/unet/vulndb);
#   2. run govulncheck (golang.org/x/vuln at GOVULNCHECK_VERSION) against it
#      over each module directory given (default: the main module, bench/ and packaging/).
# Exits non-zero when the code reaches a vulnerability; vulnerabilities in
# required modules that the code does not reach are printed as information.
# How to move the pins: docs/vulncheck.md.
#
# Usage: scripts/vulncheck.sh [MODULE_DIR...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/toolchain.sh
. "$root/scripts/toolchain.sh"

VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
GOVULNCHECK_VERSION=${GOVULNCHECK_VERSION:-v1.9.0}

cache=${UNET_VULNDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unet/vulndb}
db="$cache/$VULNDB_VERSION"

if [ ! -f "$db/index/db.json" ]; then
  echo "== building the vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Outside any module, so nothing here touches go.mod or go.sum.
  src=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
    echo "vulncheck: golang.org/x/vulndb@$VULNDB_VERSION has no data/osv directory" >&2
    exit 1
  fi
  (cd "$work" && go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$work/db")
  mkdir -p "$cache"
  rm -rf "$db"
  mv "$work/db" "$db"
fi
echo "== vulnerability database: golang.org/x/vulndb@$VULNDB_VERSION ($(ls "$db/ID" | grep -c '\.json$') entries)"

if [ $# -eq 0 ]; then
  set -- "$root" "$root/bench" "$root/packaging"
fi
status=0
for dir in "$@"; do
  echo "== govulncheck $dir ($(go version | cut -d' ' -f3))"
  # -show verbose lists the vulnerabilities in imported packages and required
  # modules that the code does not call, as information; govulncheck exits 3
  # only for those the code reaches.
  if ! (cd "$dir" && go run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" -db "file://$db" -show verbose ./...); then
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "vulncheck: the code reaches known vulnerabilities (see above)" >&2
  exit 1
fi
echo "vulncheck: no reachable vulnerabilities"
