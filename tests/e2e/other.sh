#!/usr/bin/env bash
# Other programs, shown (tmux, 80x24): with a busy program on every CPU
# outside parlab, a one-worker run's CPU lanes show ▒ where other programs
# kept a CPU busy, the cursor says "others" there, the legend names ▒, and
# the run box says how much of the CPUs other programs used.
#
#   tests/e2e/other.sh BUILD/parlab
set -euo pipefail
BIN=${1:?usage: other.sh PATH/TO/parlab}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/other-e2e.XXXXXX")
SOCK=parlab-other-$$
T=(tmux -L "$SOCK" -f /dev/null)
PANE=other
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
hogs=()
cleanup() {
	for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
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
