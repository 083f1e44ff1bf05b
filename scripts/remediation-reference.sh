#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) the differential corpus of the
# remediation tests: the generated running/intended configuration pairs of
# internal/remgen and what hier_config (netdevops/hier_config, MIT) computes
# for them, through its runner hier_config_run.py found in PEERS_DIR.
#
#   scripts/remediation-reference.sh [--check] PEERS_DIR
#
# Writes remediation/testdata/hierconfig/<dialect>/<NNN>/running.cfg and
# intended.cfg (go run ./internal/remgen/cmd/remgen), and for the dialects
# hier_config has a platform for, remediation.txt, rollback.txt and
# future.txt (hier_config_run.py without a flag, with --rollback and with
# --future). Curly-brace JunOS pairs get only the configurations: they serve
# the prediction property. large/remediation.txt is hier_config's
# remediation of the benchmark pair (remgen -large). The Go tests read only
# the committed files; with --check the whole tree is regenerated into a
# temporary directory and any difference from the committed files fails the
# script.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
check=0
if [ "${1:-}" = --check ]; then
  check=1
  shift
fi
peers=${1:?usage: scripts/remediation-reference.sh [--check] PEERS_DIR}
runner="$peers/hier_config_run.py"
[ -f "$runner" ] || { echo "no hier_config_run.py in $peers" >&2; exit 2; }
runner=$(cd "$(dirname "$runner")" && pwd)/hier_config_run.py
python=/usr/bin/python3
[ -x "$python" ] || python=python3
pairs=${REMEDIATION_PAIRS:-220}
committed=remediation/testdata/hierconfig
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/hierconfig"

go run ./internal/remgen/cmd/remgen -out "$out" -n "$pairs"
# The benchmark pair (two IOS configurations of about 10,000 lines, 500
# changes): only hier_config's remediation is kept, the test regenerates
# the pair.
go run ./internal/remgen/cmd/remgen -large "$work/large"

platform() {
  case "$1" in
    ios) echo cisco_ios ;;
    nxos) echo cisco_nxos ;;
    eos) echo arista_eos ;;
    iosxr) echo cisco_xr ;;
    junos-set) echo juniper_junos ;;
    *) echo "" ;;
  esac
}

# One job per line: PLATFORM FLAG RUNNING INTENDED OUTPUT (FLAG "-" for the
# remediation itself).
jobs="$work/jobs"
: >"$jobs"
for dir in "$out"/*/*/; do
  dir=${dir%/}
  plat=$(platform "$(basename "$(dirname "$dir")")")
  [ -n "$plat" ] || continue
  printf '%s - %s %s %s\n' "$plat" "$dir/running.cfg" "$dir/intended.cfg" "$dir/remediation.txt" >>"$jobs"
  printf '%s --rollback %s %s %s\n' "$plat" "$dir/running.cfg" "$dir/intended.cfg" "$dir/rollback.txt" >>"$jobs"
  printf '%s --future %s %s %s\n' "$plat" "$dir/running.cfg" "$dir/intended.cfg" "$dir/future.txt" >>"$jobs"
done

mkdir -p "$out/large"
printf 'cisco_ios - %s %s %s\n' "$work/large/running.cfg" "$work/large/intended.cfg" "$out/large/remediation.txt" >>"$jobs"

# The runner is executed unchanged, once per job, inside one interpreter
# (runpy), so that hier_config is imported once rather than 3000 times.
"$python" - "$runner" "$jobs" <<'PY'
import contextlib, io, runpy, sys
runner, jobs = sys.argv[1], sys.argv[2]
count = 0
for line in open(jobs):
    plat, flag, running, intended, output = line.split()
    argv = [runner] + ([] if flag == "-" else [flag]) + [plat, running, intended]
    buf = io.StringIO()
    sys.argv = argv
    code = 0
    with contextlib.redirect_stdout(buf):
        try:
            runpy.run_path(runner, run_name="__main__")
        except SystemExit as e:
            code = e.code or 0
    if code != 0:
        sys.exit("hier_config_run.py %s failed with status %s" % (" ".join(argv[1:]), code))
    with open(output, "w") as f:
        f.write(buf.getvalue())
    count += 1
print("hier_config outputs: %d" % count)
PY

if [ "$check" = 1 ]; then
  if ! diff -r -q "$committed" "$out" >"$work/diff"; then
    sed "s|$out|(regenerated)|g" "$work/diff" >&2
    echo "remediation references differ from hier_config's outputs" >&2
    exit 1
  fi
  echo "remediation references: $(find "$out" -name running.cfg | wc -l) pairs checked against hier_config"
else
  rm -rf "$committed"
  mkdir -p "$(dirname "$committed")"
  cp -r "$out" "$committed"
  echo "remediation references: $(find "$committed" -name running.cfg | wc -l) pairs regenerated"
fi
