#!/bin/bash
# Module 14's GIL lesson (lessons/module14/gil.lua) with the real Python:
# the same CPU-bound tasks on ThreadPoolExecutor(2) and
# ProcessPoolExecutor(2). The two pool threads never run at once for long
# (the GIL), and the one waiting sleeps (off the CPU, for the GIL) rather
# than waits for a CPU: the first prediction ("they take turns") is judged
# right on a quiet machine and under two CPU hogs alike. On a quiet machine
# with 2+ CPUs the processes overlap and take clearly less time; with other
# programs busy that prediction is not judged, never judged wrong.
set -u
parlab=$1
src=${PARLAB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }
hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

check() {
	local out flat rc
	out=$(printf '2\n2\n' | "$parlab" --batch --state off "$src/lessons/module14/gil.lua" 2>&1); rc=$?
	flat=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
	[ $rc -eq 0 ] || bad "$1: exit $rc"
	grep -qE "^threads: 4 tasks on 2 workers took [0-9.]+ s" <<<"$(sed -E 's/^ +[0-9.]+(us|ms|s) +[^|]*\| //' <<<"$out")" || bad "$1: the threads run printed no time"
	if [[ "$flat" =~ "Observed: not judged: 2 or more of its tasks were on CPUs at once for "[0-9]+" % of the run; the two pool threads ran "[0-9]+" ms and slept "[0-9]+" ms, waiting for the GIL; other programs may have kept them apart" ]]; then
		echo "note: $1: the threads' prediction not judged (a machine busy enough to keep the threads apart)"
	else
		[[ "$flat" =~ "Observed: 2) No: they take turns, one at a time (2 or more of its tasks were on CPUs at once for "([0-9]+)" % of the run; the two pool threads ran "([0-9]+)" ms and slept "([0-9]+)" ms, waiting for the GIL) Right" ]] ||
			bad "$1: the threads' turns were not observed and judged right"
		local o=${BASH_REMATCH[1]:-100} cpu=${BASH_REMATCH[2]:-0} slept=${BASH_REMATCH[3]:-0}
		[ "$o" -lt 10 ] && [ "$slept" -ge $((cpu / 2)) ] || bad "$1: overlap $o %, threads ran $cpu ms and slept $slept ms"
		judged=$((judged + 1))
	fi
	[[ "$flat" == *"Not quite: your machine did"*"ProcessPool"* ]] && bad "$1: a prediction judged wrong"
	if [[ "$flat" =~ "Observed: not judged: other programs used up to "[0-9]+" % of the CPUs during these runs" ]]; then
		echo "note: $1: the processes' prediction not judged (other programs were busy)"
	elif [ "$(nproc)" -ge 2 ]; then
		[[ "$flat" =~ "Observed: 2) Clearly less: the two processes run at the same time (threads "[0-9.]+" s, processes "[0-9.]+" s) Right" ]] ||
			bad "$1: on a quiet machine the processes did not take clearly less time"
	fi
	[[ "$flat" == *"# Side by side pool took 2+ on CPUs at once threads "* ]] || bad "$1: no side-by-side table"
	[ $fail -eq 0 ] || echo "$out"
}

judged=0
check quiet
for _ in 1 2; do ( while :; do :; done ) & hogs+=($!); done
check "two CPU hogs"
# Two CPU hogs beside the pool's two threads on 2 CPUs still leave them
# taking turns for the GIL: at least one of the two runs is judged.
[ $judged -ge 1 ] || bad "the threads' prediction was judged in neither run"
exit $fail
