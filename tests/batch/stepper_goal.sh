#!/bin/bash
# Goals of stepped runs in batch (tests/lessons/good/stepper_goal.lua): a
# schedule that reaches the goal says so with the goal's own words and the
# step; one that does not says "not reached"; "search" proves a lock's
# claim over every schedule (6) and breaks a wrong one, printing the
# schedule that breaks it; a deadlock is a goal. check --runs replays each
# solution and searches each claim: the wrong claim is its one failure.
# Levels solved count as questions answered and are kept in the progress.
# Quiet and under two CPU hogs: the schedule decides, not the machine.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
lesson=$src/tests/lessons/good/stepper_goal.lua
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stepper_goal.XXXXXX")
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

run() {   # $1: the answers (one schedule line per stepped run)
	printf '%b' "$1" | timeout 300 "$parlab" --batch --state off "$lesson" >"$work/out" 2>&1
	echo $? >"$work/rc"
	tr '\n' ' ' <"$work/out" | tr -s ' ' >"$work/flat"
}
has() { grep -qF -- "$1" "$work/flat" || bad "$2: no \"$1\" in: $(grep -F "$3" "$work/out" | head -3)"; }

check() {   # $1: quiet or under load
	run '\n\n0 1 0 1 0 1 0 1\nsearch\nsearch\n0 1\n'
	[ "$(cat "$work/rc")" = 0 ] || bad "$1: exit $(cat "$work/rc"), want 0"
	has "goal: Make the counter end short of 4." "$1: the goal said" "goal"
	has "goal reached at step 8: the counter ended at 2 of 4" "$1: the solution" "goal"
	has "Schedule 0 1 0 1 0 1 0 1: goal reached at step 8 (the counter ended at 2 of 4). 8 actions, the last w1 write counter = 2 (now 2)." "$1: the note reads run.schedule, run.actions, run.goal" "Schedule"
	has "Claim broken: true, proved: false." "$1: the note reads a claim's run.goal" "Claim"
	has "search: every schedule (6) tried: none did what the claim says never happens" "$1: the lock's claim" "search"
	has "goal: proved: no schedule does what the claim says never happens" "$1: the lock's claim" "goal"
	has "search: schedule 2 of the search did what the claim says never happens its schedule: 0 0 0 1 0 1 1 1" "$1: the wrong claim" "search"
	has "goal: a schedule did what the claim says never happens, at step 8: the counter ended at 3 of 4" "$1: the wrong claim" "goal"
	sed -n '/^--- run: allowed/,/^--- run: deadlock/p' "$work/out" >"$work/allowed"
	grep -q "run allowed after .*: finished" "$work/allowed" || bad "$1: stepper = \"allow\": the free run: $(head -5 "$work/allowed")"
	grep -q "schedule>\|^goal" "$work/allowed" && bad "$1: stepper = \"allow\" runs freely in batch: $(grep "schedule>\|^goal" "$work/allowed")"
	has "deadlock, as this step expects" "$1: the deadlock" "deadlock"
	has "goal reached at step 2" "$1: the deadlock" "goal"
	# schedules that do not reach it
	run '\n\n0 0 0 0 1 1 1 1\n\n\n\n'
	has "goal not reached (8 steps)" "$1: adds kept whole" "goal"
	has "Schedule 0 0 0 0 1 1 1 1: goal not reached at step nil (nil). 8 actions, the last w1 write counter = 4 (now 3)." "$1: the note of a goal not reached" "Schedule"
	has "goal: not proved: search every schedule (type search as the schedule)" "$1: no search" "goal"
	echo "ok - $1: goals reached and not, a claim proved and one broken, a deadlock"
}
check quiet

# Levels are kept as questions answered by a schedule: three solved here
# (a goal, a claim proved, a deadlock), the broken claim not; a second
# session sees them in the progress.
printf '\n\n0 1 0 1 0 1 0 1\nsearch\nsearch\n0 1\n' | timeout 300 "$parlab" --batch --state "$work/state" "$lesson" >"$work/out" 2>&1
grep -q "=== end of Goals: 3 of 3 questions answered right ===" "$work/out" || bad "levels scored: $(tail -1 "$work/out")"
out=$("$parlab" progress --state "$work/state" 2>&1)
grep -q "3/3 right" <<<"$out" || bad "levels kept in the progress: $out"
echo "ok - levels solved are kept in the progress"

out=$(timeout 300 "$parlab" check --runs 1 "$lesson" 2>&1)
grep -qF 'run "racy claim"' <<<"$out" && grep -qF "a schedule did what its claim says never happens" <<<"$out" ||
	bad "check --runs: the wrong claim not found: $out"
[ "$(grep -c 'failed in' <<<"$out")" = 1 ] || bad "check --runs: want one failure (the wrong claim): $out"
echo "ok - check --runs: solutions replayed, claims searched"

for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
check "two CPU hogs"
[ $fail -eq 0 ] && echo PASS
exit $fail
