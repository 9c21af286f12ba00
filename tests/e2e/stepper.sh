#!/usr/bin/env bash
# A stepped run in the TUI (tmux, 80x24, then 200x60): the run box says you
# are the scheduler and lists each worker's next action; step w0, step 1,
# step (the next that can) let one action go each and say it; a worker id
# that is not there and a step that cannot be taken say why; schedule
# lists the steps; the lost update shows in the box ("write counter = 1
# (now 1)"); go runs the rest to the end; a schedule into a lock cycle
# ends as the deadlock the step expects; quit restores the terminal.
#
#   tests/e2e/stepper.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init stepper "$@"
# shellcheck source=lib/stepper.bash
. "$(dirname "$0")/lib/stepper.bash"
LESSON=$HERE/../lessons/good/stepper.lua

walk() {   # $1 $2: the terminal's size
	launch "$1" "$2" PARLAB_STATE="$WORK/state-$1" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$LESSON"
	wait_for "parlab>" 15
	type_line run
	wait_left "You are the scheduler: 0 steps so far." 20
	wait_left "w0 read counter (now 0)"
	wait_left "w1 read counter (now 0)"
	type_line "step w0"
	wait_for "Step 1: w0 read counter (now 0)."
	type_line "step 1"
	wait_for "Step 2: w1 read counter (now 0)."
	type_line "step w7"
	wait_for "there is no w7: this run has w0 to w1."
	type_line "step x"
	wait_for "step takes a worker, w0 to w1"
	type_line "step"                      # the next that can, after w1: w0
	wait_for "Step 3: w0 write counter = 1 (now 0)."
	wait_left "w1 write counter = 1 (now 1)"   # the update about to be lost
	type_line schedule
	wait_for "The schedule so far (3 steps): 0 1 0"
	type_line go
	wait_left "finished: all 2 workers exited 0" 20
	cap | grep -qF "mark: #8 write" || fail "the last step is not marked in the output"
	# the lock cycle: two steps, and nobody can go
	type_line next
	type_line next
	type_line run
	wait_left "w0 lock A" 20
	type_line "step w0"
	wait_for "Step 1: w0 lock A."
	type_line "step w1"
	wait_left "deadlock, as this step expects: w0 holds A and waits for B; w1 holds B and waits for A" 20
	# a step that cannot be taken: the barrier before its last arrival
	type_line next
	type_line run
	wait_left "w0 arrive at barrier X (0 of 3 there)" 20
	type_line "step w0"
	wait_for "Step 1: w0 arrive at barrier X"
	type_line "step w0"
	wait_for "w0 cannot go: barrier X waits for 2 more."
	type_line go
	wait_left "finished: all 3 workers exited 0" 20
	type_line quit
	wait_for "PARLAB-EXITED 0" 10
	cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "tty modes not restored"
	echo "ok - ${1}x$2: step, schedule, go, a refused step, a deadlock by schedule"
}
walk 80 24
walk 200 60
echo PASS
