#!/bin/bash
# Stepped runs (run{ stepper = true }) in batch: the schedule is one answer
# line of worker ids. Threads and processes: an interleaved schedule loses
# an update ("write counter = 1 (now 1)"), one after the other loses none;
# the same schedule gives the same steps and the same final value 20 times
# in a row; a lock cycle driven by the schedule ends as a deadlock in a
# free run's words; a step that cannot be taken and a word that is no
# worker stop the schedule and say why; check --runs lets stepped runs go.
# Under two CPU hogs too: a schedule, not the machine, decides.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
lesson=$src/tests/lessons/good/stepper.lua
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stepper.XXXXXX")
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

run() {   # $1: the answers (one schedule line per stepped run); output in $work/out, flattened in $work/flat
	printf '%b' "$1" | timeout 120 "$parlab" --batch --state off "$lesson" >"$work/out" 2>&1
	echo $? >"$work/rc"
	tr '\n' ' ' <"$work/out" | tr -s ' ' >"$work/flat"
}
has() { grep -qF -- "$1" "$work/flat" || bad "$2: no \"$1\""; }

check() {   # $1: quiet or under load
	run '0 1 0 1\n0 0 0 0\n0 1\n0 1 2 0 0 1 1\n'
	[ "$(cat "$work/rc")" = 0 ] || bad "$1: exit $(cat "$work/rc"), want 0"
	has "step 3: w0 write counter = 1 (now 0) step 4: w1 write counter = 1 (now 1)" "$1: the lost update, step by step"
	has "counter (shared): ended at 2; 2 updates lost" "$1: threads, interleaved"
	has "step 4: w0 write counter = 2 (now 1) after 4 steps, next: w0: done w1: read counter (now 2)" "$1: processes, one after the other"
	has "counter (shared): ended at 4; 0 updates lost" "$1: processes, one after the other"
	has "w0: lock B (held by w1) (cannot go now)" "$1: the lock cycle's next actions"
	has "deadlock, as this step expects: w0 holds A and waits for B; w1 holds B and waits for A" "$1: the lock cycle"
	has "step 3: w2 arrive at barrier X (2 of 3 there) step 4: w0 pass barrier X" "$1: the barrier"
	has "w1: take from q (0 of 1) (cannot go now)" "$1: the empty queue"
	has "w1 | took ab" "$1: the queue's values"
	echo "ok - $1: schedules drive threads and processes, a lost update, a deadlock, a barrier, a queue"
}
check quiet

# The same schedule, 20 times: the same steps, the same final value.
for i in $(seq 20); do
	run '0 1 1 0 0 1 0\n\n\n\n'
	grep -E '^(step|  w[0-9]:)|counter \(shared\)' "$work/out" >"$work/steps.$i"
	[ -s "$work/steps.$i" ] || { bad "replay $i: no steps"; break; }
	[ "$i" = 1 ] || cmp -s "$work/steps.1" "$work/steps.$i" || { bad "replay $i differs: $(diff "$work/steps.1" "$work/steps.$i" | head -5)"; break; }
done
grep -q 'counter (shared): ended at' "$work/steps.1" && echo "ok - 20 replays of a schedule: the same steps and final value"

# A step that cannot be taken, a word that is no worker.
run '\n\n0 0 1 1\n\n'
has "step 3: w1 cannot go: lock B is held by w0: the schedule stops there" "a refused step"
has "run lock cycle after" "a refused step"
run 'x 0\n'
has "schedule: 'x' is not a worker (w0 to w1): the schedule stops there" "a bad word"

# check --runs: nobody to schedule, every worker goes in turn.
out=$(timeout 120 "$parlab" check --runs 2 "$lesson" 2>&1) || bad "check --runs: $out"
grep -q "stable" <<<"$out" || bad "check --runs: not stable: $out"

for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
check "two CPU hogs"
[ $fail -eq 0 ] && echo PASS
exit $fail
