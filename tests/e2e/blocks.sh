#!/usr/bin/env bash
# A deadlock in the TUI (tmux, 200x60): a two-worker lock cycle that the
# step expects is stopped at once and said so; stats then lists the run's
# blocks and the deadlock.
#
#   tests/e2e/blocks.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init blocks "$@"

start_parlab "$HERE/../lessons/good/deadlock.lua"
"${T[@]}" resize-window -t "$PANE" -x 200 -y 60
type_line run
wait_for "deadlock, as this step expects" 15
echo "ok - a deadlock the step expects is stopped and said"
type_line stats
wait_for "Run statistics"
for i in 1 2 3 4 5 6; do   # the blocks come last: page down to them
	cap | grep -qF "Blocks (at the run's end)" && cap | grep -qF "L1 (lock): 1 acquisition," && break
	key NPage
	sleep 0.3
done
wait_for "Blocks (at the run's end)"
wait_for "L0 (lock): 1 acquisition, "
wait_for "w0 holds L0 and waits for L1"
echo "ok - stats lists the blocks and the deadlock"
key Escape
wait_gone "Blocks (at the run's end)"
type_line quit
wait_for "PARLAB-EXITED 0"
