#!/usr/bin/env bash
# Predict-then-observe and must_answer in the real TUI (tmux, 80x24), with
# tests/lessons/good/predict.lua: next is refused at an open question; the
# predictions are kept and shown; quitting before the run and starting
# again lands on the run with the predictions kept; run judges them below
# the run box by what the workers did.
#
#   tests/e2e/predict.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init predict "$@"
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}
cp "$SRC/tests/lessons/good/predict.lua" "$WORK/"

start() { start_parlab "$WORK/predict.lua"; }

start
wait_for "step 1/10"
wait_for "Predict, then observe: the run \"Speakers\""
type_line next
wait_for "This lesson asks you to answer its questions"
cap | grep -qF "step 1/10" || fail "next went past an open question of a must_answer lesson"
key Enter   # Enter alone: not an answer, nor a way past the question
wait_for "Type your answer and Enter"
cap | grep -qF "step 1/10" || fail "Enter alone left an open question"
type_line hint
wait_for "Hint: Look at which workers have a print"
cap | grep -qF "Predict, then observe" || fail "the hint hid the question"
type_line hint
wait_for "No more hints."
type_line two
wait_for "no answer here"
type_line 2
wait_for "Your prediction: 2. Type next, then run"
type_line next
wait_for "step 2/10"
type_line back
wait_for "step 1/10"
type_line next
wait_for "step 2/10"
for a in no "3" 99 yes "Hello from two!"; do
	type_line "$a"
	wait_for "Your prediction: "
	type_line next
done
wait_for "step 7/10"
cap | grep -qF "predict this run first" && fail "every prediction was made, yet the run box asks for one"
echo "ok - predictions kept; next refused at an open question"

# Quit before the run: the predictions are saved; coming back lands on the
# run, and the run judges them.
type_line quit
wait_for "PARLAB-EXITED 0"
start
wait_for "Welcome back: resuming at lesson 1, step 7 (type lessons"
cap | grep -qF "predict this run first" && fail "the saved predictions were not restored"
echo "ok - predictions are saved: resume at the run"

type_line run
wait_for "Observed:" 20
wait_for "Your prediction"
# The lesson pane shows the first verdict; read on to the others.
cap | grep -qF "You predicted: 2" || fail "the first prediction is not shown beside the observation"
cap | grep -qE "Observed: +2 \(lines in the order 2\)" || fail "the first printer was not observed"
text=$(cap)
for _ in 1 2 3 4 5 6; do key NPage; sleep 0.3; text+=$'\n'$(cap); done
for want in "Right: your machine did what you" "Not quite: your machine did" "Observed:      2) no" \
	"run it twice to compare" "Only worker 2 prints."; do
	grep -qF -- "$want" <<<"$text" || fail "after the run, no \"$want\" in the lesson pane"
done
wait_for "score 4/5"
echo "ok - the run judged the predictions"

type_line quit
wait_for "PARLAB-EXITED 0"
start
wait_for "Welcome back: resuming at lesson 1, step 7 (type lessons"
echo "ok - after the verdicts, resume at the run again"

# A question the database knows nothing of (a lesson grew one; progress
# from elsewhere) before the saved position: resume lands on it.
type_line quit
wait_for "PARLAB-EXITED 0"
python3 - "$WORK/state/progress.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM predictions WHERE step = 3")
db.execute("DELETE FROM answers WHERE step = 3")
db.commit()
PY
start
wait_for "Welcome back: resuming at lesson 1, step 4: answer this question first"
wait_for "step 4/10"
echo "ok - resume lands on an open question before the saved position"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "PASS"
