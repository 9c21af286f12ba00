#!/bin/bash
# A recorded schedule replays to the same run through the whole engine:
# tests/lessons/good/step_replay.lua is 100 stepped runs of two racy adds
# in threads, then 100 in processes, each given the same schedule line,
# one that loses both updates it can (0 1 0 1 1 0 0 1). Every one of the
# 200 runs says the same steps, ends at 2 with 2 updates lost, and its
# workers print the same now() values (a stepped run's now() is its step
# count: 0 before any step, 3 and 7 for w0, 4 and 8 for w1, however long
# busy() took). The lesson runs twice, the second time under two CPU hogs:
# the same again. (parlab: one invocation, 200 runs: a few seconds.)
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
lesson=$src/tests/lessons/good/step_replay.lua
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/step_replay.XXXXXX")
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

# What every run must say: its steps, its final value, the lines its
# workers printed (without the times parlab read them at).
cat >"$work/want" <<'WANT'
step 1: w0 read counter (now 0)
step 2: w1 read counter (now 0)
step 3: w0 write counter = 1 (now 0)
step 4: w1 write counter = 1 (now 1)
step 5: w1 read counter (now 1)
step 6: w0 read counter (now 1)
step 7: w0 write counter = 2 (now 1)
step 8: w1 write counter = 2 (now 2)
w0 | w0 now 0 3 7
w1 | w1 now 0 4 8
counter (shared): ended at 2; 2 updates lost
WANT

replay() {   # $1: what for
	yes '0 1 0 1 1 0 0 1' | head -200 | timeout 300 "$parlab" --batch --state off "$lesson" >"$work/out" 2>&1
	local rc=$?
	[ $rc = 0 ] || { bad "$1: exit $rc"; tail -5 "$work/out"; return; }
	# one file per run: its steps, its workers' lines, its blocks
	rm -f "$work"/run.*
	awk -v dir="$work" '
		/^--- run: / { n++; f = sprintf("%s/run.%03d", dir, n); printf "" > f; next }
		!n { next }
		/^step [0-9]+: / || /^    counter \(shared\)/ { sub(/^ +/, ""); print >> f; next }
		/^ +[0-9.]+[mu]?s +w[0-9] +\| / { sub(/^ +[0-9.]+[mu]?s +/, ""); gsub(/ +/, " "); print >> f }
	' "$work/out"
	local runs=0 same=0 r
	for r in "$work"/run.*; do
		runs=$((runs + 1))
		if cmp -s "$work/want" "$r"; then same=$((same + 1))
		elif [ "$runs" -eq "$((same + 1))" ]; then bad "$1: run $runs differs: $(diff "$work/want" "$r" | head -6 | tr '\n' ' ')"
		fi
	done
	[ $runs = 200 ] || bad "$1: $runs runs in the transcript, want 200"
	[ $same = 200 ] || bad "$1: $same of $runs runs as recorded"
	[ $same = 200 ] && echo "ok - $1: 100 replays in threads and 100 in processes, the same steps, final value and now() values"
}
replay quiet
for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
replay "two CPU hogs"
[ $fail -eq 0 ] && echo PASS
exit $fail
