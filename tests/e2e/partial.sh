#!/usr/bin/env bash
# Every running moment visible (tmux, 80x24): workers that run 1 ms in
# every 11 spend most of each timeline cell asleep, yet their lanes must
# show that they ran, as partial blocks (▁..▇) sized by the share they ran;
# the legend names the partial block where it fits (200x60) and help
# explains it.
#
#   tests/e2e/partial.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init partial "$@"

start_parlab "$HERE/duty.lua"
type_line run
wait_for "finished: all 3 workers exited 0" 30
for w in w0 w1 w2; do
	lane=$(cap | grep -E "│ +$w +" | head -1 | sed "s/.*│ *$w *//")   # threads: indented
	n=$(printf '%s' "$lane" | grep -o '[▁▂▃▄▅▆▇]' | wc -l)
	[ "$n" -ge 5 ] || fail "$w's lane shows too little running ($n partial cells): '$lane'"
done
echo "ok - lanes of workers that run 1 ms in 11 show partial blocks"
"${T[@]}" resize-window -t "$PANE" -x 200 -y 60
wait_for "▃part"
type_line help
for i in 1 2 3 4 5; do   # the timeline's part of help: page down to it
	cap | grep -qF "ran part of that moment" && break
	key NPage
	sleep 0.3
done
wait_for "ran part of that moment"
key Escape
wait_gone "ran part of that moment"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "ok - the legend and help explain the partial block"
