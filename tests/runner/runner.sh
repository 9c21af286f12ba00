#!/bin/bash
# Runner tests through the real binary: a crashing worker, hanging workers,
# floods and a Lua error. Each must end with a clear message, every task
# killed and reaped: no orphan, no zombie, no stray process left behind.
set -u
parlab=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Processes of ours still around: a parlab-runner or w<N> worker forked
# from a parlab running these lessons (their command line names them), or
# a zombie child of this script.
leftovers() {
	sleep 0.3
	ps -eo pid,ppid,stat,comm,args | awk -v me=$$ -v here="$here" '
	{ row[NR] = $0; args[$1] = $0 }
	END {
		for (i = 2; i <= NR; i++) {
			split(row[i], f, " ")   # pid ppid stat comm
			ours = index(row[i], here) || (f[3] ~ /^Z/ && index(args[f[2]], here))   # a zombie: by its parent
			if ((f[4] ~ /^(parlab-runner|w[0-9]+)$/ && ours) || (f[3] ~ /^Z/ && f[2] == me)) print row[i]
		}
	}' | grep -v awk || true
}

# A transcript with its wrapped lines joined (a break and its indent: a space).
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }

# The kinds of the end records of the traces saved in folder $1, in run order.
end_kinds() {
	for f in "$1"/*.trace; do awk '$1 == "end" { print $3 }' "$f"; done | paste -sd' '
}

start=$(date +%s)
timeout 60 "$parlab" --batch --save-trace "$tmp/crash" "$here/crash.lua" </dev/null >"$tmp/crash.out" 2>&1; rc=$?
[ $rc -eq 1 ] || bad "crash: exit $rc, want 1"
flat "$tmp/crash.out" | grep -q "w1 crashed (Segmentation fault): the run was stopped; every task killed and reaped" || bad "crash: no crash message"
grep -q "start 2" "$tmp/crash.out" || bad "crash: output lost"
[ $(( $(date +%s) - start )) -lt 15 ] || bad "crash: the run was not stopped at the crash"
[ "$(end_kinds "$tmp/crash")" = "crashed" ] || bad "crash: trace kinds '$(end_kinds "$tmp/crash")', want crashed"
l=$(leftovers); [ -z "$l" ] || bad "crash: left behind: $l"

# now() and the trace share their time 0: a worker's first now() is not
# before the earliest worker start the trace saw, nor after parlab read it.
out=$("$parlab" --batch --state off "$here/now.lua" </dev/null 2>&1)
read -r start now readat < <(tr '\n' ' ' <<<"$out" | grep -oE 'clock: start [0-9.]+ now [0-9.]+ read [0-9.]+' | awk '{print $3, $5, $7}')
awk -v s="${start:-x}" -v n="${now:-x}" -v r="${readat:-x}" 'BEGIN { exit !(s != "x" && n + 0.5 >= s && n <= r + 0.5) }' ||
	bad "now(): start ${start:-?} ms, now() ${now:-?} ms, read at ${readat:-?} ms: not one clock"

# A thread's crash takes its process down: the worker is named, the kind is crashed.
start=$(date +%s)
timeout 60 "$parlab" --batch --save-trace "$tmp/tcrash" "$here/crash_thread.lua" </dev/null >"$tmp/tcrash.out" 2>&1; rc=$?
[ $rc -eq 1 ] || bad "thread crash: exit $rc, want 1"
flat "$tmp/tcrash.out" | grep -q "w1 crashed (Segmentation fault), taking its process and every thread in it down: the run was stopped; every task killed and reaped" ||
	bad "thread crash: no crash message naming the worker"
flat "$tmp/tcrash.out" | grep -q "runner failed" && bad "thread crash: said the runner failed"
[ $(( $(date +%s) - start )) -lt 15 ] || bad "thread crash: the run was not stopped at the crash"
[ "$(end_kinds "$tmp/tcrash")" = "crashed" ] || bad "thread crash: trace kinds '$(end_kinds "$tmp/tcrash")', want crashed"
l=$(leftovers); [ -z "$l" ] || bad "thread crash: left behind: $l"

timeout 60 "$parlab" --batch --save-trace "$tmp/hang" "$here/hang.lua" </dev/null >"$tmp/hang.out" 2>&1; rc=$?
[ $rc -eq 1 ] || bad "hang: exit $rc, want 1"
[ "$(flat "$tmp/hang.out" | grep -o 'timed out after 1.0 s: every task killed and reaped' | wc -l)" -eq 2 ] || bad "hang: want two timeout messages"
grep -q "hanging 1" "$tmp/hang.out" && grep -q "sleeping 2" "$tmp/hang.out" || bad "hang: output lost"
[ "$(end_kinds "$tmp/hang")" = "timed_out timed_out" ] || bad "hang: trace kinds '$(end_kinds "$tmp/hang")', want timed_out twice"
l=$(leftovers); [ -z "$l" ] || bad "hang: left behind: $l"

timeout 120 "$parlab" --batch --save-trace "$tmp/flood" "$here/flood.lua" </dev/null >"$tmp/flood.out" 2>&1; rc=$?
[ $rc -eq 1 ] || bad "flood: exit $rc, want 1 (the endless flood times out)"
for w in 0 1 2 3; do
	n=$(grep -cE "^ +[0-9.]+(us|ms|s) +w$w +\| w$w line [0-9]{6} x{40}$" "$tmp/flood.out")
	[ "$n" -eq 20000 ] || bad "flood: worker $w has $n whole lines, want 20000"
	grep -E "\| w$w line" "$tmp/flood.out" | awk '{print $5}' | sort -c 2>/dev/null || bad "flood: worker $w lines out of order"
done
flat "$tmp/flood.out" | grep -qE "\.\.\. [0-9]+ lines not kept here: the output cap keeps the first 100000 and the last 100000 lines" || bad "flood: no dropped-lines count where they were"
for w in 0 1 2 3; do grep -qE "w$w +\| w$w last line$" "$tmp/flood.out" || bad "flood: worker $w's last line was not kept"; done
grep -q "w[0-3] line 000001$" "$tmp/flood.out" || bad "flood: the first lines were not kept"
flat "$tmp/flood.out" | grep -q "timed out after 3.0 s" || bad "flood: endless flood not stopped"
grep -qE "w1 +! error: .*flood.lua:[0-9]+: attempt to index a nil value" "$tmp/flood.out" || bad "flood: Lua error not shown with file:line"
grep -q "fine 0" "$tmp/flood.out" || bad "flood: the other thread did not go on"
grep -q "1 of 2 workers failed: w1 exit 1" "$tmp/flood.out" || bad "flood: failure not summarised"
[ "$(end_kinds "$tmp/flood")" = "finished finished timed_out failed" ] || bad "flood: trace kinds '$(end_kinds "$tmp/flood")', want finished finished timed_out failed"
l=$(leftovers); [ -z "$l" ] || bad "flood: left behind: $l"

PARLAB_PYTHON=/nonexistent/python3 timeout 60 "$parlab" --batch --save-trace "$tmp/nopython" "$here/nopython.lua" </dev/null >"$tmp/nopython.out" 2>&1; rc=$?
[ $rc -eq 0 ] || bad "nopython: exit $rc, want 0 (a missing prerequisite is not a failure)"
flat "$tmp/nopython.out" | grep -q "sudo apt-get install python3 python3-dask python3-pandas" || bad "nopython: does not say what to install"
grep -q "not run (see the message above)" "$tmp/nopython.out" || bad "nopython: not marked as not run"
grep -q "^after$" "$tmp/nopython.out" || bad "nopython: the course did not go on"
[ "$(end_kinds "$tmp/nopython")" = "not_run" ] || bad "nopython: trace kinds '$(end_kinds "$tmp/nopython")', want not_run"

timeout 60 "$parlab" --batch --save-trace "$tmp/daemons" "$here/daemons.lua" </dev/null >"$tmp/daemons.out" 2>&1; rc=$?
[ $rc -eq 0 ] || bad "daemons: exit $rc, want 0 (the command finished)"
flat "$tmp/daemons.out" | grep -qE "run Leaves two behind after [0-9.]+s: finished: exit 0; 2 background processes it left were stopped \(sleep [0-9]+, sleep [0-9]+\)" || bad "daemons: what it left is not said: $(flat "$tmp/daemons.out" | grep -o 'run Leaves.*' | head -c 300)"
secs=$(flat "$tmp/daemons.out" | grep -oE "run Leaves two behind after [0-9.]+s" | grep -oE "[0-9.]+s$" | tr -d s)
awk -v s="$secs" 'BEGIN { exit !(s != "" && s < 15) }' || bad "daemons: the run took ${secs}s: it waited for the daemons (timeout 30 s)"
[ "$(end_kinds "$tmp/daemons")" = "finished" ] || bad "daemons: trace kind '$(end_kinds "$tmp/daemons")', want finished"
pgrep -f "sleep 778[12]" >/dev/null && bad "daemons: left running: $(pgrep -af 'sleep 778[12]')"

if [ $fail -ne 0 ]; then
	for f in "$tmp"/*.out; do echo "== $f"; grep -v " line " "$f" | head -60; done
fi
exit $fail
