#!/usr/bin/env bash
# Resume: the TUI keeps the position; quit at step 3, start again, and it
# says "Welcome back: resuming at lesson 1, step 3" and shows step 3. Then a
# question answered right, quit, start again: the question shows as settled
# (the engine's state, not a copy of the screen's), as it counts in scores.
#
#   tests/e2e/resume.sh BUILD/parlab
set -euo pipefail
# shellcheck source=lib/tmux.bash
. "$(dirname "$0")/lib/tmux.bash"
e2e_init resume "$@"

start() { start_parlab "$HERE/mini.lua"; }

start
wait_for "step 1/4"
cap | grep -qF "Welcome back" && fail "a first start must not say welcome back"
key Enter
wait_for "step 2/4"
key Enter
wait_for "step 3/4"
type_line "quit"
wait_for "PARLAB-EXITED 0"
echo "ok - quit at step 3"

start
wait_for "Welcome back: resuming at lesson 1, step 3"
wait_for "step 3/4"
echo "ok - resumed at step 3"
type_line "back"
wait_for "step 2/4"
type_line "quit"
wait_for "PARLAB-EXITED 0"

out=$(PARLAB_STATE="$WORK/state" "$BIN" progress)
[[ "$out" == *"at lesson 1, step 2"* && "$out" == *"3/4 steps"* ]] || { echo "FAIL: report: $out"; exit 1; }
echo "ok - the report has the position and the steps seen"

# A question settled in an earlier session shows as settled.
start
wait_for "step 2/4"
type_line "lessons 1"
key Enter; key Enter; key Enter
wait_for "step 4/4"
wait_for "1-3: answer"
type_line "1"
wait_for "Not quite: 1) is not it"
type_line "2"
wait_for "Right: 2) three"
wait_for "Three worker processes were forked"
expect "score 0/1"                             # asked once, not right at the first try
type_line "quit"
wait_for "PARLAB-EXITED 0"
start
wait_for "Welcome back: resuming at lesson 1, step 4"
wait_for "Answered right in an earlier session."
expect "The answer is 2) three"
expect "Three worker processes were forked"   # the explanation, as after answering
expect "score 0/1"                             # the same score as before quitting
expect_not "Not quite"
key Escape                                     # the welcome message gives way to the hints
wait_gone "Welcome back"
expect "back · lessons · quit"                  # the last step's hints
expect_not "1-3: answer"                       # nothing left to answer
type_line "quit"
wait_for "PARLAB-EXITED 0"
echo "ok - a question settled before quitting shows as settled after a resume"
