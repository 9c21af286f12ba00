#!/usr/bin/env bash
# A Python program stepped in the TUI (tmux, 80x24, then 200x60),
# tests/lessons/good/pystep_racy.lua: two processes each do v.value += 1.
# The run box lists the program's workers by their Python names as they
# appear (MainProcess, then Process-1 and Process-2 once started); the keys
# step them; Backspace undoes a step (the program starts over and replays
# the rest); a schedule that reads twice before either writes loses an
# update, and the program itself prints it once its joins are let go;
# keys pressed before the workers are at their steps wait for them; a
# stepped Python run has no timeout while it waits for the student (it had
# one: a program left waiting 30 s was killed); quit restores the terminal.
#
#   tests/e2e/pystep.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init pystep "$@"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
# shellcheck source=lib/stepper.bash
. "$(dirname "$0")/lib/stepper.bash"
LESSON=$HERE/../lessons/good/pystep_racy.lua

walk() {   # $1 $2: the terminal's size
	launch "$1" "$2" PARLAB_STATE="$WORK/state-$1" PARLAB_TRUST=1 TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 -- "$LESSON"
	wait_for "parlab>" 15
	type_line run
	wait_left "w0 MainProcess: start Process-1" 60   # Python's start-up, under load too
	sleep 3                        # longer than the run's timeout (2 s): a stepped run has none
	key 0 0 1                      # at once: the second start waits for Process-1's hello, w1's
	wait_left "You are the scheduler: 3 steps so far." 30   # step for its process to be there
	press BSpace 2                 # undo: the program starts over, two steps replayed
	wait_left "w1 Process-1: get v.value" 30
	key 1 2 1 2                    # both read 0, then w2 writes 1 over w1's 1: an update lost
	wait_left "You are the scheduler: 6 steps so far." 30
	wait_left "w0 MainProcess: join w1 (Process-1)"
	press 0 7
	press 0 8
	wait_left "w0 MainProcess: get v.value"
	key 0                          # its read of the value it prints: the program ends
	wait_for "final value 1" 60
	wait_left "finished" 60
	type_line quit
	wait_for "PARLAB-EXITED 0" 10
	cmp -s "$WORK/stty.before" "$WORK/stty.after" || fail "tty modes not restored"
	echo "ok - ${1}x$2: a Python program stepped by keys, undo, an update lost"
}
walk 80 24
walk 200 60
echo PASS
