#!/usr/bin/env bash
# Hostile terminal: a storm of 150 resizes (tmux resize-window in a tight
# loop, sizes from 20x5 to 200x60) during a live run of a command with three
# busy children. parlab keeps running, the run goes on and finishes when
# told, and the final screen fits the final size (123x37) and is what a
# fresh layout draws (the same after one more resize away and back), the
# run's end on it. Then quit: tty modes and pane state restored, nothing
# left, the answer still in the progress database. As root, again as nobody.
#
#   tests/hostile/tty_storm.sh BUILD/parlab
set -uo pipefail
. "$(dirname "$0")/tty_lib.bash"
tt_init tty_storm "${1:?usage: tty_storm.sh PATH/TO/parlab}"

tt_fresh
tt_start 100 30
tt_answer
tt_run 4 "w3 at"
RANDOM=42
for ((i = 0; i < 150; i++)); do
	"${T[@]}" resize-window -t "$PANE" -x $((20 + RANDOM % 181)) -y $((5 + RANDOM % 56))
done
kill -0 "$TT_PID" 2>/dev/null || fail "parlab died in the resize storm"
"${T[@]}" resize-window -t "$PANE" -x 123 -y 37
tt_nozombie "after the storm"
wait_for "live" 10
touch "$H_TMP/stop"
wait_for "finished: exit 0" 30
wait_for "all stopped" 10
sleep 1
cap >"$H_WORK/final"
[ "$(wc -l <"$H_WORK/final")" = 37 ] || bad "the final screen has $(wc -l <"$H_WORK/final") rows, not 37"
/usr/bin/python3 -c '
import sys
for n, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if len(l.rstrip("\n")) > 123: sys.exit("row %d is %d columns wide" % (n, len(l.rstrip("\n"))))
' "$H_WORK/final" || bad "the final screen is wider than 123 columns"
grep -q "step 4/4" "$H_WORK/final" || bad "the header does not say step 4/4"
tail -1 "$H_WORK/final" | grep -q "^parlab>" || bad "the last row is not the prompt"
"${T[@]}" resize-window -t "$PANE" -x 122 -y 37
sleep 0.5
"${T[@]}" resize-window -t "$PANE" -x 123 -y 37
sleep 1
cap >"$H_WORK/fresh"
diff "$H_WORK/final" "$H_WORK/fresh" >"$H_WORK/diff" ||
	bad "the screen after the storm differs from a fresh layout at 123x37: $(head -20 "$H_WORK/diff")"
type_line quit
tt_exited 0 "after the storm"
hostile_clean "after the storm"
tt_progress "after the storm"
echo "ok - 150 resizes during a live run: it finished, the final screen fits 123x37 as a fresh layout does"

hostile_as_nobody "$0" "$BIN"
hostile_done
