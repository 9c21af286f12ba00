#!/usr/bin/env bash
# Other programs, shown (tmux, 80x24): with a busy program on every CPU
# outside parlab, a one-worker run's CPU lanes show ▒ where other programs
# kept a CPU busy, the cursor says "others" there, the legend names ▒, and
# the run box says how much of the CPUs other programs used.
#
#   tests/e2e/other.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init other "$@"
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; e2e_cleanup; }
trap cleanup EXIT

start_parlab "$HERE/other.lua"
for ((i = 0; i < $(nproc); i++)); do
	timeout 60 bash -c 'while :; do :; done' &
	hogs+=($!)
done
sleep 0.5
type_line run
wait_for "finished: the worker exited 0" 30
wait_for "other programs used"
cap | grep -aE "│ CPU[0-9]+ " | grep -q "▒" || fail "no CPU lane shows other programs (▒)"
expect "▒other"
echo "ok - other programs drawn in the CPU lanes and said in the run box"
for ms in 20 60 100 140 180 220; do
	type_line "at ${ms}ms"
	wait_for "at ${ms}"
	if cap | grep -aE "│ CPU[0-9]+ " | grep -qE "others$"; then found=1; break; fi
done
# The cursor on a CPU lane where others ran says "others".
[ "${found:-0}" = 1 ] || fail "the cursor never said \"others\" on a CPU lane"
for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done
type_line quit
wait_for "PARLAB-EXITED 0"
echo "ok - the cursor says others"

# Where the CPUs' counters have not spoken (here: a saved run whose samples
# after 60 ms are cut away, as the newest moments of a live run are), a CPU
# lane is not called idle: blank, and the cursor says "unknown".
"$BIN" --batch --state off --save-trace "$WORK/tr" "$HERE/mini.lua" </dev/null >/dev/null 2>&1 || fail "the mini run failed"
tr=$(ls "$WORK"/tr/*.trace | head -1)
awk '!($1 == "cpu" && $2 > 60000000)' "$tr" >"$WORK/cut.trace"
launch 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- replay "$WORK/cut.trace"
wait_for "parlab replay" 15
end=$(awk '$1 == "end" { print int($2 / 1000000) }' "$WORK/cut.trace")
[ "$end" -gt 70 ] || { echo "ok - (skipped: the run took only ${end} ms)"; exit 0; }
type_line end   # the replay's clock to the end: the whole run is drawn
wait_for "the end"
# A moment past the last sample when a CPU ran none of the run's tasks
# (while one does, its lane names it): the workers may end late in the run.
said_unknown=0
for ((at = end - 2; at > 61 && !said_unknown; at -= 3)); do
	type_line "at ${at}ms"
	wait_for "at ${at}."
	cap | grep -aE "│ CPU[0-9]+ " | grep -qE "unknown$" && said_unknown=1
done
[ $said_unknown = 1 ] || fail "past the last sample, no CPU lane says unknown"
type_line "at 30ms"
wait_for "at 30.0ms"
cap | grep -aE "│ CPU[0-9]+ " | grep -qE "unknown$" && fail "within the samples, a CPU lane says unknown"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "ok - a CPU lane the counters do not cover yet is not called idle"
