#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the test suite on a loopback port, as
# the unprivileged "postgres" user, and print its URL. Usage:
#   eval "$(scripts/pg-test-cluster.sh start DIR PORT)"   # exports UNET_TEST_POSTGRES
#   scripts/pg-test-cluster.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?data directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi
run_as_pg() {
  # From /, which the unprivileged user can always enter.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
case "$cmd" in
start)
  port=${3:-55432}
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    run_as_pg "$bindir/initdb" -D "$dir" -U unet --auth=trust -E UTF8 >/dev/null
  fi
  run_as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "export UNET_TEST_POSTGRES='postgres://unet@127.0.0.1:$port/postgres?sslmode=disable'"
  ;;
stop)
  run_as_pg "$bindir/pg_ctl" -D "$dir" -m fast stop >/dev/null || true
  ;;
*)
  echo "usage: $0 start DIR [PORT] | stop DIR" >&2
  exit 64
  ;;
esac
