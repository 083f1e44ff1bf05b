#!/usr/bin/env bash
# Test of scripts/openapi-lint.sh itself: it must pass the generated OpenAPI
# document and fail, naming the linter, on two broken copies of it: one that
# only Redocly refuses (an operation without security) and one that only
# Spectral refuses (a schema example of the wrong type).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/toolchain.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && UNET_HTTPAPI_OPENAPI_OUT="$work/openapi.json" go test -count=1 -run '^$' ./httpapi >/dev/null)
node -e '
const fs = require("fs");
const [dir] = process.argv.slice(1);
const doc = () => JSON.parse(fs.readFileSync(dir + "/openapi.json"));
const sec = doc();
delete sec.security;
delete sec.paths["/api/v1/nodes"].get.security;
fs.writeFileSync(dir + "/no-security.json", JSON.stringify(sec, null, 2));
const ex = doc();
ex.components.schemas.Node.properties.name.example = 5;
fs.writeFileSync(dir + "/bad-example.json", JSON.stringify(ex, null, 2));
' "$work"

pass=0 fail=0
if "$root/scripts/openapi-lint.sh" "$work/openapi.json" >"$work/ok.log" 2>&1; then
  echo "ok: the generated document passes"
  pass=$((pass + 1))
else
  echo "FAIL: the generated document does not pass:"
  cat "$work/ok.log"
  fail=$((fail + 1))
fi
check() { # FILE LINTER RULE
  if "$root/scripts/openapi-lint.sh" "$work/$1" >"$work/$1.log" 2>&1; then
    echo "FAIL: $1 passed"
    fail=$((fail + 1))
  elif ! grep -q "openapi-lint: $2 reports errors" "$work/$1.log" || ! grep -q "$3" "$work/$1.log"; then
    echo "FAIL: $1 failed without $2 reporting $3:"
    cat "$work/$1.log"
    fail=$((fail + 1))
  else
    echo "ok: $1 is refused by $2 ($3)"
    pass=$((pass + 1))
  fi
}
check no-security.json redocly security-defined
check bad-example.json spectral oas3-valid-schema-example
echo "openapi-lint_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
