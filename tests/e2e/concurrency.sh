#!/usr/bin/env bash
# The second course in the real TUI (tmux, 80x24): lesson 3 of
# lessons/concurrency ("A race, and two fixes"). The question from the racy
# run, reached before that run, says to run it first and judges nothing; a
# prediction is kept; the run judges it and its note quotes the student's
# counter; the text written from the run quotes it too; the question from
# the run is then judged right by the count of lost additions read off the
# screen. Then `parlab lessons/concurrency` opens the course at lesson 1.
#
#   tests/e2e/concurrency.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init concurrency "$@"
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}

# The lesson pane (the left 44 columns) from the top of the screen and a
# few pages below it, as one line of words (the pane wraps sentences).
pages() {
	local text i
	for ((i = 0; i < 6; i++)); do key PPage; done
	sleep 0.3
	text=$(cap)
	for ((i = 0; i < 8; i++)); do key NPage; sleep 0.3; text+=$'\n'$(cap); done
	printf '%s\n' "$text" | LC_ALL=C.UTF-8 sed -E 's/^(.{44}).*/\1/' | tr -s ' \n' '  '
}

start_parlab "$SRC/lessons/concurrency/03-race.lua"
wait_for "Four workers, one counter"
type_line next
wait_for "add_racy 1000 times"
type_line 2
wait_for "Your prediction: 2) Less than 4000"
type_line next                       # the run, not run
type_line next                       # the text written from it
wait_for "Run \"Racy counter\" above"
type_line next                       # the question from it
wait_for "How many additions were lost"
wait_for "it has not happened yet"
type_line 5
wait_for "then run), then answer."
cap | grep -qF "Not quite" && fail "a question from a run not yet run was judged"
echo "ok - a question from a run not yet run says to run it first"

type_line back
type_line back
wait_for "Type run to start it"
type_line run
wait_for "Observed:" 30
text=$(pages)
grep -qF "You predicted: 2) Less than 4000" <<<"$text" || fail "the prediction is not shown beside the observation"
grep -qE "Your counter ended at [0-9]+ of 4000: [0-9]+ additions were lost|no addition was lost this time" <<<"$text" || fail "the run's note does not quote the counter"
echo "ok - the run judged the prediction; its note quotes the counter"

type_line next
wait_for "Your racy counter ended at"
counter=$(cap | sed -n 's/.*Your racy counter ended at \([0-9]*\);.*/\1/p' | head -1)
[[ "$counter" =~ ^[0-9]+$ ]] || fail "no counter in the text written from the run"
type_line next
wait_for "How many additions were lost"
type_line "$((4000 - counter))"
wait_for "Right: $((4000 - counter)) (your counter"
echo "ok - the question from the run judged by the student's counter ($counter)"
type_line quit
wait_for "PARLAB-EXITED 0"

start_parlab "$SRC/lessons/concurrency"
wait_for "Computing or waiting?"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "PASS"
