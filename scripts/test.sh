#!/usr/bin/env bash
# μNet's test suite: static checks, every Go test (against real SQLite,
# PostgreSQL, snmpd, Git, Python Jinja2, Prometheus and HAProxy), the agreement tests
# of the bench/ module (μNet and Open Policy Agent reach the same results),
# then a short run of every fuzz target. Everything it reads is in the repository.
# Missing Debian packages are installed when running as root; a PostgreSQL
# cluster is started by the tests themselves unless UNET_TEST_POSTGRES is set.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

need=()
command -v git >/dev/null || need+=(git)
command -v ssh >/dev/null || need+=(openssh-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v snmpd >/dev/null || need+=(snmpd)
command -v snmpget >/dev/null || need+=(snmp)
command -v snmpsimd >/dev/null || command -v snmpsim-command-responder >/dev/null || need+=(snmpsim)
/usr/bin/python3 -c 'import jinja2' 2>/dev/null || need+=(python3-jinja2)
# A real Prometheus scrapes `unet serve`; promtool checks the scrape and the alert rules.
{ command -v prometheus >/dev/null && command -v promtool >/dev/null; } || need+=(prometheus)
# Three replicas behind HAProxy share one PostgreSQL (internal/replicatest).
command -v haproxy >/dev/null || need+=(haproxy)
# The web interface's browser tests drive Debian's Chromium (webui/browser_test.go).
command -v chromium >/dev/null || need+=(chromium chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi

# The browser tests inject axe-core into the pages: npm installs the version
# of the committed lock file (MPL-2.0, downloaded, not part of the repository).
echo "== npm ci (webui/testdata/browser: axe-core)"
command -v npm >/dev/null || { echo "missing npm, which installs axe-core for the browser tests (apt-get install -y nodejs npm)" >&2; exit 1; }
npm ci --prefix webui/testdata/browser --ignore-scripts --no-audit --no-fund --loglevel=error

echo "== go vet"
go vet ./...
echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
echo "== errcheck"
# No ignored errors outside tests: what is left out, and why, is in the
# exclude file; anything else is checked or discarded explicitly.
go run github.com/kisielk/errcheck@v1.30.0 -ignoretests -exclude scripts/errcheck-excludes.txt ./...

echo "== go test"
go test -count=1 -timeout 20m ./...

echo "== bench module: vet and agreement tests (no benchmarks)"
(cd bench && go vet ./... && go test -count=1 -timeout 20m -run . ./...)

echo "== packaging module: vet and tests (container image, Kubernetes manifests)"
(cd packaging && go vet ./... && go test -count=1 -timeout 10m ./...)

echo "== fuzz (short runs)"
# An iteration count rather than a duration: a duration can end a run with a
# spurious "context deadline exceeded" while a worker is mid-input.
fuzztime=${UNET_FUZZTIME:-3000x}
for f in $(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do
  pkg=./$(dirname "${f#./}")
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
    echo "fuzz $pkg $target"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/unet-fuzz.log 2>&1 || { cat /tmp/unet-fuzz.log; exit 1; }
  done
done
echo "all tests passed"
