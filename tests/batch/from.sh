#!/bin/bash
# Questions from runs (tests/lessons/good/from.lua): each is judged by what
# the run before it printed (a number, a choice, a text), its answer
# function's note beside the answer; a failing function is shown with its
# file:line and one that cannot tell says so, neither judged; run.tasks
# describes every task of a command run (names, pids, first and last output).
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dump=""
has() { [[ "${out//$'\n'/ }" == *"${1//$'\n'/ }"* ]] || { bad "$2: want '$1'"; dump=$out; }; }
lesson="$src/tests/lessons/good/from.lua"

out=$(printf '%s\n' 21 1 W0 3 4 | "$parlab" --batch --state off "$lesson" 2>&1); rc=$?
[ $rc -eq 0 ] || bad "exit $rc, want 0"
has "--- question 1 (from your run) ---" "a question from a run says so"
has "answer> 21"$'\n'"Right: 21 (your workers printed total 21)" "number judged by the run, its note beside"
has "10 by one worker and 11 by the other." "explanation"
has "answer> 1"$'\n'"Right: 1) yes" "choice judged by the run"
has "answer> W0"$'\n'"Right: w0" "text judged by the run"
line=$(grep -n 'error("no total on purpose")' "$lesson" | cut -d: -f1)
has "The lesson could not work out the answer: $lesson:$line: no total on purpose" "a failing answer function"
has "Your run \"Counted\" cannot answer this question: it needs two runs. Run it again, then answer." "nil: cannot tell"
has "=== end of From your runs: 3 of 3 questions answered right (2 more not answered or not judged) ===" "score: the two that cannot be judged said apart"
# The command's tree: sh and its sleep child, the runner; sh printed both lines.
has "sh printed \"first\" first and \"last\" last" "run.tasks: first and last output of the task that printed"
names=$(sed -n 's/.*tasks: \([0-9]*\) (\([^)]*\)).*/\2/p' <<<"${out//$'\n'/ }")
[[ " $names " == *" sh "* && " $names " == *" sleep "* ]] || bad "run.tasks names every task of the tree: '$names'"
[[ "$out" == *"cpu known ms"* ]] || bad "run.tasks: cpu_ms of the task"

out=$(printf '%s\n' 20 2 w1 - - | "$parlab" --batch --state off "$lesson" 2>&1)
has "answer> 20"$'\n'"Not quite. The answer is 21 (your workers printed total 21)" "a wrong number"
has "answer> 2"$'\n'"Not quite. The answer is 1) yes" "a wrong choice"
has "=== end of From your runs: 0 of 3 questions answered right (2 more not answered or not judged) ===" "score of wrong answers"
[ -z "$dump" ] || printf -- '--- transcript ---\n%s\n' "$dump"
exit $fail
