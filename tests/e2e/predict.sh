#!/usr/bin/env bash
# Predict-then-observe and must_answer in the real TUI (tmux, 80x24), with
# tests/lessons/good/predict.lua: next is refused at an open question; the
# predictions are kept and shown; run judges them below the run box by what
# the workers did; quitting before the run and starting again lands on the
# first open question; after the verdicts, on the one a second run would
# judge.
#
#   tests/e2e/predict.sh BUILD/parlab
set -euo pipefail
BIN=${1:?usage: predict.sh PATH/TO/parlab}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${PARLAB_SRC:-$(cd "$HERE/../.." && pwd)}
command -v tmux >/dev/null || { echo "FAIL: tmux is needed for this test (apt-get install tmux)"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/predict-e2e.XXXXXX")
cp "$SRC/tests/lessons/good/predict.lua" "$WORK/"
SOCK=parlab-predict-$$
T=(tmux -L "$SOCK" -f /dev/null)
PANE=predict
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
cleanup() { "${T[@]}" kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

start() {
	"${T[@]}" kill-server >/dev/null 2>&1 || true
	sleep 0.2
	cat >"$WORK/run.sh" <<EOS
env PARLAB_STATE="$WORK/state" TMPDIR="$WORK" LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BIN" "$WORK/predict.lua"
echo "PARLAB-EXITED \$?"
exec sleep 3600
EOS
	"${T[@]}" new-session -d -s "$PANE" -x 80 -y 24 "sh $WORK/run.sh"
	wait_for "parlab>" 15
}

# Answers the six predictions on "Speakers" and moves to its run step.
predict_all() {
	local a
	for a in 2 no "3" 99 yes "Hello from two!"; do
		type_line "$a"
		wait_for "Your prediction: "
		type_line next
	done
	wait_for "step 7/10"
}

start
wait_for "step 1/10"
wait_for "Predict, then observe: the run \"Speakers\""
type_line next
wait_for "This lesson asks you to answer its questions"
cap | grep -qF "step 1/10" || fail "next went past an open question of a must_answer lesson"
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

# Quit before the run: the predictions were never judged, so nothing of
# them is saved, and the lesson sends the student back to its first one.
type_line quit
wait_for "PARLAB-EXITED 0"
start
wait_for "Welcome back: resuming at lesson 1, step 1: answer this question first"
wait_for "step 1/10"
echo "ok - resume lands on the open question"

predict_all
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
# Judged predictions are saved; the one that needs a second run is not.
wait_for "Welcome back: resuming at lesson 1, step 5: answer this question first"
echo "ok - judged predictions are saved: resume at the one still open"
type_line quit
wait_for "PARLAB-EXITED 0"
echo "PASS"
