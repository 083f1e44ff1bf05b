#!/usr/bin/env bash
# Times hier_config (netdevops/hier_config, through its runner
# hier_config_run.py in PEERS_DIR) on the pair of BenchmarkRemediate10k:
# two IOS configurations of about 10,000 lines with 500 changes, written by
# go run ./internal/remgen/cmd/remgen -large.
#
#   scripts/bench-hierconfig.sh PEERS_DIR [RUNS]
#
# Prints the wall-clock time of one whole hier_config_run.py process, then
# the time of RUNS (default 5) runs of the runner inside one interpreter
# (parse, remediate and print, without the interpreter start and the
# imports), minimum and median of the wall-clock and of the CPU time.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
peers=${1:?usage: scripts/bench-hierconfig.sh PEERS_DIR [RUNS]}
runs=${2:-5}
runner="$peers/hier_config_run.py"
[ -f "$runner" ] || { echo "no hier_config_run.py in $peers" >&2; exit 2; }
python=/usr/bin/python3
[ -x "$python" ] || python=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./internal/remgen/cmd/remgen -large "$work"
echo "pair: $(wc -l <"$work/running.cfg") and $(wc -l <"$work/intended.cfg") lines"
start=$(date +%s%N)
"$python" "$runner" cisco_ios "$work/running.cfg" "$work/intended.cfg" >"$work/remediation.txt"
end=$(date +%s%N)
echo "hier_config_run.py, one process: $(( (end - start) / 1000000 )) ms, $(wc -l <"$work/remediation.txt") remediation lines"
"$python" - "$runner" "$work" "$runs" <<'PY'
import contextlib, io, runpy, statistics, sys, time
runner, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, cpu = [], []
for _ in range(runs + 1):
    sys.argv = [runner, "cisco_ios", work + "/running.cfg", work + "/intended.cfg"]
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            runpy.run_path(runner, run_name="__main__")
        except SystemExit as e:
            if e.code:
                raise
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
times, cpu = times[1:], cpu[1:]  # the first run imports hier_config
print("hier_config in one interpreter, %d runs: wall min %.0f ms, median %.0f ms; CPU min %.0f ms, median %.0f ms" % (
    runs, min(times) * 1000, statistics.median(times) * 1000, min(cpu) * 1000, statistics.median(cpu) * 1000))
PY
