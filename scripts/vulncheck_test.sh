#!/usr/bin/env bash
# Test of scripts/vulncheck.sh itself: it must fail on a module that reaches a
# known vulnerability and pass on one that does not. The vulnerable module is
# made here, on the fly: it requires golang.org/x/net v0.57.0 and calls
# http2.ConfigureServer, which GO-2026-6617 (fixed in v0.60.0) names.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/toolchain.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkmod() { # DIR NET_VERSION
  mkdir -p "$1"
  cat >"$1/go.mod" <<EOF
module example.com/vulnprobe

go 1.25
EOF
  cat >"$1/main.go" <<'EOF'
// Command vulnprobe serves HTTP/2 through golang.org/x/net/http2.
package main

import (
	"net/http"

	"golang.org/x/net/http2"
)

func main() {
	srv := &http.Server{Addr: "127.0.0.1:0"}
	if err := http2.ConfigureServer(srv, &http2.Server{}); err != nil {
		panic(err)
	}
}
EOF
  (cd "$1" && go get "golang.org/x/net@$2" >/dev/null 2>&1 && go mod tidy >/dev/null 2>&1)
}

pass=0 fail=0
mkmod "$work/vulnerable" v0.57.0
if "$root/scripts/vulncheck.sh" "$work/vulnerable" >"$work/vulnerable.log" 2>&1; then
  echo "FAIL: vulncheck.sh passed a module that calls golang.org/x/net@v0.57.0 http2.ConfigureServer"
  fail=$((fail + 1))
elif ! grep -q 'GO-2026-6617' "$work/vulnerable.log"; then
  echo "FAIL: vulncheck.sh failed without naming GO-2026-6617:"
  cat "$work/vulnerable.log"
  fail=$((fail + 1))
else
  echo "ok: vulnerable golang.org/x/net v0.57.0 is refused (GO-2026-6617 reported)"
  pass=$((pass + 1))
fi

mkmod "$work/fixed" v0.63.0
if "$root/scripts/vulncheck.sh" "$work/fixed" >"$work/fixed.log" 2>&1; then
  echo "ok: golang.org/x/net v0.63.0 passes"
  pass=$((pass + 1))
else
  echo "FAIL: vulncheck.sh refused a module on golang.org/x/net v0.63.0:"
  cat "$work/fixed.log"
  fail=$((fail + 1))
fi
echo "vulncheck self-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
