#!/usr/bin/env bash
# A level solved by keys in the TUI (tmux, 80x24, then 200x60): the run box
# shows the goal; the keys 0 and 1 step those workers, Backspace undoes the
# last step (the run starts over and replays the rest), and the schedule
# that loses an update reaches the goal in the goal's own words. schedule
# save / restart / schedule load replay it to the same end; undo N goes
# back N steps. A claim's search proves the lock keeps every update. A run
# that allows the stepper starts stepped with step.
#
#   tests/e2e/stepper_goal.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init stepper-goal "$@"
# shellcheck source=lib/stepper.bash
. "$(dirname "$0")/lib/stepper.bash"
LESSON=$HERE/../lessons/good/stepper_goal.lua

walk() {   # $1 $2: the terminal's size
	launch "$1" "$2" PARLAB_STATE="$WORK/state-$1" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$LESSON"
	wait_for "parlab>" 15
	type_line next
	type_line next
	type_line run
	wait_left "Goal: Make the counter end short of 4." 20
	wait_left "Not reached yet."
	press 0 1
	press 1 2
	press 0 3
	press BSpace 2                 # undo: the run starts over, two steps replayed
	wait_left "w0 write counter = 1 (now 0)"
	press 0 3
	press 1 4
	press 0 5
	press 1 6
	press 0 7
	key 1                          # the last step: the run ends, the goal reached
	wait_left "Reached at step 8: the counter ended at 2 of 4" 20
	wait_left "finished: all 2 workers exited 0" 20
	type_line "schedule save $WORK/lose.schedule"
	wait_for "Saved the schedule (8 steps)"
	grep -qx "0 1 0 1 0 1 0 1" "$WORK/lose.schedule" || fail "saved schedule: $(cat "$WORK/lose.schedule")"
	type_line restart
	wait_left "You are the scheduler: 0 steps so far." 20
	wait_left "Not reached yet."
	type_line "schedule load $WORK/lose.schedule"
	wait_left "Reached at step 8: the counter ended at 2 of 4" 20
	type_line "undo 5"
	wait_left "You are the scheduler: 3 steps so far." 20
	wait_left "Not reached yet."
	# the lock's claim, proved by the search; first, another step's live run
	type_line next
	type_line search
	wait_for "The run of another step is going (type stop to end it)."
	type_line back
	type_line stop
	wait_left "stopped by you" 20
	type_line next
	type_line run
	wait_left "Goal: No schedule loses an update." 20
	type_line search
	wait_left "Proved: every schedule (6) tried: none did what the claim says never happens." 60
	# stepper = "allow": run runs it freely; step starts it stepped
	type_line next
	type_line next
	wait_left "Type run to start it, or step to start it stepped: you are its scheduler." 20
	type_line step
	wait_for "The run starts stepped: you are its scheduler."
	wait_left "You are the scheduler: 0 steps so far." 20
	press 0 1
	type_line stop
	wait_left "stopped by you" 20
	type_line quit
	wait_for "PARLAB-EXITED 0" 10
	cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "tty modes not restored"
	echo "ok - ${1}x$2: a level solved by keys, undo, save, restart, load, undo N, a claim proved"
}
walk 80 24
walk 200 60
echo PASS
