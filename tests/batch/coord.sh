#!/bin/bash
# Workers that coordinate, in batch: tests/lessons/good/coord.lua's workers
# use every block (shared values, racy/atomic/locked increments, a lock, a
# semaphore, barriers, a condition, a queue of 2) in processes and then in
# threads, and worker 0 prints what the blocks ended with: exact atomic and
# locked counts, every job through the queue, never more than 2 inside the
# semaphore. tests/lessons/good/coord_errors.lua's workers each misuse a
# block: a Lua error with the worker's own file:line, in both kinds of run.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dump=""
has() { [[ "$out" == *"$1"* ]] || { bad "$2: want '$1'"; dump=$out; }; }
count() { local n; n=$(grep -cF -- "$1" <<<"$out"); [ "$n" -eq "$2" ] || { bad "$3: '$1' $n times, want $2"; dump=$out; }; }

out=$(timeout 300 "$parlab" --batch --state off "$src/tests/lessons/good/coord.lua" 2>&1); rc=$?
[ $rc -eq 0 ] || { bad "coord.lua: exit $rc, want 0"; dump=$out; }
has "--- run: Processes (4 processes) ---" "a process run"
has "--- run: Threads (4 threads) ---" "a thread run"
count "finished: all 4 workers exited 0" 2 "both runs finish"
count "w0       | atomic 2000 of 2000" 2 "atomic increments are exact (and each run starts from its own 0)"
count "w0       | locked 2000 and 2000 of 2000" 2 "locked increments are exact (with_lock and lock/unlock)"
count "none extra" 2 "a racy counter never gains"
count "w0       | queue sum 820 of 820, 40 taken" 2 "every job through the queue once"
count "w0       | hits 1 2 3 4" 2 "a shared list, one slot per worker"
count "w0       | at most 2 inside, go 1, a last arrival seen" 2 "the semaphore lets 2 in; the condition; the barrier's last arrival"
# The racy count, whatever it is, is printed as a whole number of at most 2000.
for v in $(sed -n 's/.*w0       | racy \([0-9]*\) of 2000.*/\1/p' <<<"$out"); do
	[ "$v" -ge 1 ] && [ "$v" -le 2000 ] || bad "racy count $v out of 1..2000"
done

out=$(timeout 300 "$parlab" --batch --state off "$src/tests/lessons/good/coord_errors.lua" 2>&1)
f="coord_errors.lua"
while IFS='|' read -r line msg; do
	count "$f:$line: $msg" 2 "a misuse in processes and in threads"
done <<'E'
4|no lock named 'C' in this run (locks: A, B)
5|unlock: w1 does not hold lock 'A' (nobody does)
6|put: 'jobs' holds values up to 256 bytes, not 300
7|get: 'hits' has values 1 to 4, not 9
8|lock: 'jobs' is a queue, not a lock
9|put: 'jobs' holds numbers, strings and booleans, not table
10|wait: 'A' is a lock, not a barrier or a condition
11|lock: w7 already holds lock 'B' (waiting for it would be waiting for itself)
12|notify: w8 does not hold lock 'A' (nobody does)
13|set: 'counter' holds numbers, not string
14|get: 'hits' is a list of 4 values: give an index from 1 to 4
15|no queue named 'nothing' in this run (queues: jobs)
16|no barrier or condition named 'nope' in this run (barriers: none; conditions: ready)
E
count "13 of 13 workers failed" 2 "every misusing worker failed"
count "made no mistake" 0 "no misuse went unnoticed"

[ -n "$dump" ] && printf '%s\n' "$dump" | head -80
[ $fail -eq 0 ] && echo "ok: every block in processes and threads; misuses at their lines"
exit $fail
