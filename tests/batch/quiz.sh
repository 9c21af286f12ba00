#!/bin/bash
# Question types in batch: every type of tests/lessons/good/quiz_types.lua
# answered right, then wrong, then with input of no answer's shape; the
# prompt says what to type, the feedback gives the right answer and the
# explanation.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# Lines wrap at 80 columns at a space: matched with every line break a space.
has() { [[ "${out//$'\n'/ }" == *"${1//$'\n'/ }"* ]] || bad "$2: want '$1' in:"$'\n'"$out"; }
lesson="$src/tests/lessons/good/quiz_types.lua"

out=$(printf '%s\n' 2 "3, 1" " DASK. " "~2 CPUs" "1 2 3" "Ray" "2 3 1" | "$parlab" --batch "$lesson")
has "(type the numbers of every right choice, e.g. 1 3)" "multi prompt"
has "(type a number)" "number prompt"
has "(type the items' numbers in order, e.g. 2 3 1)" "order prompt"
has "Right: 2) three" "choice right"
has "Right: 1) processes, 3) threads" "multi right, any order"
has "Right: Dask"$'\n'"Dask splits data frames into partitions." "text right, case and punctuation aside"
has "Right: 2 (±0.5)" "number right, text around it"
has "Right: 1, 2, 3: fork, run, exit" "order right"
has "answer> Ray"$'\n'"Right: \"Ray\"" "pattern right: said back as typed"
has "Right: 2, 3, 1: cache, memory, disk" "order right (2)"
has "7 of 7 questions answered right" "score all right"

out=$(printf '%s\n' 1 1 "dask distributed" 2.6 "2 1 3" pyspark "1 2 3" | "$parlab" --batch "$lesson")
has "answer> 1"$'\n'"Not quite. The answer is 2) three" "choice wrong"
has "answer> 1"$'\n'"Not quite. The answer is 1) processes, 3) threads" "multi subset wrong"
has "Not quite. Accepted answers: Dask / dask.distributed"$'\n'"Dask splits" "text wrong, with every accepted form"
has "Not quite. The answer is 2 (±0.5)" "number out of tolerance"
has "Not quite. The answer is 1, 2, 3: fork, run, exit" "order wrong permutation"
has "Not quite. Accepted answers: a text matching the pattern ^ray / a text matching the pattern ^spark\$" "pattern wrong"
has "Two threads, two CPUs." "explanation after a wrong answer"
has "0 of 7 questions answered right" "score none right"

out=$(printf '%s\n' 9 "1 9" "" two "1 2" | "$parlab" --batch "$lesson")
has "\"9\" is not one of the choices (1-3). The answer is 2) three" "choice out of range"
has "\"1 9\" is no answer here (type the numbers of every right choice, e.g. 1 3). The answer is 1) processes, 3) threads" "multi out of range"
has "answer> (no answer: skipped)"$'\n'"Accepted answers: Dask / dask.distributed" "an empty line skips: every accepted form"
has "\"two\" is no answer here (type a number). The answer is 2 (±0.5)" "no number"
has "\"1 2\" is no answer here (type every item's number once, in the right order)" "order incomplete"
has "(no answer: skipped)"$'\n'"Accepted answers: a text matching the pattern ^ray" "EOF skips"
# A 5000-character line is one answer (cut), not several.
long=$(head -c 5000 /dev/zero | tr '\0' x)
out=$(printf '%s\n' 2 "$long" 3 | "$parlab" --batch "$lesson")
has "answer> 3"$'\n'"Not quite. Accepted answers: Dask" "a very long line is one answer"
# ${ncpu} in a hint is this machine's CPU count.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%s\n' 'return lesson { title = "Hints", quiz { q = "CPUs?", type = "number", answer = 1, hints = { "You have ${ncpu} CPUs." } } }' >"$tmp/h.lua"
out=$(printf '%s\n' hint 1 | "$parlab" --batch "$tmp/h.lua")
has "Hint: You have $(nproc) CPUs." "\${ncpu} in a hint"
exit $fail
