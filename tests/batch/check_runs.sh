#!/bin/bash
# parlab check --runs N: every run step N times, no transcript. A lesson
# that behaves the same each time is "stable" (exit 0); one whose observed
# answer changes between runs, whose observe or note fails, or whose run
# fails when its step does not expect it, is reported (exit 1) at the
# question's or run's file:line. A run that times out as its step expects,
# and the runs after a must_answer lesson's questions, are no problem.
set -u
parlab=$(realpath "$1")
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cwd=$(mktemp -d "${TMPDIR:-/tmp}/check-runs-test.XXXXXX")
trap 'rm -rf "$cwd"' EXIT
cd "$cwd" || exit 1

"$parlab" new stable.lua >/dev/null || bad "new"
out=$(timeout 300 "$parlab" check --runs 3 stable.lua 2>&1); rc=$?
[ $rc -eq 0 ] || bad "a stable lesson: exit $rc: $out"
[[ "$out" == *"stable: 3 runs (1 run step x 3), 1 predict question observed the same each time"* ]] || bad "stable said: $out"
[[ "$out" != *"---"* && "$out" != *"answer>"* ]] || bad "check --runs printed a transcript: $out"

cat >unstable.lua <<'L'
local calls = 0
return lesson {
  title = "Unstable",
  must_answer = true,
  quiz {
    type = "number",
    q = "Which call of observe is this?",
    predict = "Counted",
    observe = function(run) calls = calls + 1; return calls end,
  },
  quiz {
    q = "Same each time?",
    choices = { "yes", "no" },
    predict = "Counted",
    observe = function(run) return 1 end,
  },
  run { title = "Counted", processes = 2, worker = function(w) print(w.id) end },
  run {
    title = "Crashes",
    processes = 2,
    worker = function(w) if w.id == 1 then error("worker 1 fails on purpose") end end,
    note = function(run) return nil + 1 end,
  },
  run { title = "Forever", processes = 1, timeout = 1, expect = "timeout", worker = function(w) while true do busy(10) end end },
}
L
"$parlab" check unstable.lua >/dev/null 2>&1 || bad "unstable.lua does not pass check: $("$parlab" check unstable.lua 2>&1)"
out=$(timeout 300 "$parlab" check --runs 2 unstable.lua 2>&1); rc=$?
[ $rc -eq 1 ] || bad "an unstable lesson: exit $rc, want 1: $out"
[[ "$out" == *"lesson 1, question 1 (unstable.lua:5): observed 1 in 1 run, 2 in 1 run"* ]] || bad "the changing observation: $out"
[[ "$out" != *"question 2 ("* ]] || bad "a stable question was reported: $out"
[[ "$out" == *'lesson 1, run "Crashes" (unstable.lua:18): failed in 2 of 2 runs:'*"w1 exit 1"*"in 2 runs"* ]] || bad "the failing run: $out"
[[ "$out" == *'lesson 1, run "Crashes" (unstable.lua:18): the note failed in 2 of 2 runs: '*"unstable.lua:22: attempt to perform arithmetic"*"in 2 runs"* ]] || bad "the note's error: $out"
[[ "$out" != *"Forever"* ]] || bad "an expected timeout was reported: $out"
[[ "$out" == *"not stable: 3 problems in 6 runs"* ]] || bad "the last line: $out"

out=$("$parlab" check --runs 2 nosuch.lua 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"nosuch.lua: no such course folder or lesson file"* ]] || bad "a missing path: exit $rc: $out"
for n in 0 x 1001 ""; do
	out=$("$parlab" check --runs "$n" stable.lua 2>&1); rc=$?
	[ $rc -eq 2 ] && [[ "$out" == *"--runs wants a number of runs from 1 to 1000"* ]] || bad "--runs '$n': exit $rc: $out"
done
out=$("$parlab" check --runs=1 stable.lua 2>&1) || bad "--runs=1: $out"

# Module 14's runs, its Dask and Python commands included, once each: all
# start and end as their steps expect (one pass: nothing can change).
# (Its run steps counted from its lesson files: "  run {" lines.)
nrun=$(cat "$src"/lessons/module14/*.lua | grep -cE '^\s*run ?\{')
out=$(timeout 600 "$parlab" check --runs 1 "$src/lessons/module14" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"stable: $nrun runs ($nrun run steps x 1)"* ]] || bad "Module 14 once: exit $rc: $out"
exit $fail
