#!/usr/bin/env bash
# Hostile terminal: SIGINT, SIGTERM and SIGHUP sent to the TUI parlab in the
# middle of a live run (busy worker processes; a command with a child).
# SIGINT stops the run, as documented ("stopped by you (Ctrl-C)"), parlab
# stays, and a second SIGINT quits with 130; SIGTERM and SIGHUP end parlab
# with 128+N. Each time: the run's processes gone within 2 s, no zombie
# while parlab runs, the tty modes and the pane's state restored, the answer
# given first still in the progress database. As root, again as nobody.
#
#   tests/hostile/tty_signals.sh BUILD/parlab
set -uo pipefail
. "$(dirname "$0")/tty_lib.bash"
tt_init tty_signals "${1:?usage: tty_signals.sh PATH/TO/parlab}"

# case STEP TEXT SIGNAL: the run of STEP live (TEXT in its output), then SIGNAL.
case_sig() {
	local step=$1 text=$2 sig=$3 what="SIG$3 during \"$2\""
	tt_live "$step" "$text" "$what"
	kill -"$sig" "$TT_PID"
	case $sig in
	INT)
		wait_for "stopped by you" 10
		tt_gone 2 "$what"
		kill -0 "$TT_PID" 2>/dev/null || bad "$what: parlab ended (it should stop the run only)"
		tt_nozombie "$what, after"
		expect "parlab>"
		kill -INT "$TT_PID"
		tt_exited 130 "$what, then SIGINT with no run"
		;;
	TERM) tt_exited 143 "$what" ;;
	HUP) tt_exited 129 "$what" ;;
	esac
	hostile_clean "$what"
	tt_progress "$what"
	echo "ok - $what: $([ "$sig" = INT ] && echo "the run stopped, a second SIGINT quit" || echo "parlab ended"), nothing left, terminal restored"
}

case_sig 2 "busy 1 up" INT
case_sig 3 "child" INT
case_sig 2 "busy 1 up" TERM
case_sig 3 "child" TERM
case_sig 2 "busy 1 up" HUP
case_sig 3 "child" HUP

hostile_as_nobody "$0" "$BIN"
hostile_done
