#!/usr/bin/env bash
# Lint the OpenAPI document of the REST API with two independent linters,
# both from the npm registry at the versions locked in
# scripts/openapi-lint/package-lock.json:
#   - Redocly CLI, `redocly lint --extends recommended`;
#   - Spectral, `spectral lint -r .spectral.yaml` (the spectral:oas ruleset).
# Either reporting an error fails the script; warnings are printed only.
# The linters are installed once per lock file under $UNET_NPM_CACHE
# (default ~/.cache/unet/npm) with `npm ci --ignore-scripts`; they need
# Node.js 20.19 or later and npm.
#
# Usage: scripts/openapi-lint.sh [FILE]
# Without FILE it lints the document the server generates from its route
# table (written by the httpapi test binary, see httpapi/openapi_dump_test.go).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/toolchain.sh
. "$root/scripts/toolchain.sh"
lock="$root/scripts/openapi-lint"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "openapi-lint: $tool not found (Node.js 20.19 or later with npm is needed)" >&2
    exit 1
  fi
done
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "openapi-lint: Node.js $(node --version) is too old: Redocly CLI needs 20.19 or later" >&2
  exit 1
fi

cache=${UNET_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unet/npm}
key=$(cat "$lock/package.json" "$lock/package-lock.json" | sha256sum | cut -c1-16)
tools="$cache/openapi-lint-$key"
bin="$tools/node_modules/.bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -x "$bin/redocly" ] || [ ! -x "$bin/spectral" ]; then
  echo "== installing the linters (scripts/openapi-lint/package-lock.json) into $tools"
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/.openapi-lint.XXXXXX")
  cp "$lock/package.json" "$lock/package-lock.json" "$staging/"
  if ! (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    rm -rf "$staging"
    echo "openapi-lint: npm ci failed" >&2
    exit 1
  fi
  rm -rf "$tools"
  mv "$staging" "$tools"
fi

if [ $# -gt 0 ]; then
  doc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  doc="$work/openapi.json"
  echo "== writing the OpenAPI document ($(go version | cut -d' ' -f3))"
  (cd "$root" && UNET_HTTPAPI_OPENAPI_OUT="$doc" go test -count=1 -run '^$' ./httpapi >/dev/null)
fi

status=0
echo "== redocly lint --extends recommended ($("$bin/redocly" --version 2>/dev/null | tail -n1))"
# From the scratch directory, so that no redocly.yaml is picked up by accident.
if ! (cd "$work" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$bin/redocly" lint --extends recommended "$doc"); then
  echo "openapi-lint: redocly reports errors" >&2
  status=1
fi
echo "== spectral lint -r .spectral.yaml ($("$bin/spectral" --version))"
if ! (cd "$work" && "$bin/spectral" lint -r "$root/.spectral.yaml" --fail-severity error "$doc"); then
  echo "openapi-lint: spectral reports errors" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  exit 1
fi
echo "openapi-lint: no errors"
