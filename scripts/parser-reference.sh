#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) the expected statement hierarchies
# of the configurations under configtree/testdata/netutils/<network_os>/ by
# running netutils' own parsers (networktocode/netutils, Apache-2.0) through
# their runner, netutils_parse.py, found in PEERS_DIR.
#
#   scripts/parser-reference.sh [--check] PEERS_DIR
#
# Each <case>.conf gets <case>.expected.json: the JSON list [{line, parents}]
# that netutils produces for it. The Go tests read only the committed files;
# this script is how they were made, and --check proves they still match.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = --check ]; then
  check=1
  shift
fi
peers=${1:?usage: scripts/parser-reference.sh [--check] PEERS_DIR}
runner="$peers/netutils_parse.py"
[ -f "$runner" ] || { echo "no netutils_parse.py in $peers" >&2; exit 2; }
python=/usr/bin/python3
[ -x "$python" ] || python=python3
status=0
count=0
for conf in configtree/testdata/netutils/*/*.conf; do
  [ -e "$conf" ] || continue
  os=$(basename "$(dirname "$conf")")
  want="${conf%.conf}.expected.json"
  got=$(mktemp)
  "$python" "$runner" "$os" "$conf" >"$got"
  count=$((count + 1))
  if [ "$check" = 1 ]; then
    if ! cmp -s "$got" "$want"; then
      echo "differs from netutils: $want" >&2
      status=1
    fi
    rm -f "$got"
  else
    mv "$got" "$want"
  fi
done
if [ "$check" = 1 ]; then
  echo "parser references: $count configurations checked against netutils"
else
  echo "parser references: $count configurations regenerated"
fi
exit "$status"
