#!/usr/bin/env bash
# Hostile terminal: a 20x5 terminal. parlab started in it says it is too
# small and still quits on q and on quit; a live run of busy workers goes on
# while the terminal shrinks to 20x5 mid-run and grows back, and the lesson
# and the run are drawn again. Each time: the tty modes and the pane's state
# restored, no zombie while parlab runs, nothing of the run left, the answer
# given first still in the progress database. As root, again as nobody.
#
#   tests/hostile/tty_small.sh BUILD/parlab
set -uo pipefail
. "$(dirname "$0")/tty_lib.bash"
tt_init tty_small "${1:?usage: tty_small.sh PATH/TO/parlab}"

for how in q quit; do
	tt_start 20 5
	wait_for "too small" 10
	tt_nozombie "20x5 at start"
	type_line "$how"
	tt_exited 0 "20x5, $how"
	hostile_clean "20x5, $how"
	echo "ok - started at 20x5: says it is too small, $how quits, terminal restored"
done

tt_start 80 24
tt_answer
tt_run 2 "busy 1 up"
workers=$(cap | grep -oE '\bw[01] [0-9]+' | awk '{print $2}' | sort -u)
[ "$(wc -w <<<"$workers")" = 2 ] || fail "the two workers' lanes are not on the screen"
"${T[@]}" resize-window -t "$PANE" -x 20 -y 5
wait_for "too small" 10
expect "20x5"
tt_nozombie "shrunk to 20x5 mid-run"
for w in $workers; do kill -0 "$w" 2>/dev/null || bad "worker $w died at 20x5"; done
cap | awk 'length > 20 { exit 1 }' || bad "a line wider than 20 columns at 20x5"
sleep 1
"${T[@]}" resize-window -t "$PANE" -x 80 -y 24
wait_gone "too small" 10
wait_for "Busy workers" 10
expect "live"
expect "step 2/4"
expect "parlab>"
kill -0 "$TT_PID" 2>/dev/null || fail "parlab died across the resizes"
type_line stop
wait_for "stopped" 15
tt_gone 2 "stop after 20x5 and back"
type_line quit
tt_exited 0 "resized to 20x5 and back mid-run"
hostile_clean "resized to 20x5 and back mid-run"
tt_progress "resized to 20x5 and back mid-run"
echo "ok - a run goes on at 20x5 and is drawn again at 80x24; stop, quit, terminal restored"

hostile_as_nobody "$0" "$BIN"
hostile_done
