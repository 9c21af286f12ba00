#!/bin/bash
# Deadlocks (issue 11): a 2-process and a 3-thread lock cycle that expect
# it are stopped at once (well before their 20 s timeout), say who waits
# for what and exit 0; a run that expects a crash exits 0 too; a queue
# whose slow producer keeps its consumers waiting is no deadlock. The same
# cycle without expect, and a worker that ended holding a lock, fail (exit 1).
# Under two CPU hogs too.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
flat() { tr '\n' ' ' <<<"$1" | tr -s ' '; }
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

check() {   # $1: what (quiet, under load)
	local out rc f
	out=$("$parlab" --batch --state off "$src/tests/lessons/good/deadlock.lua" </dev/null 2>&1); rc=$?
	f=$(flat "$out")
	[ $rc -eq 0 ] || bad "$1: expected deadlocks and crash: exit $rc, want 0"
	[[ "$f" == *"deadlock, as this step expects: w0 holds L0 and waits for L1; w1 holds L1 and waits for L0; every task killed and reaped"* ]] ||
		bad "$1: the 2-worker cycle was not said"
	[[ "$f" == *"deadlock, as this step expects: w0 holds L0 and waits for L1; w1 holds L1 and waits for L2; w2 holds L2 and waits for L0; every task killed and reaped"* ]] ||
		bad "$1: the 3-worker cycle was not said"
	[[ "$f" == *"crashed (Segmentation fault), as this step expects: the run was stopped"* ]] || bad "$1: the expected crash"
	[[ "$f" == *"run Slow producer after "*": finished: all 3 workers exited 0"* ]] || bad "$1: the slow producer was taken for a deadlock"
	# observe's run table: wall time well under the timeout, the kind, the cycle
	local n=0
	while read -r wall end failed rest; do
		n=$((n + 1))
		[ "$failed" = false ] || bad "$1: run $n failed=$failed"
		case $n in
		1) [ "$end" = deadlock ] && [ "$wall" -lt 5000 ] && [[ "$rest" == "cycle=2 w0:L0>L1 w1:L1>L0" ]] ||
			bad "$1: run 1: $wall $end $rest" ;;
		2) [ "$end" = deadlock ] && [ "$wall" -lt 5000 ] && [[ "$rest" == "cycle=3 w0:L0>L1 w1:L1>L2 w2:L2>L0" ]] ||
			bad "$1: run 2: $wall $end $rest" ;;
		3) [ "$end" = finished ] && [ -z "$rest" ] || bad "$1: run 3: $end $rest" ;;
		4) [ "$end" = crashed ] || bad "$1: run 4: $end" ;;
		esac
	done < <(sed -n 's/^wall=\([0-9]*\) end=\([a-z_-]*\) failed=\([a-z]*\) *\(.*\)$/\1 \2 \3 \4/p' <<<"$out")
	[ $n -eq 4 ] || bad "$1: want 4 notes, got $n"
	out2=$("$parlab" --batch --state off "$src/tests/lessons/good/deadlock_unexpected.lua" </dev/null 2>&1); rc=$?
	f=$(flat "$out2")
	[ $rc -eq 1 ] || bad "$1: unexpected deadlock: exit $rc, want 1"
	[[ "$f" =~ "run Opposite order after "[0-9.]+(us|ms)": deadlock: w0 holds A and waits for B; w1 holds B and waits for A; every task killed and reaped" ]] ||
		bad "$1: the unexpected deadlock was not said (or took seconds)"
	[[ "$f" =~ "run Ended holding after "[0-9.]+(us|ms)": deadlock: w0 ended holding lock A; w1 waits for A; every task killed and reaped" ]] ||
		bad "$1: a worker that ended holding a lock"
	[ $fail -eq 0 ] || { echo "$out"; echo "$out2"; }
}

check quiet
for _ in 1 2; do ( while :; do :; done ) & hogs+=($!); done
check "two CPU hogs"
exit $fail
