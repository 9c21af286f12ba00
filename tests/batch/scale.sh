#!/bin/bash
# Scale: a run of 1024 threads and one of 512 processes (the limits) run to
# the end in batch: every worker's line is kept, the task table has a row
# for each worker, the capture lost no record; one more worker is refused
# at load with the limit.
set -u
parlab=$(realpath "$1")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/scale-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
for spec in "threads 1024" "processes 512"; do
	read -r kind n <<<"$spec"
	cat >"$work/$kind.lua" <<LUA
return lesson { title = "scale $kind", run { title = "many", $kind = $n, timeout = 300,
  worker = function(w) sleep(5); print("done " .. w.id) end } }
LUA
	out=$("$parlab" --batch "$work/$kind.lua" </dev/null 2>&1) || bad "$kind $n: exit $?"
	flat=$(tr -s ' \n' ' ' <<<"$out")
	[[ "$flat" == *"finished: all $n workers exited 0"* ]] || bad "$kind $n: not all exited 0: $(grep -m3 'run many' <<<"$out")"
	got=$(grep -oE 'done [0-9]+' <<<"$out" | sort -u | wc -l)
	[ "$got" -eq "$n" ] || bad "$kind $n: $got distinct worker lines, want $n"
	rows=$(grep -cE '^ +w[0-9]+ +[0-9]+ +[0-9]+ .*exit 0' <<<"$out")
	[ "$rows" -eq "$n" ] || bad "$kind $n: $rows task rows exit 0, want $n"
	if grep -q 'perf_event' <<<"$out"; then
		[[ "$flat" == *"(2 CPUs, 0 lost)"* || "$flat" =~ \([0-9]+\ CPUs,\ 0\ lost\) ]] || bad "$kind $n: records lost: $(grep -m1 capture: <<<"$out")"
	fi
	echo "ok - $kind $n: $got lines, $rows rows"
	# one more than the limit is refused at load, naming it
	sed -i "s/$kind = $n/$kind = $((n + 1))/" "$work/$kind.lua"
	out=$("$parlab" --batch "$work/$kind.lua" </dev/null 2>&1) && bad "$kind $((n + 1)) was not refused"
	[[ "$(tr -s ' \n' ' ' <<<"$out")" == *"'$kind' must be a whole number from 1 to $n"* ]] || bad "$kind $((n + 1)): $out"
done
exit $fail
