#!/bin/bash
# Predict-then-observe in batch: answers from a file (--answers, with a
# comment and a "-" skip), predictions kept before the runs and judged
# after them by tests/lessons/good/predict.lua's observe functions, against
# what the real workers did; a must_answer lesson stops a transcript that
# has no answer; a missing answers file is a clear error.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dump=""
# Lines wrap at 80 columns at a space: matched with every line break a space.
has() { [[ "${out//$'\n'/ }" == *"${1//$'\n'/ }"* ]] || { bad "$2: want '$1'"; dump=$out; }; }
hasnt() { [[ "$out" != *"$1"* ]] || { bad "$2: did not want '$1'"; dump=$out; }; }
lesson="$src/tests/lessons/good/predict.lua"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/answers" <<'A'
# predictions for tests/lessons/good/predict.lua
hint
 HINT
2
hint
no
1 3
99
yes
HELLO from two.
5
0
A
out=$("$parlab" --batch --state off --answers "$tmp/answers" "$lesson" 2>&1)
has "--- question 1 (predict, then observe) ---" "a predict question says so"
has "answer> hint"$'\n'"Hint: Look at which workers have a print at all."$'\n'"answer>  HINT"$'\n'"No more hints."$'\n'"answer> 2"$'\n'"Prediction kept: the run \"Speakers\" will judge it." "prediction kept"
has "You predicted: 2"$'\n'"Observed: 2 (lines in the order 2)"$'\n'"Right: your machine did what you predicted." "first printer judged right"
has "Only worker 2 prints." "explanation after the verdict"
has "answer> hint"$'\n'"This question has no hints."$'\n'"answer> no" "hint where there is none, then the answer"
has "You predicted: 2) no"$'\n'"Observed: 2) no (worker 3 was killed by signal 11)"$'\n'"Right:" "exit statuses observed"
has "You predicted: 1 3"$'\n'"Observed: 3) worker 2"$'\n'"Not quite: your machine did otherwise." "multi judged wrong"
has "You predicted: 99"$'\n'"Observed: " "max running observed"
most=$(grep -A1 "^You predicted: 99$" <<<"$out" | sed -n 's/^Observed: \([0-9]*\) (on \([0-9]*\) CPUs)$/\1/p')
cpus=$(nproc); cap=$(( cpus < 4 ? cpus : 4 ))
[[ "$most" =~ ^[0-9]+$ ]] && [ "$most" -ge 1 ] && [ "$most" -le "$cap" ] || bad "at most $cap workers can run at once, observed '$most'"
has "You predicted: 1) yes"$'\n'"Observed: run it twice to compare"$'\n'"Not judged yet: run it again." "judged only by a second run"
has "You predicted: HELLO from two."$'\n'"Observed: hello from two"$'\n'"Right:" "text prediction, case aside"
has "The lesson could not judge it: " "observe error said"
line=$(grep -n 'error("observe failed on purpose")' "$lesson" | cut -d: -f1)
has "predict.lua:$line: observe failed on purpose" "observe error names the lesson line"
has "observe returned a list that is no answer to this number question" "observe of the wrong shape"
has "=== end of Predictions: 3 of 5 questions answered right (3 more not answered or not judged) ===" "score counts verdicts, as the TUI does"

# A must_answer lesson: a skipped answer ("-") stops it; nothing runs.
printf '%s\n' '# skip the first' - >"$tmp/skip"
out=$("$parlab" --batch --state off --answers "$tmp/skip" "$lesson" 2>&1); rc=$?
[ $rc -eq 1 ] || bad "must_answer without answers: exit $rc, want 1"
has "parlab: stopped: lesson 1 does not let you skip its questions, and question 1 (" "must_answer stop"
has "predict.lua:$(grep -n '^  quiz {' "$lesson" | head -1 | cut -d: -f1)) has no answer yet. Give answers on stdin or with --answers FILE." "the stop names the question's line"
hasnt "--- run:" "nothing ran after the stop"

out=$("$parlab" --batch --answers /no/such/answers "$lesson" 2>&1); rc=$?
[ $rc -eq 1 ] || bad "missing answers file: exit $rc, want 1"
has "parlab: --answers /no/such/answers: No such file or directory" "missing answers file"
[ -z "$dump" ] || printf -- '--- transcript ---\n%s\n' "$dump"
exit $fail
