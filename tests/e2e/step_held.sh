#!/usr/bin/env bash
# Held at a step point, in the TUI (tmux; 80x24, 200x60, and 80x24 in the C
# locale), tests/lessons/good/step_held.lua: while a stepped run waits for
# the student, each worker's lane is drawn held (‖, ASCII h) and the legend
# names it; the status column of a waiting worker says so; after the run,
# `at` the instant of step 1 says w1 was held there and what it waited to
# do (the instant from the run saved with `save`); stats gives each worker's held time (at 200x60, where it fits); the
# free run of the same worker after it shows no held lane or legend.
#
#   tests/e2e/step_held.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init step-held "$@"
LESSON=$HERE/../lessons/good/step_held.lua
said() { cap | tail -5 | tr -s ' \n' '  '; }   # the status rows, wrapped, as one line
lane() { cap | grep -E "^.*[│|] +w$1 [0-9]+ " || true; }   # task lane N's row

free_box() { cap | sed -n '/Run: free threads/,/└/p'; }

walk() {   # $1 $2: the terminal's size, $3: the locale, $4: the held glyph there
	local g=$4 t1 i
	launch "$1" "$2" PARLAB_STATE="$WORK/state-$1-$3" TMPDIR="$WORK" LANG="$3" LC_ALL="$3" -- "$LESSON"
	wait_for "parlab>" 15
	type_line run
	wait_for "scheduler: 0 steps so far" 20
	sleep 0.5   # both wait at their first points: a stretch of held before step 1
	type_line "step w0"
	wait_for "Step 1: w0 read counter (now 0)."
	sleep 0.5
	type_line "step w1"
	wait_for "Step 2: w1 read counter (now 0)."
	wait_for "${g}held"   # the legend, while live
	lane 1 | grep -qF "$g" || fail "w1's lane shows no $g while it waits"
	lane 1 | grep -qE "$g (count|A)|held counter" || fail "w1's status column does not say held: $(lane 1)"
	type_line go
	wait_for "finished: all 2 workers exited 0" 20
	type_line "save $WORK/run-$1-$3.trace"   # step 1's instant: its mark's
	for ((i = 0; i < 50; i++)); do [ -s "$WORK/run-$1-$3.trace" ] && break; sleep 0.1; done
	t1=$(sed -n 's/^mark \([0-9]*\) -\{0,1\}[0-9]* "#1 .*/\1/p' "$WORK/run-$1-$3.trace")   # (task -1: made before its task was known)
	[ -n "$t1" ] || fail "no mark of step 1 in the saved trace"
	type_line "at $((t1 / 1000))us"
	wait_until said "w1: held at a step point, next: read counter"
	if [ "$1" -ge 200 ]; then
		type_line stats
		wait_for "Run statistics"
		key PgDn; key PgDn; key PgDn   # to its end (it stops there)
		wait_for "held: waiting at a step point until the schedule let it go"
		cap | grep -qE "w1 [0-9]+ +held [0-9.]+m?s" || fail "stats: no held time for w1"
		key Escape
		wait_gone "Run statistics"
	fi
	type_line next
	type_line next
	type_line run   # the free run
	wait_until free_box "finished: all 2 workers exited 0" 20   # its own box: the stepped run's says so too
	expect_not "${g}held"
	lane 1 | grep -qF "$g" && fail "the free run's w1 lane shows $g"
	type_line quit
	wait_for "PARLAB-EXITED 0" 10
	echo "ok - ${1}x$2 $3: held lanes, legend, status, at, stats; none in a free run"
}
walk 80 24 C.UTF-8 "‖"
walk 200 60 C.UTF-8 "‖"
walk 80 24 C h
echo PASS
