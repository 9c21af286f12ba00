#!/usr/bin/env bash
# Hostile terminal: kill -9 of the TUI parlab mid-run (busy worker
# processes; a command with a child). parlab cannot restore the terminal
# then, and nothing here expects it to; what must hold: every process of
# the run gone within 2 s (the runner's guard: runner.kill9 holds it to 1 s), the run's scratch
# folder swept by the next parlab's start, and the answer given first still
# in the progress database. As root, again as nobody.
#
#   tests/hostile/tty_kill9.sh BUILD/parlab
set -uo pipefail
. "$(dirname "$0")/tty_lib.bash"
tt_init tty_kill9 "${1:?usage: tty_kill9.sh PATH/TO/parlab}"

case_kill9() {
	local step=$1 text=$2 what="kill -9 during \"$2\""
	tt_live "$step" "$text" "$what"
	kill -KILL "$TT_PID"
	wait_for "PARLAB-EXITED 137" 10
	TT_PID=0
	tt_gone 2 "$what"   # the guard takes well under 1 s (runner.kill9); this machine may be busy
	ls -d "$H_TMP"/parlab-run-* >/dev/null 2>&1 || bad "$what: no scratch folder left to sweep (the case tests nothing)"
	tt_progress "$what"
	# The next start sweeps the folder of the parlab that was killed.
	tt_start 80 24
	wait_for "step $step/4"   # resumed where the student was
	ls -d "$H_TMP"/parlab-run-* >/dev/null 2>&1 && bad "$what: the next parlab left the dead one's scratch folder: $(ls -d "$H_TMP"/parlab-run-*)"
	type_line quit
	tt_exited 0 "$what, the next start"
	hostile_clean "$what"
	tt_progress "$what, the next start"
	echo "ok - $what: nothing left within 2 s, the next start swept the scratch folder"
}

case_kill9 2 "busy 1 up"
case_kill9 3 "child"

hostile_as_nobody "$0" "$BIN"
hostile_done
